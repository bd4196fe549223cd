from podbor.crm.services import company_create


def test_a_company_is_created_read_and_patched(api_as, manager_a, team_a):
    api = api_as(manager_a)
    created = api.post("/companies", {"name": "ООО Ромашка", "inn": "7701234567", "city": "Москва"})
    assert created.status_code == 201
    company_id = created.json()["id"]
    assert created.json()["team"] == team_a.pk
    patched = api.patch(f"/companies/{company_id}", {"website": "romashka.ru"}).json()
    assert (patched["name"], patched["website"], patched["city"]) == ("ООО Ромашка", "romashka.ru", "Москва")
    assert api.get(f"/companies/{company_id}").json() == patched


def test_a_company_needs_a_name(api_as, manager_a):
    response = api_as(manager_a).post("/companies", {"name": "  "})
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_companies_are_searched_by_a_part_of_the_name_in_any_case(api_as, manager_a):
    company_create(actor=manager_a, name="ООО Ромашка")
    company_create(actor=manager_a, name="ИП Лютик")
    body = api_as(manager_a).get("/companies", {"q": "ромаш"}).json()
    assert [c["name"] for c in body["items"]] == ["ООО Ромашка"]


def test_another_teams_company_is_not_found(api_as, manager_a, manager_b):
    hidden = company_create(actor=manager_b, name="ООО Бета")
    api = api_as(manager_a)
    assert api.get(f"/companies/{hidden.pk}").status_code == 404
    assert api.patch(f"/companies/{hidden.pk}", {"name": "Взлом"}).status_code == 404
    hidden.refresh_from_db()
    assert hidden.name == "ООО Бета"
