def test_the_ui_is_russian_by_default_even_for_an_english_browser(client, manager_a):
    client.force_login(manager_a)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ru"' in page.content.decode()


def test_the_chosen_language_wins_over_the_default(client, manager_a):
    client.force_login(manager_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert 'lang="en"' in page.content.decode()
