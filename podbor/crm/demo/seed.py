"""Builds the demo through the services, so that the timeline, the stage history and the events are those of real use.

The services stamp rows with the current time; the demo then re-dates each step's rows into the past weeks, so that
time on stage, overdue tasks and the funnel look like those of a working agency.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from podbor.accounts.models import Team, User
from podbor.accounts.services import user_create
from podbor.crm.demo import names
from podbor.crm.demo.pipelines import (
    ACCOUNTS,
    AGENCY_CANDIDATES,
    AGENCY_VACANCIES,
    CLIENTS,
    CONTACT_TAGS,
    INQUIRIES,
    MASS,
    MASS_VACANCIES,
    NOTES,
    PROJECTS,
    TASKS,
    TEAM_CLIENTS,
    TEAM_MASS,
    TENDERS,
    custom_fields_create,
    pipelines_create,
)
from podbor.crm.models import Company, Contact, Deal, Pipeline, Stage, StageChange, Task, TimelineEntry
from podbor.crm.services import (
    company_create,
    contact_create,
    deal_close_lost,
    deal_create,
    deal_link,
    deal_move_to_stage,
    deal_update,
    note_add,
    task_complete,
    task_create,
)
from podbor.events.models import DomainEvent

R = User.Role
# username, role, team, first name, last name. Demo passwords: "admin" for the admin, the login for everyone else.
USERS = (
    ("admin", R.ADMIN, None, "Ольга", "Кравченко"),
    ("lead1", R.TEAM_LEAD, TEAM_MASS, "Игорь", "Белоусов"),
    ("lead2", R.TEAM_LEAD, TEAM_CLIENTS, "Марина", "Соколова"),
    ("manager1", R.MANAGER, TEAM_MASS, "Дарья", "Лебедева"),
    ("manager2", R.MANAGER, TEAM_MASS, "Артём", "Карпов"),
    ("manager3", R.MANAGER, TEAM_MASS, "Алина", "Гарипова"),
    ("manager4", R.MANAGER, TEAM_CLIENTS, "Никита", "Орлов"),
    ("manager5", R.MANAGER, TEAM_CLIENTS, "Елена", "Миронова"),
    ("manager6", R.MANAGER, TEAM_CLIENTS, "Руслан", "Сафин"),
)

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    team: str


@dataclass
class DemoSummary:
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class _Dating:
    """Moves the rows that services stamped with "now" to the moment the demo says the step happened.

    Raw SQL on purpose: this runs after every step, and the ORM's overhead here was half of the seed's time.
    """

    stamped = ((TimelineEntry, "created_at"), (StageChange, "at"), (DomainEvent, "created_at"))

    def __init__(self):
        self.tables = [(model._meta.db_table, model._meta.get_field(name).column) for model, name in self.stamped]
        # Table and column names come from the models, never from input.
        subqueries = ", ".join(f"(SELECT MAX(id) FROM {table})" for table, _column in self.tables)  # noqa: S608
        self.last_ids_sql = f"SELECT {subqueries}"  # noqa: S608
        self.marks = self._last_ids()

    def _last_ids(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(self.last_ids_sql)
            return [value or 0 for value in cursor.fetchone()]

    @contextmanager
    def at(self, when: datetime.datetime):
        yield
        last_ids = self._last_ids()
        stored = connection.ops.adapt_datetimefield_value(when)  # the ORM's own format, so lookups still match
        with connection.cursor() as cursor:
            for (table, column), mark, last in zip(self.tables, self.marks, last_ids, strict=True):
                if last > mark:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id > %s AND id <= %s",  # noqa: S608
                                   [stored, mark, last])
        self.marks = last_ids


def _stamp(obj, **fields) -> None:
    """Set fields in the database and on the object, so that a later ``save()`` by a service keeps them."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    for name, value in fields.items():
        setattr(obj, name, value)


class _Demo:
    def __init__(self, *, seed: int, size: int):
        self.rng = random.Random(seed)
        self.size = size
        self.now = timezone.now()
        self.dating = _Dating()
        self.used_phones: set[str] = set()
        self.summary = DemoSummary()

    # People -------------------------------------------------------------------------------------------------------

    def users_create(self) -> None:
        self.teams = {name: Team.objects.create(name=name) for name in (TEAM_MASS, TEAM_CLIENTS)}
        self.managers: dict[str, list[User]] = {TEAM_MASS: [], TEAM_CLIENTS: []}
        for username, role, team, first_name, last_name in USERS:
            password = "admin" if username == "admin" else username
            user = user_create(username=username, password=password, role=role,
                               team=self.teams[team] if team else None, first_name=first_name,
                               last_name=last_name, email=f"{username}@podbor.example")
            if role == R.MANAGER:
                self.managers[team].append(user)
            self.summary.logins.append(DemoLogin(username, password, user.get_role_display(), team or "—"))

    def contact_create(self, *, actor: User | None, start: datetime.datetime, source: str,
                       salary: tuple[int, int] | None = None, company: Company | None = None) -> Contact:
        rng = self.rng
        who = names.person(rng)
        city = company.city if company else names.weighted(rng, names.CITIES)
        phones = [names.phone(rng, self.used_phones) for _ in range(2 if rng.random() < 0.1 else 1)]
        emails = [names.email(rng, who)] if company or rng.random() < 0.35 else []
        custom = {}
        if salary is not None:
            custom["desired_salary"] = rng.randrange(*salary, 5000)
            if city in names.METRO and rng.random() < 0.7:
                custom["metro"] = rng.choice(names.METRO[city])
        birth = None
        if company is None and rng.random() < 0.6:
            birth = datetime.date(self.now.year - rng.randrange(18, 56), rng.randrange(1, 13), rng.randrange(1, 29))
        with self.dating.at(start):
            contact = contact_create(
                actor=actor, phones=phones, emails=emails, city=city, source=source, company=company,
                birth_date=birth, consent_at=start if rng.random() < 0.9 else None,
                tags=[rng.choice(CONTACT_TAGS)] if rng.random() < 0.2 else None, custom=custom, **who,
            )
        _stamp(contact, created_at=start, updated_at=start)
        return contact

    # Pipelines ----------------------------------------------------------------------------------------------------

    def pipelines_load(self) -> None:
        custom_fields_create()
        self.pipelines = pipelines_create()
        self.open_stages: dict[str, list[Stage]] = {}
        self.won: dict[str, Stage] = {}
        self.reasons: dict[str, list] = {}
        for key, pipeline in self.pipelines.items():
            stages = list(pipeline.stages.order_by("order"))
            self.open_stages[key] = [s for s in stages if s.kind == Stage.Kind.OPEN]
            self.won[key] = next(s for s in stages if s.kind == Stage.Kind.WON)
            self.reasons[key] = list(pipeline.lost_reasons.all())

    def _dwell(self, stage: Stage) -> datetime.timedelta:
        target = stage.target_seconds or 86400
        return datetime.timedelta(seconds=max(300, target * self.rng.uniform(0.2, 1.8)))

    def _fill_required(self, deal: Deal, stage: Stage, when: datetime.datetime, actor: User | None) -> Deal:
        """What a manager types into the card before dragging it to a guarded stage."""
        changes: dict = {}
        custom: dict = {}
        for code in stage.required_fields:
            if code == "interview_date" and not deal.custom.get(code):
                custom[code] = (when + self.rng.randrange(1, 4) * DAY).date()
            elif code == "vacancy" and not deal.custom.get(code):
                custom[code] = self.rng.choice(AGENCY_VACANCIES)
            elif code == "budget_planned" and deal.budget_planned is None:
                changes[code] = Decimal(self.rng.randrange(15, 300) * 10_000)
        if custom:
            changes["custom"] = custom
        if changes:
            with self.dating.at(when):
                deal = deal_update(deal=deal, actor=actor, **changes)
        return deal

    def deal_live(self, *, key: str, actor: User | None, start: datetime.datetime, title: str,
                  contact: Contact | None, company: Company | None = None, source: str = "",
                  custom: dict | None = None, advance: float = 0.7, lose: float = 0.18) -> Deal:
        """Create the deal at ``start`` and walk it forward through the pipeline until it stops, is lost or won."""
        rng = self.rng
        pipeline = self.pipelines[key]
        with self.dating.at(start):
            deal = deal_create(actor=actor, title=title, pipeline=pipeline, contact=contact, company=company,
                               source=source, custom=custom)
        _stamp(deal, created_at=start, stage_entered_at=start)
        when, stages = start, self.open_stages[key]
        for index, stage in enumerate(stages):
            if actor is None:
                break  # nobody has picked it up yet
            following = stages[index + 1] if index + 1 < len(stages) else self.won[key]
            step = when + self._dwell(stage)
            if step > self.now - datetime.timedelta(minutes=10):
                break
            roll = rng.random()
            if roll < lose:
                with self.dating.at(step):
                    deal = deal_close_lost(deal=deal, reason=rng.choice(self.reasons[key]), actor=actor)
            elif roll < lose + advance:
                deal = self._fill_required(deal, following, step, actor)
                with self.dating.at(step):
                    deal = deal_move_to_stage(deal=deal, stage=following, actor=actor)
            else:
                break
            seconds = int((step - when).total_seconds())
            StageChange.objects.filter(deal=deal, at=step).update(seconds_on_previous=seconds)
            _stamp(deal, stage_entered_at=step, closed_at=step if deal.stage.is_closed else None)
            when = step
            if deal.stage.is_closed:
                break
        self._work(deal, actor, start, when)
        _stamp(deal, updated_at=when)
        return deal

    def _work(self, deal: Deal, actor: User | None, start: datetime.datetime, last: datetime.datetime) -> None:
        """Notes and tasks: a done first call for some, and the next step for every open deal someone owns."""
        rng = self.rng
        if actor is None:
            return
        if rng.random() < 0.4:
            at = start + (last - start) * rng.random() + datetime.timedelta(minutes=5)
            with self.dating.at(min(at, self.now)):
                note_add(actor=actor, text=rng.choice(NOTES), deal=deal)
        if last > start and rng.random() < 0.5:
            title, kind, checklist = TASKS[0] if deal.pipeline_id == self.pipelines[MASS].pk else TASKS[3]
            done_at = start + min(DAY, (last - start) / 2)
            with self.dating.at(start):
                task = task_create(actor=actor, deal=deal, title=title, kind=kind, checklist=checklist,
                                   due_at=start + HOUR)
            with self.dating.at(done_at):
                task_complete(task=task, actor=actor, result="Сделано",
                              checklist=list(task.checklist.values_list("pk", flat=True)))
            Task.objects.filter(pk=task.pk).update(created_at=start, done_at=done_at, updated_at=done_at)
        if deal.is_open:
            interview = deal.custom.get("interview_date") if deal.stage.name == "Собеседование назначено" else None
            if interview:
                title, kind, checklist = TASKS[2]
                due = datetime.datetime.combine(datetime.date.fromisoformat(interview), datetime.time(11),
                                                tzinfo=timezone.get_current_timezone())
            else:
                title, kind, checklist = rng.choice([TASKS[1], TASKS[3], TASKS[4], TASKS[5]])
                # About a third of the open tasks are overdue: that is what "My tasks" is for.
                due = self.now + datetime.timedelta(hours=rng.uniform(-48, 96))
            with self.dating.at(last):
                task = task_create(actor=actor, deal=deal, title=title, kind=kind, checklist=checklist, due_at=due)
            Task.objects.filter(pk=task.pk).update(created_at=last, updated_at=last)

    def _start(self, days: float) -> datetime.datetime:
        """A moment in the last ``days`` days, more often recent than not."""
        return self.now - datetime.timedelta(days=days * self.rng.random() ** 1.4, minutes=self.rng.randrange(1, 60))

    def _scaled(self, share: float) -> int:
        return max(1, round(self.size * share))

    # Candidates ---------------------------------------------------------------------------------------------------

    def mass_create(self) -> None:
        rng = self.rng
        lost: list[Deal] = []
        for index in range(self._scaled(0.62)):
            # A few fresh responses from the site form wait for a team lead to hand them out.
            actor = None if index % 50 == 7 else rng.choice(self.managers[TEAM_MASS])
            start = self.now - rng.uniform(0.2, 3) * HOUR if actor is None else self._start(45)
            source = "Сайт" if actor is None else names.weighted(rng, names.SOURCES)
            contact = self.contact_create(actor=actor, start=start, source=source, salary=(40_000, 90_000))
            vacancy = rng.choice(MASS_VACANCIES)
            custom = {"vacancy": vacancy, "shift": rng.choice(["5/2 день", "2/2 день", "2/2 ночь", "Подработка"]),
                      "citizenship": names.weighted(rng, [("РФ", 80), ("Беларусь", 6), ("Казахстан", 5),
                                                          ("Киргизия", 6), ("Армения", 3)])}
            if rng.random() < 0.6:
                custom["has_medical_book"] = rng.random() < 0.5
            deal = self.deal_live(key=MASS, actor=actor, start=start, contact=contact, source=source, custom=custom,
                                  title=f"{contact.last_name} {contact.first_name} — {vacancy}")
            if deal.lost_reason_id is not None:
                lost.append(deal)
        # Some lost candidates come back months later: a second deal on the same contact.
        for deal in lost[: self._scaled(0.03)]:
            start = deal.closed_at + rng.uniform(1, 10) * DAY
            if start < self.now - HOUR:
                vacancy = rng.choice(MASS_VACANCIES)
                self.deal_live(key=MASS, actor=deal.responsible, start=start, contact=deal.contact, source="hh.ru",
                               custom={"vacancy": vacancy}, title=f"{deal.contact.last_name} "
                               f"{deal.contact.first_name} — {vacancy} (повторно)")

    def agency_candidates_create(self) -> list[Deal]:
        rng = self.rng
        deals = []
        for _index in range(self._scaled(0.22)):
            actor = rng.choice(self.managers[TEAM_CLIENTS])
            start = self._start(60)
            source = names.weighted(rng, names.SOURCES[:5])
            contact = self.contact_create(actor=actor, start=start, source=source, salary=(80_000, 350_000))
            vacancy = rng.choice(AGENCY_VACANCIES)
            deals.append(self.deal_live(key=AGENCY_CANDIDATES, actor=actor, start=start, contact=contact,
                                        source=source, custom={"vacancy": vacancy}, advance=0.75, lose=0.12,
                                        title=f"{contact.last_name} {contact.first_name} — {vacancy}"))
        return deals

    # Clients ------------------------------------------------------------------------------------------------------

    def clients_create(self, candidates: list[Deal]) -> None:
        rng = self.rng
        managers = self.managers[TEAM_CLIENTS]
        clients = []
        for name, inn, city in CLIENTS:
            actor = rng.choice(managers)
            start = self._start(90)
            with self.dating.at(start):
                company = company_create(actor=actor, name=name, inn=inn, city=city,
                                         phone=names.phone(rng, self.used_phones))
            _stamp(company, created_at=start, updated_at=start)
            people = [self.contact_create(actor=actor, start=start, source="Звонок", company=company)
                      for _ in range(rng.choice((1, 2, 2, 3)))]
            clients.append((company, people, actor, start))

        def deal_for(key: str, title: str, client, *, source: str, **extra) -> Deal:
            company, people, actor, since = client
            start = since + (self.now - since) * rng.random() * 0.9
            return self.deal_live(key=key, actor=actor, start=start, contact=rng.choice(people), company=company,
                                  title=title, source=source, **extra)

        for client in clients:
            deal_for(ACCOUNTS, f"{client[0].name}: сопровождение", client, source="Договор", advance=0.6, lose=0.08)
        for _ in range(self._scaled(0.05)):
            deal_for(INQUIRIES, "Запрос на подбор: " + rng.choice(AGENCY_VACANCIES + MASS_VACANCIES).lower(),
                     rng.choice(clients), source=rng.choice(["Сайт", "Звонок", "Email", "Рекомендация"]))
        for _ in range(self._scaled(0.03)):
            deal_for(TENDERS, "Тендер: аутсорсинг персонала, " + rng.choice(["склад", "магазины", "call-центр",
                                                                             "производство"]),
                     rng.choice(clients), source="Госзакупки", advance=0.65, lose=0.2)
        projects = [
            deal_for(PROJECTS, f"Подбор: {vacancy.lower()}", rng.choice(clients), source="Договор",
                     custom={"vacancy": vacancy})
            for vacancy in (rng.choice(AGENCY_VACANCIES) for _ in range(self._scaled(0.06)))
        ]
        # Candidates presented on a client's project are linked under it.
        open_projects = [p for p in projects if p.is_open] or projects
        for candidate in [d for d in candidates if d.is_open][: self._scaled(0.02)]:
            parent = rng.choice(open_projects)
            at = max(candidate.stage_entered_at, parent.created_at)
            with self.dating.at(at):
                deal_link(deal=candidate, parent=parent, actor=candidate.responsible)
            _stamp(candidate, updated_at=at)


@transaction.atomic
def demo_seed(*, seed: int = 2024, size: int = 500) -> DemoSummary:
    """Fill an empty database with the demo: users, teams, pipelines, custom fields, clients, candidates and history.

    ``size`` is about how many contacts (and deals) to make; the same ``seed`` gives the same people and paths.
    """
    demo = _Demo(seed=seed, size=size)
    demo.users_create()
    demo.pipelines_load()
    demo.mass_create()
    candidates = demo.agency_candidates_create()
    demo.clients_create(candidates)
    demo.summary.counts = {
        "pipelines": Pipeline.objects.count(),
        "contacts": Contact.objects.count(),
        "companies": Company.objects.count(),
        "deals": Deal.objects.count(),
        "open deals": Deal.objects.filter(closed_at__isnull=True).count(),
        "stage changes": StageChange.objects.count(),
        "tasks": Task.objects.count(),
    }
    return demo.summary
