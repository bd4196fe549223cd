from django.urls import reverse


def test_pages_are_russian_by_default_and_english_after_switching(client, manager_a, pipeline):
    client.force_login(manager_a)
    assert "Мои задачи" in client.get(reverse("crm-board")).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("crm-board")})
    assert response.status_code == 302

    html = client.get(reverse("crm-board")).content.decode()
    assert "My tasks" in html
    assert "Мои задачи" not in html
