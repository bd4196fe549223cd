from podbor.crm.models import Contact
from podbor.crm.services import company_create


def test_create_with_a_full_name_answers_201_with_the_whole_contact(api_as, manager_a, team_a):
    response = api_as(manager_a).post("/contacts", {
        "full_name": "сидорова анна петровна", "phones": ["8 (999) 765-43-21", "+7 000 000-00-00"],
        "emails": ["Anna@Example.com"], "city": "Пермь", "gender": "f", "birth_date": "1990-05-01",
        "tags": ["склад"], "consent_at": "2026-01-10T12:00:00+03:00",
    })
    assert response.status_code == 201
    body = response.json()
    assert (body["last_name"], body["first_name"], body["middle_name"]) == ("Сидорова", "Анна", "Петровна")
    assert body["phones"][0] == {"raw": "8 (999) 765-43-21", "e164": "+79997654321", "valid": True}
    assert body["phones"][1]["valid"] is False
    assert body["emails"] == ["anna@example.com"]
    assert (body["city"], body["gender"], body["birth_date"], body["tags"]) == ("Пермь", "f", "1990-05-01", ["склад"])
    assert body["team"] == team_a.pk
    for key in ("id", "address", "source", "consent_at", "company", "custom", "created_at", "updated_at"):
        assert key in body


def test_create_with_name_parts(api_as, manager_a):
    body = api_as(manager_a).post("/contacts", {"first_name": "Олег", "last_name": "Кузнецов"}).json()
    assert body["full_name"] == "Кузнецов Олег"


def test_create_with_another_teams_company_is_a_field_error(api_as, manager_a, manager_b):
    hidden = company_create(actor=manager_b, name="ООО Бета")
    response = api_as(manager_a).post("/contacts", {"full_name": "Иванов Иван", "company": hidden.pk})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["company"]
    assert not Contact.objects.exists()


def test_patch_changes_only_the_fields_sent(api_as, manager_a, contact_a):
    response = api_as(manager_a).patch(f"/contacts/{contact_a.pk}", {"city": "Самара", "phones": ["+7 900 1112233"]})
    assert response.status_code == 200
    body = response.json()
    assert body["city"] == "Самара"
    assert [p["e164"] for p in body["phones"]] == ["+79001112233"]
    assert body["full_name"] == "Иванов Иван"
    assert body["emails"] == ["ivan@example.com"]


def test_patch_with_a_bad_email_changes_nothing(api_as, manager_a, contact_a):
    response = api_as(manager_a).patch(f"/contacts/{contact_a.pk}", {"city": "Самара", "emails": ["not-an-email"]})
    assert response.status_code == 400
    assert "emails.0" in response.json()["fields"]
    contact_a.refresh_from_db()
    assert contact_a.city == "Казань"


def test_the_contact_timeline_lists_its_history_newest_first(api_as, manager_a, contact_a, deal_a):
    body = api_as(manager_a).get(f"/contacts/{contact_a.pk}/timeline").json()
    assert body["count"] == 2
    assert body["items"][0]["deal"] == deal_a.pk
    assert body["items"][1]["kind"] == "system"  # "Contact created", in the language of the moment
    assert {"kind", "text", "author", "author_name", "created_at", "data"} <= set(body["items"][0])
