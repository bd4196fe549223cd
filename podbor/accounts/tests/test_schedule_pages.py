"""The "Working hours" pages: an administrator sets anyone's hours, a team lead their team's, a manager sees their
own. Times that make no sense come back as errors under the day, and nothing is saved."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from podbor.accounts.models import WorkSchedule

T = datetime.time
EMPTY_WEEK = {f"day_{d}": "" for d in range(7)}


def _rows(user) -> list[tuple[int, datetime.time, datetime.time]]:
    return list(WorkSchedule.objects.filter(user=user).order_by("weekday", "starts_at")
                .values_list("weekday", "starts_at", "ends_at"))


def _edit_url(user) -> str:
    return reverse("accounts-work-hours-edit", args=[user.pk])


def test_a_team_lead_sets_a_team_members_week(client, lead_a, manager_a):
    client.force_login(lead_a)
    week = EMPTY_WEEK | {"day_0": "09:00–18:00", "day_1": "9:00-13:00, 14:00 - 18:00", "day_4": "10.30-16"}

    response = client.post(_edit_url(manager_a), week)

    assert response.status_code == 302 and response.url == reverse("accounts-work-hours")
    assert _rows(manager_a) == [(0, T(9), T(18)), (1, T(9), T(13)), (1, T(14), T(18)), (4, T(10, 30), T(16))]
    form = client.get(_edit_url(manager_a)).context["form"]
    assert form["day_1"].value() == "09:00–13:00, 14:00–18:00" and form["day_6"].value() in ("", None)


def test_clearing_every_day_removes_the_schedule(client, admin_user, manager_a):
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=T(9), ends_at=T(18))
    client.force_login(admin_user)

    assert client.post(_edit_url(manager_a), EMPTY_WEEK).status_code == 302

    assert _rows(manager_a) == []


@pytest.mark.parametrize("day_2", ["25:00-18:00", "nine to six", "09:00-18:00, 10"])
def test_bad_times_are_errors_under_the_day_and_nothing_is_saved(client, admin_user, manager_a, day_2):
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=T(9), ends_at=T(18))
    client.force_login(admin_user)

    response = client.post(_edit_url(manager_a), EMPTY_WEEK | {"day_0": "10:00-19:00", "day_2": day_2})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["day_2"]
    assert form["day_2"].value() == day_2  # what was typed stays to be corrected
    assert _rows(manager_a) == [(0, T(9), T(18))]


@pytest.mark.parametrize("day_3", ["18:00-09:00", "09:00-14:00, 13:00-18:00"])
def test_an_end_before_the_start_or_an_overlap_is_shown_under_the_day(client, admin_user, manager_a, day_3):
    client.force_login(admin_user)

    response = client.post(_edit_url(manager_a), EMPTY_WEEK | {"day_3": day_3})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["day_3"]
    html = response.content.decode()
    assert 'class="field field--error"' in html and 'name="day_3"' in html
    assert _rows(manager_a) == []


def test_every_mistake_shows_at_once(client, admin_user, manager_a):
    client.force_login(admin_user)
    week = EMPTY_WEEK | {"day_0": "18:00-09:00", "day_1": "9-14, 13-18", "day_2": "25:00-18:00", "day_4": "9-18"}

    form = client.post(_edit_url(manager_a), week).context["form"]

    assert sorted(form.errors) == ["day_0", "day_1", "day_2"]
    assert _rows(manager_a) == []


def test_the_error_names_the_times_it_is_about(client, admin_user, manager_a):
    client.force_login(admin_user)

    form = client.post(_edit_url(manager_a), EMPTY_WEEK | {"day_0": "18:00-09:00"}).context["form"]

    [message] = form.errors["day_0"]
    assert "09:00" in message and "18:00" in message


def test_a_team_lead_cannot_open_another_teams_hours(client, lead_a, manager_b):
    client.force_login(lead_a)

    assert client.get(_edit_url(manager_b)).status_code == 404
    assert client.post(_edit_url(manager_b), EMPTY_WEEK | {"day_0": "09:00-18:00"}).status_code == 404
    assert _rows(manager_b) == []


def test_a_manager_sees_their_own_hours_but_cannot_change_them(client, manager_a):
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=T(9), ends_at=T(18))
    client.force_login(manager_a)

    response = client.get(_edit_url(manager_a))
    assert response.status_code == 200
    assert response.context["form"] is None and response.context["editable"] is False
    assert '<tr data-weekday="0"><th>' in response.content.decode()
    assert 'id="work-hours-form"' not in response.content.decode()

    assert client.post(_edit_url(manager_a), EMPTY_WEEK).status_code == 403
    assert _rows(manager_a) == [(0, T(9), T(18))]


def test_a_manager_cannot_open_anothers_hours(client, manager_a, manager_a2):
    client.force_login(manager_a)

    assert client.get(_edit_url(manager_a2)).status_code == 404
    assert client.post(_edit_url(manager_a2), EMPTY_WEEK).status_code == 404


def test_the_list_shows_whom_the_viewer_may_see_and_edit(client, admin_user, lead_a, manager_a, manager_b):
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=T(9), ends_at=T(18))
    url = reverse("accounts-work-hours")

    client.force_login(lead_a)
    people = {p.pk: p for p in client.get(url).context["people"]}
    assert set(people) == {lead_a.pk, manager_a.pk}
    assert people[manager_a.pk].editable
    assert [d["hours"][0].starts_at for d in people[manager_a.pk].week if d["hours"]] == [T(9)]

    client.force_login(manager_a)
    people = client.get(url).context["people"]
    assert [(p.pk, p.editable) for p in people] == [(manager_a.pk, False)]

    client.force_login(admin_user)
    people = client.get(url).context["people"]
    assert {manager_a.pk, manager_b.pk} <= {p.pk for p in people} and all(p.editable for p in people)


def test_the_pages_are_linked_from_the_header(client, lead_a, manager_a):
    client.force_login(lead_a)
    html = client.get(reverse("crm-board")).content.decode()
    assert f'href="{reverse("accounts-work-hours")}"' in html

    client.force_login(manager_a)
    html = client.get(reverse("crm-board")).content.decode()
    assert f'href="{reverse("accounts-work-hours")}"' not in html
    assert f'href="{_edit_url(manager_a)}" id="menu-my-hours"' in html


def test_the_form_is_protected_by_csrf(lead_a, manager_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lead_a)

    assert 'name="csrfmiddlewaretoken"' in browser.get(_edit_url(manager_a)).content.decode()
    assert browser.post(_edit_url(manager_a), EMPTY_WEEK | {"day_0": "09:00-18:00"}).status_code == 403
    assert _rows(manager_a) == []
