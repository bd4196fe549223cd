from podbor.crm.models import TimelineEntry


def test_a_note_on_a_deal_is_created_and_listed(api_as, manager_a, deal_a):
    api = api_as(manager_a)
    response = api.post("/notes", {"deal": deal_a.pk, "text": "Кандидат просил звонить после 18:00"})
    assert response.status_code == 201
    note = response.json()
    assert (note["kind"], note["deal"], note["contact"], note["author"]) == ("note", deal_a.pk, deal_a.contact_id,
                                                                             manager_a.pk)
    listed = api.get(f"/deals/{deal_a.pk}/notes").json()
    assert listed == {"items": [note], "count": 1}


def test_a_note_on_a_contact_alone(api_as, manager_a, contact_a):
    response = api_as(manager_a).post("/notes", {"contact": contact_a.pk, "text": "Хочет работу у дома"})
    assert response.status_code == 201
    assert TimelineEntry.objects.get(pk=response.json()["id"]).contact == contact_a


def test_an_empty_note_or_one_without_a_subject_is_refused(api_as, manager_a, deal_a):
    api = api_as(manager_a)
    assert "text" in api.post("/notes", {"deal": deal_a.pk, "text": "  "}).json()["fields"]
    assert api.post("/notes", {"text": "Ни к чему"}).status_code == 400
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NOTE).exists()


def test_a_note_on_another_teams_deal_is_refused(api_as, manager_a, deal_b):
    response = api_as(manager_a).post("/notes", {"deal": deal_b.pk, "text": "Подсмотрено"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["deal"]
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NOTE).exists()
