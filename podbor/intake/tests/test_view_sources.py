import json
import re

from django.urls import reverse
from django.utils import timezone

from podbor.conftest import stage_named
from podbor.intake.models import InboundEvent, Source
from podbor.intake.services import source_create

TOKEN_IN_URL = re.compile(r"\?token=([A-Za-z0-9_\-]+)")


def _form(pipeline, **changes) -> dict:
    return {
        "name": "hh.ru: кассиры", "kind": "generic", "pipeline": pipeline.pk,
        "stage": stage_named(pipeline, "Квалификация").pk,
        "allowed_cities": "Москва\n  Казань \n\n", "lost_reason": "Не подходит по городу",
        "auto_reply": "Спасибо! Пока вакансий в вашем городе нет.", "auto_reply_channel": "sms",
    } | changes


def test_a_source_is_created_from_the_form_and_its_credentials_are_shown_once(
    client, admin_user, pipeline, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)

    answer = client.post(reverse("intake-source-new"), _form(pipeline))

    assert answer.status_code == 200
    source = Source.objects.get(name="hh.ru: кассиры")
    assert source.stage == stage_named(pipeline, "Квалификация")
    assert source.relevance == {"allowed_cities": ["Москва", "Казань"], "lost_reason": "Не подходит по городу",
                                "auto_reply": "Спасибо! Пока вакансий в вашем городе нет.",
                                "auto_reply_channel": "sms"}
    html = answer.content.decode()
    token = TOKEN_IN_URL.search(html).group(1)
    assert source.hmac_secret in html and "curl -X POST" in html
    assert "no-cache" in answer["Cache-Control"]
    # The token works…
    with django_capture_on_commit_callbacks(execute=True):
        delivered = client.post(f"/api/v1/intake/{source.slug}?token={token}",
                                json.dumps({"full_name": "Иванов Иван", "phones": ["89991234567"]}),
                                content_type="application/json")
    assert delivered.status_code == 202
    # …and is never shown again, nor is the secret.
    for page in (reverse("intake-sources"), reverse("intake-source-edit", args=[source.pk])):
        again = client.get(page).content.decode()
        assert token not in again and source.hmac_secret not in again


def test_a_stage_of_another_pipeline_is_refused_with_the_reason(client, admin_user, pipeline):
    from podbor.crm.models import Pipeline, Stage

    other = Pipeline.objects.create(name="Клиенты")
    foreign = Stage.objects.create(pipeline=other, name="Новый запрос", order=1)
    client.force_login(admin_user)

    answer = client.post(reverse("intake-source-new"), _form(pipeline, stage=foreign.pk))

    assert answer.status_code == 200
    assert "field__error" in answer.content.decode()
    assert not Source.objects.exists()


def test_a_source_is_edited_and_rules_set_through_the_api_are_kept(client, admin_user, pipeline):
    source, _token = source_create(name="Сайт", kind="site", pipeline=pipeline,
                                   relevance={"allowed_cities": ["Пермь"], "experimental": True})
    client.force_login(admin_user)
    url = reverse("intake-source-edit", args=[source.pk])
    assert "Пермь" in client.get(url).content.decode()

    answer = client.post(url, {"name": "Сайт компании", "stage": stage_named(pipeline, "Квалификация").pk,
                               "allowed_cities": "", "lost_reason": "", "auto_reply": "",
                               "auto_reply_channel": "sms"})

    assert answer.status_code == 302 and answer["Location"] == reverse("intake-sources")
    source.refresh_from_db()
    assert (source.name, source.is_active) == ("Сайт компании", False)
    assert source.stage == stage_named(pipeline, "Квалификация")
    assert source.relevance == {"experimental": True}


def test_a_new_token_is_shown_once_and_the_old_one_stops_working(client, admin_user, generic_source):
    old = generic_source.test_token
    client.force_login(admin_user)

    answer = client.post(reverse("intake-source-token", args=[generic_source.pk]))

    new = TOKEN_IN_URL.search(answer.content.decode()).group(1)
    assert new != old
    assert generic_source.hmac_secret not in answer.content.decode()
    body = json.dumps({"full_name": "Иванов Иван", "phones": ["89991234567"]})
    url = f"/api/v1/intake/{generic_source.slug}?token="
    assert client.post(url + old, body, content_type="application/json").status_code == 401
    assert client.post(url + new, body, content_type="application/json").status_code == 202


def test_the_list_counts_todays_events_by_status(client, admin_user, deliver, generic_source):
    deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"]})
    deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"], "vacancy": "Повар"})
    deliver(generic_source, {"full_name": "Без Контактов"})
    yesterday = deliver(generic_source, {"full_name": "Петров Пётр", "phones": ["89990000001"]}).json()["event"]
    InboundEvent.objects.filter(pk=yesterday).update(received_at=timezone.now() - timezone.timedelta(days=2))
    client.force_login(admin_user)

    html = client.get(reverse("intake-sources")).content.decode()

    assert re.search(r"badge--processed\">[^<:]+: 1<", html)
    assert re.search(r"badge--duplicate\">[^<:]+: 1<", html)
    assert re.search(r"badge--failed\">[^<:]+: 1<", html)


def test_only_an_administrator_manages_sources(client, lead_a, manager_a, generic_source):
    for user in (lead_a, manager_a):
        client.force_login(user)
        assert client.get(reverse("intake-sources")).status_code == 403
        assert client.get(reverse("intake-source-new")).status_code == 403
        assert client.get(reverse("intake-source-edit", args=[generic_source.pk])).status_code == 403
        assert client.post(reverse("intake-source-token", args=[generic_source.pk])).status_code == 403
