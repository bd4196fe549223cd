from podbor.crm.models import Contact, Deal


def test_malformed_json_is_a_400_that_quotes_the_parse_error(api_as, manager_a, pipeline):
    response = api_as(manager_a).post("/deals", raw='{"title": "x",')
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "malformed_json"
    assert "line 1" in body["detail"]
    assert body["fields"] == {}
    assert not Deal.objects.exists()


def test_wrong_types_are_a_400_with_a_message_per_field(api_as, manager_a):
    response = api_as(manager_a).post("/contacts", {"full_name": 42, "phones": ["+7 999 1234567", 5],
                                                    "emails": "a@b.ru", "birth_date": "вчера"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert set(body["fields"]) == {"full_name", "phones.1", "emails", "birth_date"}
    assert all(isinstance(m, str) and m for messages in body["fields"].values() for m in messages)
    assert not Contact.objects.exists()


def test_a_missing_required_field_is_named(api_as, manager_a):
    response = api_as(manager_a).post("/deals", {"title": "Без воронки"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pipeline"]


def test_an_unknown_field_is_refused_rather_than_ignored(api_as, manager_a, contact_a):
    response = api_as(manager_a).patch(f"/contacts/{contact_a.pk}", {"phone": "+7 999 0000000"})
    assert response.status_code == 400
    assert "phone" in response.json()["fields"]


def test_a_business_rule_error_from_a_service_keeps_its_field_messages(api_as, manager_a):
    response = api_as(manager_a).post("/contacts", {"full_name": "Иванов Иван", "phones": ["12"]})
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"phones.0"}
    assert not Contact.objects.exists()


def test_an_unknown_url_is_a_json_404(api_as, manager_a):
    response = api_as(manager_a).get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": response.json()["detail"], "fields": {}}


def test_an_unsupported_method_is_a_json_405(api_as, manager_a, deal_a):
    api = api_as(manager_a)
    response = api.client.delete(f"/api/v1/deals/{deal_a.pk}", **api.headers)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert Deal.objects.filter(pk=deal_a.pk).exists()


def test_a_huge_id_is_a_404_not_a_crash(api_as, manager_a):
    assert api_as(manager_a).get("/deals/99999999999999999999999").status_code == 404


def test_a_nul_character_is_a_field_error_not_a_database_crash(api_as, manager_a, contact_a):
    api = api_as(manager_a)
    response = api.patch(f"/contacts/{contact_a.pk}", {"city": "Ка\x00зань", "custom": {"x": ["\x00"]}})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"city", "custom"}
    assert api.get("/contacts", {"q": "a\x00b"}).status_code == 400
