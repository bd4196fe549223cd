"""The board, the deals API and contact search on a pipeline with many deals.

The data is bulk-inserted (the services would take minutes for 20,000 deals and are not what is measured here);
its shape follows the demo: two teams of three managers, one candidate pipeline, a phone per contact, open tasks.
"""

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.stats import percentile
from podbor.accounts.models import Team, User
from podbor.accounts.services import api_token_issue, user_create
from podbor.crm.demo import names
from podbor.crm.demo.pipelines import MASS, custom_fields_create, pipelines_create
from podbor.crm.models import Contact, ContactPhone, Deal, Stage, StageChange, Task
from podbor.crm.selectors import contacts_search, contacts_visible_to
from podbor.lib.names import name_fold
from podbor.lib.phones import phone_normalize

BATCH = 2000


def _build(deals: int) -> dict:
    rng = random.Random(7)
    now = timezone.now()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        admin = user_create(username="admin", password="admin", role=User.Role.ADMIN)
        teams = [Team.objects.create(name=name) for name in ("Массовый подбор", "Клиентский отдел")]
        managers = [user_create(username=f"manager{i + 1}", password="x", team=teams[i // 3]) for i in range(6)]
    custom_fields_create()
    pipeline = pipelines_create()[MASS]
    stages = list(pipeline.stages.order_by("order"))
    # Most deals are open and young; a board's closed columns still hold thousands.
    weights = [30, 20, 12, 8, 5, 10, 15][: len(stages)]

    used: set[str] = set()
    contacts, phones = [], []
    for _ in range(deals):
        who = names.person(rng)
        contacts.append(Contact(name_folded=name_fold(f"{who['last_name']} {who['first_name']} {who['middle_name']}"),
                                city=names.weighted(rng, names.CITIES), **who))
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    for contact in contacts:
        raw = names.phone(rng, used)
        phones.append(ContactPhone(contact=contact, raw=raw, e164=phone_normalize(raw).e164))
    ContactPhone.objects.bulk_create(phones, batch_size=BATCH)

    rows = []
    for contact in contacts:
        stage = rng.choices(stages, weights=weights)[0]
        manager = rng.choice(managers)
        entered = now - timedelta(hours=rng.uniform(0, 24 * 60))
        rows.append(Deal(title=f"{contact.last_name} {contact.first_name}", pipeline=pipeline, stage=stage,
                         contact=contact, responsible=manager, team_id=manager.team_id,
                         source=names.weighted(rng, names.SOURCES), stage_entered_at=entered,
                         closed_at=entered if stage.kind != Stage.Kind.OPEN else None))
    Deal.objects.bulk_create(rows, batch_size=BATCH)
    StageChange.objects.bulk_create(
        (StageChange(deal=d, to_stage=d.stage, at=d.stage_entered_at) for d in rows), batch_size=BATCH
    )
    open_deals = [d for d in rows if d.closed_at is None and rng.random() < 0.6]
    Task.objects.bulk_create(
        (Task(deal=d, contact=d.contact, assignee=d.responsible, title="Перезвонить",
              due_at=now + timedelta(hours=rng.uniform(-48, 96))) for d in open_deals),
        batch_size=BATCH,
    )
    return {"admin": admin, "manager": managers[0], "phone": phones[len(phones) // 2].raw}


def _timed(call: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(2):  # warm caches and connections
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples



def _get(client: Client, path: str, data: dict | None = None, **headers) -> Callable[[], object]:
    def call():
        response = client.get(path, data, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    return call


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def run(*, deals: int, repeat: int) -> None:
    started = time.monotonic()
    people = _build(deals)
    print(f"Built {deals:,} deals, {Contact.objects.count():,} contacts, {Task.objects.count():,} tasks "
          f"in {time.monotonic() - started:.1f} s")

    measurements: list[tuple[str, Callable[[], object]]] = []
    notes: list[str] = []
    admin_client, manager_client = Client(), Client()
    admin_client.force_login(people["admin"])
    manager_client.force_login(people["manager"])
    if _exists("/"):
        measurements.append(("board page, admin", _get(admin_client, "/")))
        measurements.append(("board page, manager (own team)", _get(manager_client, "/")))
    else:
        notes.append("board page: no view at / yet, skipped")
    token = {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=people['admin'])}"}
    if _exists("/api/v1/deals"):
        measurements.append(("GET /api/v1/deals?limit=50", _get(Client(), "/api/v1/deals?limit=50", **token)))
    else:
        notes.append("GET /api/v1/deals: not there yet, skipped")
    phone = people["phone"]
    measurements.append((f"contacts search by phone ({phone!r}), selector",
                         lambda: list(contacts_search(contacts_visible_to(people["admin"]), phone)[:50])))
    if _exists("/api/v1/contacts"):
        measurements.append(("GET /api/v1/contacts?q=<phone>",
                             _get(Client(), "/api/v1/contacts", {"q": phone}, **token)))
    else:
        notes.append("GET /api/v1/contacts: not there yet, skipped")

    width = max(len(name) for name, _call in measurements) + 2
    print(f"\n{'measurement':<{width}}{'n':>5}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, call in measurements:
        samples = _timed(call, repeat)
        print(f"{name:<{width}}{len(samples):>5}{statistics.median(samples):>10.1f}"
              f"{percentile(samples, 0.99):>10.1f}{max(samples):>10.1f}")
    for note in notes:
        print("note:", note)
