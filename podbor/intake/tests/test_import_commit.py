"""Committing an import: rows go through the intake pipeline as events, in batches; re-importing creates nothing."""

from django.utils.translation import override

from podbor.crm.models import Contact, Deal, TimelineEntry
from podbor.crm.services import contact_create, deal_create
from podbor.intake.importing import committing
from podbor.intake.importing.services import import_run
from podbor.intake.models import ImportBatch, InboundEvent, Source
from podbor.intake.tests.import_samples import HEADERS_RU, ROWS_RU, csv_bytes, import_events, xlsx_bytes


def commit(content, pipeline, actor, **kwargs):
    return import_run(content=content, filename="people.csv", pipeline=pipeline, actor=actor, **kwargs)


def test_rows_become_contacts_with_deals_in_the_chosen_pipeline(pipeline, admin_user):
    report = commit(csv_bytes(HEADERS_RU, ROWS_RU), pipeline, admin_user)
    assert report.counts["created"] == 3
    ivanov = Contact.objects.get(last_name="Иванов")
    assert (ivanov.first_name, ivanov.middle_name, ivanov.city) == ("Иван", "Иванович", "Москва")
    assert list(ivanov.phones.values_list("e164", flat=True)) == ["+79991234567"]
    assert list(ivanov.emails.values_list("normalized", flat=True)) == ["ivanov@example.ru"]
    deal = Deal.objects.get(contact=ivanov)
    assert deal.pipeline == pipeline
    assert deal.stage == pipeline.first_open_stage()
    assert "Курьер" in deal.title
    history = TimelineEntry.objects.get(deal=deal, kind=TimelineEntry.Kind.SYSTEM, data__event__isnull=False)
    assert "Звонить после 18" in history.text
    assert report.rows[0].contact == ivanov.pk and report.rows[0].deal == deal.pk


def test_each_row_is_an_event_of_the_pipelines_import_source(pipeline, admin_user):
    report = commit(csv_bytes(HEADERS_RU, ROWS_RU), pipeline, admin_user)
    source = Source.objects.get(kind=Source.Kind.IMPORT, pipeline=pipeline)
    events = list(InboundEvent.objects.filter(source=source).order_by("id"))
    assert len(events) == 3
    assert all(e.status == InboundEvent.Status.PROCESSED and e.external_id.startswith("row:") for e in events)
    assert [e.pk for e in events] == [r.event for r in report.rows]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.source, batch.report["counts"]["created"]) == ("committed", source, 3)
    assert "name" not in batch.report["rows"][0]  # the stored report keeps no names


def test_importing_the_same_file_again_creates_nothing_new(pipeline, admin_user):
    content = xlsx_bytes(HEADERS_RU, ROWS_RU)
    commit(content, pipeline, admin_user)
    counts = (Contact.objects.count(), Deal.objects.count(), InboundEvent.objects.count(),
              TimelineEntry.objects.count())
    again = commit(content, pipeline, admin_user)
    assert [r.outcome for r in again.rows] == ["already_imported"] * 3
    assert (Contact.objects.count(), Deal.objects.count(), InboundEvent.objects.count(),
            TimelineEntry.objects.count()) == counts
    dry = commit(content, pipeline, admin_user, dry_run=True)
    assert dry.counts["already_imported"] == 3


def test_the_same_rows_saved_differently_are_still_recognised(pipeline, admin_user):
    commit(csv_bytes(HEADERS_RU, ROWS_RU), pipeline, admin_user)
    retyped = [[r[0].upper(), r[1].replace("8 (999) ", "+7 999 "), r[2].upper(), *r[3:]] for r in ROWS_RU]
    again = commit(csv_bytes(HEADERS_RU, retyped, delimiter=";", encoding="cp1251"), pipeline, admin_user)
    assert again.counts["already_imported"] == 3


def test_a_bad_row_is_reported_while_the_others_are_imported(pipeline, admin_user):
    rows = [ROWS_RU[0], ["Без Контактов", "", "", "Москва", "Курьер", ""], ["Кривой Номер", "12", "", "", "", ""],
            ROWS_RU[1]]
    with override("en"):
        report = commit(csv_bytes(HEADERS_RU, rows), pipeline, admin_user)
    assert [(r.row, r.outcome) for r in report.rows] == [(2, "created"), (3, "rejected"), (4, "rejected"),
                                                          (5, "created")]
    assert report.rows[1].reason == "No phone and no email."
    assert "“12” is not a phone number" in report.rows[2].reason
    assert Contact.objects.count() == 2
    assert import_events().count() == 2


def test_a_known_phone_joins_the_contact_and_its_open_deal(pipeline, admin_user):
    known = contact_create(actor=admin_user, full_name="Иванов Иван", phones=["+79991234567"])
    open_deal = deal_create(actor=admin_user, title="Иванов", pipeline=pipeline, contact=known)
    report = commit(csv_bytes(HEADERS_RU, ROWS_RU[:1]), pipeline, admin_user)
    assert report.rows[0].outcome == "repeat"
    assert (report.rows[0].contact, report.rows[0].deal) == (known.pk, open_deal.pk)
    assert Deal.objects.filter(contact=known).count() == 1
    assert known.emails.filter(normalized="ivanov@example.ru").exists()  # enriched, not overwritten


def test_the_dry_run_predicts_what_the_commit_does(pipeline, admin_user):
    known = contact_create(actor=admin_user, full_name="Петрова Анна", phones=["+79165554433"])
    rows = [*ROWS_RU, ["Иванов И.", "", "ivanov@example.ru", "", "Водитель", ""], ["Нет Ничего", "", "", "", "", ""]]
    content = csv_bytes(HEADERS_RU, rows)
    predicted = commit(content, pipeline, admin_user, dry_run=True)
    done = commit(content, pipeline, admin_user)
    assert [(r.outcome, r.matched_by) for r in predicted.rows] == [(r.outcome, r.matched_by) for r in done.rows]
    assert [r.outcome for r in done.rows] == ["created", "joined", "created", "repeat", "rejected"]
    assert done.rows[1].contact == known.pk


def test_rows_are_processed_in_several_batches(pipeline, admin_user, monkeypatch):
    monkeypatch.setattr(committing, "BATCH", 2)
    rows = [[f"Человек {i}", f"8999{i:07d}", "", "", "", ""] for i in range(5)]
    report = commit(csv_bytes(HEADERS_RU, rows), pipeline, admin_user)
    assert report.counts["created"] == 5
    assert Deal.objects.filter(pipeline=pipeline).count() == 5
