"""A dry run says per row what would happen and why, and writes nothing."""

import pytest
from django.utils.translation import override

from podbor.crm.models import Contact, Deal, TimelineEntry
from podbor.crm.services import contact_create, deal_create
from podbor.events.models import DomainEvent
from podbor.intake.importing.services import import_run
from podbor.intake.models import ImportBatch, InboundEvent, Source
from podbor.intake.tests.import_samples import csv_bytes

HEADERS = ["ФИО", "Телефон", "E-mail", "Вакансия"]


@pytest.fixture
def known(pipeline, admin_user):
    """Ivanov has an open deal in the pipeline; Petrova is known but has no deal there."""
    ivanov = contact_create(actor=admin_user, full_name="Иванов Иван", phones=["+79991234567"])
    deal = deal_create(actor=admin_user, title="Иванов", pipeline=pipeline, contact=ivanov)
    petrova = contact_create(actor=admin_user, full_name="Петрова Анна", emails=["anna@example.ru"])
    return {"ivanov": ivanov, "ivanov_deal": deal, "petrova": petrova}


def dry_run(rows, pipeline, actor, language=None):
    """The report; ``language`` for the tests that read its reasons and warnings."""
    if language:
        with override(language):
            return dry_run(rows, pipeline, actor)
    return import_run(content=csv_bytes(HEADERS, rows), filename="people.csv", pipeline=pipeline, actor=actor,
                      dry_run=True)


def test_each_row_says_what_would_happen_and_why(pipeline, admin_user, known):
    report = dry_run([
        ["Новиков Олег", "89990000001", "", "Курьер"],
        ["Иванов Иван", "8 (999) 123-45-67", "", "Курьер"],
        ["Петрова Анна", "", "ANNA@example.ru", "Кладовщик"],
        ["Без Контактов", "", "", "Курьер"],
        ["Плохой Адрес", "", "not-an-email", "Курьер"],
    ], pipeline, admin_user, language="en")
    by_row = {r.row: r for r in report.rows}
    assert by_row[2].outcome == "created"
    assert by_row[3].outcome == "repeat"
    assert (by_row[3].matched_by, by_row[3].contact, by_row[3].deal) == ("phone", known["ivanov"].pk,
                                                                           known["ivanov_deal"].pk)
    assert by_row[4].outcome == "joined"
    assert (by_row[4].matched_by, by_row[4].contact) == ("email", known["petrova"].pk)
    assert by_row[5].outcome == "rejected"
    assert by_row[5].reason == "No phone and no email."
    assert by_row[6].outcome == "rejected"
    assert "not-an-email" in by_row[6].reason
    assert report.counts == {"created": 1, "joined": 1, "repeat": 1, "rejected": 2, "already_imported": 0,
                             "failed": 0}


def test_a_dry_run_writes_nothing(pipeline, admin_user, known):
    tables = (Contact, Deal, TimelineEntry, InboundEvent, Source, ImportBatch, DomainEvent)
    before = {model: model.objects.count() for model in tables}
    dry_run([["Новиков Олег", "89990000001", "", "Курьер"], ["Иванов Иван", "89991234567", "", "Курьер"]],
            pipeline, admin_user)
    assert {model: model.objects.count() for model in tables} == before


def test_the_same_person_twice_in_a_file_is_created_once_then_repeats(pipeline, admin_user):
    report = dry_run([
        ["Новиков Олег", "89990000001", "", "Курьер"],
        ["Новиков Олег", "+7 999 000-00-01", "oleg@example.ru", "Водитель"],
        ["Олег Н.", "", "oleg@example.ru", ""],
    ], pipeline, admin_user, language="en")
    assert [r.outcome for r in report.rows] == ["created", "repeat", "repeat"]
    assert "row 2" in report.rows[2].reason


def test_an_identical_row_is_reported_as_the_same_as_the_first(pipeline, admin_user):
    row = ["Новиков Олег", "89990000001", "", "Курьер"]
    report = dry_run([row, ["новиков  олег", "+7 (999) 000-00-01", "", "курьер"]], pipeline, admin_user,
                     language="en")
    assert [r.outcome for r in report.rows] == ["created", "already_imported"]
    assert report.rows[1].reason == "Same as row 2."


def test_a_bad_value_next_to_a_good_one_is_a_warning_not_a_rejection(pipeline, admin_user):
    report = dry_run([["Новиков Олег", "89990000001", "oleg@", "Курьер"]], pipeline, admin_user, language="en")
    assert report.rows[0].outcome == "created"
    assert report.rows[0].warnings == ["Email “oleg@” is not valid."]


def test_a_team_lead_learns_of_a_match_but_not_which_contact_they_cannot_see(pipeline, admin_user, lead_a, team_b):
    hidden = contact_create(actor=admin_user, full_name="Чужой Контакт", phones=["+79995550000"], team=team_b)
    assert not Contact.objects.filter(pk=hidden.pk, team=lead_a.team).exists()
    report = dry_run([["Чужой Контакт", "89995550000", "", "Курьер"]], pipeline, lead_a)
    assert report.rows[0].outcome == "joined"
    assert report.rows[0].matched_by == "phone"
    assert report.rows[0].contact is None
