"""Who of a rule's managers may take a deal now, and why each other one may not.

Every check answers with a reason code (podbor.routing.selectors.REASONS): the first check a manager fails is the one
recorded. A rule's managers are read once per batch of deals, in one statement (membership, names, presence): what
does not depend on the deal (presence, team, the rule's own skills) is decided then; each deal adds the skill its
field names and the limit of open untouched leads, counted once and kept current in memory (``Loads``)."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils import timezone, translation

from podbor.accounts.models import Skill, User, WorkSchedule
from podbor.accounts.selectors import users_present
from podbor.crm.models import Deal
from podbor.lib import statements
from podbor.lib.lookups import any_of_parameter
from podbor.routing.models import DistributionRule, ManagerLoad, RuleMember
from podbor.routing.selectors import reason_text

ELIGIBLE = "eligible"


@dataclass(slots=True, eq=False)
class Candidate:
    """A rule member as the decision needs it: plain values, no model instances (200 of them would cost more than
    the whole decision's queries). ``base_*`` is what holds for every deal of a batch, ``code``/``params`` what
    holds for the deal being decided."""

    member_id: int
    user_id: int
    name: str
    team_id: int | None
    weight: int
    current_weight: int
    assigned_count: int
    last_assigned_at: datetime.datetime | None
    skills: frozenset[str] = frozenset()
    base_code: str = ELIGIBLE
    base_params: dict = field(default_factory=dict)
    code: str = ELIGIBLE
    params: dict = field(default_factory=dict)
    untouched: int | None = None
    picked: int = 0  # leads handed to this member by the batch, added to assigned_count when it is written
    base_row: dict | None = None  # the stored form of the base reason, made once per batch
    base_json: str = ""

    @property
    def eligible(self) -> bool:
        return self.code == ELIGIBLE or self.code.startswith("chosen")

    def skip(self, code: str, **params) -> None:
        self.code, self.params = code, params


class Reasons:
    """Reason texts, each formatted once per batch: the stored English one (for readers of the raw data) and the
    one in the active language (for the timeline)."""

    def __init__(self) -> None:
        self._english: dict[tuple, str] = {}
        self._local: dict[tuple, str] = {}
        self._decisions = 0

    def english(self, code: str, params: dict) -> str:
        key = (code, *params.items())
        text = self._english.get(key)
        if text is None:
            with translation.override("en"):
                text = self._english[key] = reason_text(code, params)
        return text

    def local(self, code: str, params: dict) -> str:
        key = (code, *params.items())
        text = self._local.get(key)
        if text is None:
            text = self._local[key] = reason_text(code, params)
        return text

    def considered(self, marks: list["Mark"]) -> tuple[list[dict], str]:
        """The stored form of a decision, each manager with its reason code, parameters and English text; and its
        JSON. A manager's row for its base reason is made once for the batch and shared by its decisions (read the
        rows, never change them); from the second decision on, the JSON is joined from each row's, encoded once
        (the first, or a batch of one, is encoded in one call: faster than row by row)."""
        rows = []
        for mark in marks:
            c = mark.candidate
            if mark.code is c.base_code and mark.params is c.base_params:
                if c.base_row is None:
                    c.base_row = self._row(mark)
                rows.append(c.base_row)
            else:
                rows.append(self._row(mark))
        self._decisions += 1
        if self._decisions == 1:
            return rows, json.dumps(rows)
        parts = []
        for mark, row in zip(marks, rows, strict=True):
            c = mark.candidate
            if row is c.base_row:
                if not c.base_json:
                    c.base_json = json.dumps(row)
                parts.append(c.base_json)
            else:
                parts.append(json.dumps(row))
        return rows, f"[{', '.join(parts)}]"  # as json.dumps(rows) writes it

    def _row(self, mark: "Mark") -> dict:
        return {"user": mark.candidate.user_id, "name": mark.candidate.name, "eligible": mark.eligible,
                "code": mark.code, "params": mark.params, "reason": self.english(mark.code, mark.params)}


class Mark(NamedTuple):
    """A manager's reason for one deal: the candidate's own ``code`` changes with the next deal of the batch."""

    candidate: Candidate
    code: str
    params: dict

    @property
    def eligible(self) -> bool:
        return self.code == ELIGIBLE or self.code.startswith("chosen")


# The decision's statements are compiled by Django once and kept: compiling them (the member read above all, with
# EXISTS over the working hours) costs several times what running them costs the database. A key holds everything
# the SQL and its parameters depend on; the member read depends on the moment too, which is put in its parameters
# (``_MomentTemplate``): compiling it once a second put 1.7 ms into one decision in fifty.
_SQL: dict[tuple, object] = {}


def kept(key: tuple, make: Callable[[], object]):
    """What ``make`` answers for ``key`` on this connection's database, made once and kept with the statements."""
    key = (connection.alias, *key)
    found = _SQL.get(key)
    if found is None:
        if len(_SQL) > 1024:
            _SQL.clear()
        found = _SQL[key] = make()
    return found


def compiled(key: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    return kept(key, lambda: build().query.sql_with_params())


def compiled_in(key: tuple, build: Callable[[list[int]], QuerySet], ids: list[int]) -> tuple[str, tuple]:
    """Like ``compiled`` for a queryset whose last parameter is a final ``pk__any_of=ids``: compiled (and, on
    PostgreSQL, prepared) once, run with any ids."""

    def fixed_part() -> tuple[str, tuple]:
        sql, params = build(ids).query.sql_with_params()
        if not params or params[-1] != any_of_parameter(connection.vendor, ids):
            raise ValueError(f"{key}: the ids are not the last parameter")
        return sql, tuple(params[:-1])

    sql, params = kept(("in", *key), fixed_part)
    return sql, (*params, any_of_parameter(connection.vendor, ids))


def _rows(key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    return statements.run(compiled(key, build))[0].rows


_MEMBER_VALUES = ("pk", "user_id", "member_name", "absent", "user__team_id", "weight", "current_weight",
                  "assigned_count", "last_turn", "untouched")


def _members_query(rule_id: int, only_present: bool, at: datetime.datetime, counted: bool) -> QuerySet:
    """The rule's active members, each with its name as shown, "paused" or "off" when it may not take leads now
    (else empty), and (``counted``) its open untouched leads: computed by the database, so that 200 rows bring
    few values (receiving and converting them was a third of the read)."""
    members = RuleMember.objects.filter(rule_id=rule_id, user__is_active=True).order_by("id")
    absent = Value("")
    if only_present:
        # At work now by podbor.accounts.selectors.users_present: the switch and the working hours.
        absent = Case(When(Exists(users_present(at=at).filter(pk=OuterRef("user_id"))), then=Value("")),
                      When(user__presence=User.Presence.PAUSE, then=Value("paused")), default=Value("off"))
    # As User.__str__ and the names shown elsewhere: "first last", else the username.
    name = Coalesce(NullIf(Trim(Concat("user__first_name", Value(" "), "user__last_name")), Value("")),
                    "user__username")
    # The time of the last hand-out as text: psycopg's C parser is bypassed by Django's loader of time stamps, whose
    # Python parsing of 200 of them was a fifth of the decision; fromisoformat reads the text in C.
    last_turn = Cast("last_assigned_at", output_field=CharField())
    return members.annotate(member_name=name, absent=absent, last_turn=last_turn,
                            untouched=_untouched(counted)).values_list(*_MEMBER_VALUES)


def _untouched(counted: bool):
    """Each member's open untouched leads, from the counter the database keeps (``ManagerLoad``), in the member read
    itself: one statement (a round trip and a plan, on PostgreSQL) less."""
    if not counted:
        return Value(None, output_field=IntegerField())
    qn = connection.ops.quote_name
    member = f"{qn(RuleMember._meta.db_table)}.{qn(RuleMember._meta.get_field('user').column)}"
    return RawSQL(f"COALESCE((SELECT open_untouched FROM {qn(ManagerLoad._meta.db_table)} "  # noqa: S608, S611 - names from the models
                  f"WHERE user_id = {member}), 0)", (), output_field=IntegerField())


def _as_datetime(value: str | None) -> datetime.datetime | None:
    """A time stamp read as text: PostgreSQL's with its offset, SQLite's naive UTC."""
    if value is None:
        return None
    value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value


def _moment_values(at: datetime.datetime) -> tuple:
    """The parameters the presence check (podbor.accounts.selectors.users_present) takes from the moment: the local
    weekday and the working hours' bounds widened by the grace period, as the database is given them."""
    local = timezone.localtime(at)
    grace = datetime.timedelta(minutes=settings.PRESENCE_GRACE_MINUTES)
    weekday, hours = WorkSchedule._meta.get_field("weekday"), WorkSchedule._meta.get_field("starts_at")
    return (weekday.get_db_prep_value(local.weekday(), connection, prepared=False),
            hours.get_db_prep_value((local + grace).time(), connection, prepared=False),
            hours.get_db_prep_value((local - grace).time(), connection, prepared=False))


@dataclass(frozen=True)
class _MomentTemplate:
    """A statement compiled once whose parameters at ``slots`` are the moment's (index into ``_moment_values``)."""

    sql: str
    params: tuple
    slots: dict[int, int]

    def at(self, moment: datetime.datetime) -> tuple[str, tuple]:
        values = _moment_values(moment)
        params = list(self.params)
        for i, j in self.slots.items():
            params[i] = values[j]
        return self.sql, tuple(params)


def _moment_template(build: Callable[[datetime.datetime], QuerySet], at: datetime.datetime) -> _MomentTemplate | None:
    """Compile ``build`` at two moments a day, an hour, a minute and a second apart: the parameters that differ must
    be the moment's values (checked at both), else None (and the statement is compiled for each moment)."""
    other = at + datetime.timedelta(days=1, hours=1, minutes=1, seconds=1)
    sql, params = build(at).query.sql_with_params()
    other_sql, other_params = build(other).query.sql_with_params()
    if sql != other_sql or len(params) != len(other_params):
        return None
    mine, other_mine = _moment_values(at), _moment_values(other)
    slots = {}
    for i, (value, other_value) in enumerate(zip(params, other_params, strict=True)):
        if value != other_value:
            found = [j for j in range(len(mine)) if mine[j] == value and other_mine[j] == other_value]
            if not found:
                return None
            slots[i] = found[0]
    return _MomentTemplate(sql, tuple(params), slots)


class MemberRead(NamedTuple):
    """What a rule's member read depends on besides the moment. A read guessed before the rule is locked (from the
    rule the deal's pipeline and source matched last time) goes to the database with the locks, in the same round
    trip; it is used only if the locked rule asks for the same read."""

    rule_id: int
    only_present: bool
    counted: bool  # a limit or least loaded: open untouched leads are read

    @classmethod
    def of(cls, rule: DistributionRule) -> "MemberRead":
        return cls.of_values(rule.pk, rule.only_present, rule.max_open_untouched, rule.strategy)

    @classmethod
    def of_values(cls, rule_id: int, only_present: bool, limit: int | None, strategy: str) -> "MemberRead":
        return cls(rule_id, only_present, limit is not None or strategy == DistributionRule.Strategy.LEAST_LOADED)

    def statement(self, at: datetime.datetime) -> tuple[str, tuple]:
        """The read, compiled once (compiling costs more than running it): with ``only_present`` the moment's
        values are put in its parameters. Only if that cannot be done is it compiled for every second."""
        rule_id, counted, at = self.rule_id, self.counted, at.replace(microsecond=0)
        if not self.only_present:
            return compiled(("members", rule_id, counted), lambda: _members_query(rule_id, False, at, counted))
        # What the presence check's SQL depends on besides the moment: the local time zone and the grace period.
        depends = (timezone.get_current_timezone_name(), settings.PRESENCE_GRACE_MINUTES)
        template, = kept(("members at", rule_id, counted, *depends),
                         lambda: (_moment_template(lambda moment: _members_query(rule_id, True, moment, counted), at),))
        if template is not None:
            return template.at(at)
        return compiled(("members", rule_id, counted, at, *depends),
                        lambda: _members_query(rule_id, True, at, counted))


def _members(read: MemberRead, rows: list[tuple] | None, at: datetime.datetime, loads: "Loads") -> list[Candidate]:
    """The rule's active members (``rows`` if they were read already); with ``only_present`` those not at work are
    marked "paused" or "off". Their open untouched leads, if read, go into ``loads``."""
    if rows is None:
        rows = statements.run(read.statement(at))[0].rows
    candidates = []
    counts = {}
    for pk, user_id, name, absent, team_id, weight, current, count, last_at, untouched in rows:
        candidate = Candidate(member_id=pk, user_id=user_id, name=name, team_id=team_id, weight=weight,
                              current_weight=current, assigned_count=count, last_assigned_at=_as_datetime(last_at))
        if absent:
            candidate.base_code = absent
        candidates.append(candidate)
        counts[user_id] = untouched
    if read.counted:
        loads.take(counts)
    return candidates


@dataclass(eq=False)
class RuleState:
    """A locked rule and its managers as read for one batch of deals."""

    rule: DistributionRule
    candidates: list[Candidate]
    counting: bool  # a limit or least loaded: open untouched leads are counted
    weights_changed: set[Candidate] = field(default_factory=set)  # current_weight to write back

    @property
    def least_loaded(self) -> bool:
        return self.rule.strategy == DistributionRule.Strategy.LEAST_LOADED


def rules_locked() -> QuerySet:
    """Rules to decide by, locked in id order, each with what ``rule_states`` needs besides its own fields."""
    skills = DistributionRule.required_skills.through.objects.filter(distributionrule_id=OuterRef("pk"))
    return (DistributionRule.objects.select_for_update(of=("self",))
            .annotate(team_name=F("team__name"), has_skills=Exists(skills)).order_by("pk"))


def _rule_skills_query(ids: list[int]) -> QuerySet:
    return (DistributionRule.required_skills.through.objects.order_by("skill__name", "skill_id")
            .values_list("distributionrule_id", "skill__code", "skill__name").filter(distributionrule__id__any_of=ids))


def rule_states(rules: list[DistributionRule], *, at: datetime.datetime, loads: "Loads",
                read: dict[MemberRead, list[tuple]] | None = None) -> dict[int, RuleState]:
    """Read the managers of the rules (locked, as ``rules_locked`` reads them), deciding what holds for every deal:
    presence, team, the rule's own skills; and count the open untouched leads the rule's limit or strategy needs.
    ``read``: member reads made already at ``at``, after the rules were locked."""
    if not rules:
        return {}
    needed: dict[int, list[tuple[str, str]]] = {}
    with_skills = [rule.pk for rule in rules if rule.has_skills]
    if with_skills:
        skills, = statements.run(compiled_in(("rule skills",), _rule_skills_query, with_skills))
        for rule_id, code, name in skills.rows:
            needed.setdefault(rule_id, []).append((code, name))
    states = {}
    for rule in rules:
        members = MemberRead.of(rule)
        candidates = _members(members, (read or {}).get(members), at, loads)
        if rule.team_id is not None:
            for c in candidates:
                if c.base_code == ELIGIBLE and c.team_id != rule.team_id:
                    c.base_code, c.base_params = "team", {"team": rule.team_name or ""}
        rule_skills = needed.get(rule.pk, [])
        if candidates and (rule_skills or rule.skill_field):
            has: dict[int, set[str]] = {}
            for user_id, code in _rows(("skills", rule.pk), lambda rule_id=rule.pk: User.skills.through.objects.filter(
                    user_id__in=RuleMember.objects.filter(rule_id=rule_id).values("user_id")).values_list(
                    "user_id", "skill__code")):
                has.setdefault(user_id, set()).add(code)
            for c in candidates:
                c.skills = frozenset(has.get(c.user_id, ()))
                if c.base_code == ELIGIBLE:
                    missing = next((name for code, name in rule_skills if code not in c.skills), None)
                    if missing is not None:
                        c.base_code, c.base_params = "skill", {"skill": missing}
        for c in candidates:
            c.code, c.params = c.base_code, c.base_params
        states[rule.pk] = RuleState(rule=rule, candidates=candidates, counting=members.counted)
    return states


def field_skills(pairs: list[tuple[DistributionRule, Deal]]) -> dict[str, str]:
    """Names of the skills the deals' fields ask for, by code (a code naming no known skill is its own name)."""
    codes = {code for rule, deal in pairs if (code := field_skill_code(rule, deal))}
    names = dict(Skill.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return {code: names.get(code, code) for code in codes}


def field_skill_code(rule: DistributionRule, deal: Deal) -> str | None:
    value = (deal.custom or {}).get(rule.skill_field) if rule.skill_field else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def judge(state: RuleState, deal: Deal, *, skill_names: dict[str, str], loads: "Loads") -> list[Candidate]:
    """Mark every candidate for this deal (the first check failed is its reason); answers the eligible."""
    code = field_skill_code(state.rule, deal)
    for c in state.candidates:
        c.code, c.params, c.untouched = c.base_code, c.base_params, None
        # A value naming no known skill still has to be met: nobody has it, and the reason says what was asked.
        if code is not None and c.code == ELIGIBLE and code not in c.skills:
            c.code, c.params = "skill", {"skill": skill_names.get(code, code)}
    eligible = [c for c in state.candidates if c.code == ELIGIBLE]
    if not state.counting or not eligible:
        return eligible
    limit = state.rule.max_open_untouched
    now = loads.now
    if limit is not None:
        for c in eligible:
            c.untouched = now[c.user_id]
            if c.untouched >= limit:
                c.skip("limit", limit=limit)
        eligible = [c for c in eligible if c.code == ELIGIBLE]
    if state.least_loaded and eligible:
        for c in eligible:
            c.untouched = now[c.user_id]
    return eligible


class Loads:
    """Open untouched leads per manager for one batch of deals: as the counters said when the batch read its rules'
    managers, plus the batch's own hand-outs. Nothing is written before the batch ends, so this is what a decision
    made after the earlier ones would read."""

    def __init__(self) -> None:
        self.now: dict[int, int] = {}  # manager → count now: as read, plus the batch's hand-outs
        self.delta: dict[int, int] = {}

    def moved(self, *, to: int, away_from: int | None) -> None:
        for pk, change in ((to, 1), (away_from, -1)):
            if pk is not None:
                self.delta[pk] = self.delta.get(pk, 0) + change
                if pk in self.now:
                    self.now[pk] += change

    def take(self, counts: dict[int, int]) -> None:
        """Counts as read (a manager in two rules of the batch is read twice, alike: the first is kept)."""
        for pk, n in counts.items():
            if pk not in self.now:
                self.now[pk] = n + self.delta.get(pk, 0)
