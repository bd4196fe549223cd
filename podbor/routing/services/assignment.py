"""Handing deals to managers: by the first matching rule, or by hand. Every decision is an Assignment row that says
why; a deal nobody eligible can take waits in the unassigned queue.

Deals are decided in batches (intake hands out ~100 new leads per transaction; a single deal is a batch of one): each
rule and its managers are read and locked once, the decisions are made in list order in memory, each seeing the
hand-outs before it (turns, weights, open untouched counts, a returning candidate's earlier deal), and everything is
written at the end with a few bulk statements. The outcome is that of deciding the deals one by one."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Deal, TimelineEntry
from podbor.crm.selectors import users_assignable_by
from podbor.crm.services import deal_update, timeline_add
from podbor.crm.services.deals import deals_set_responsible
from podbor.lib import statements
from podbor.lib.errors import PermissionRefused, ValidationFailed
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal, RuleMember
from podbor.routing.services.eligibility import (
    Candidate,
    Loads,
    Mark,
    MemberRead,
    Reasons,
    RuleState,
    compiled_in,
    field_skills,
    judge,
    kept,
    rule_states,
    rules_locked,
)
from podbor.routing.services.strategies import PICKERS

MANUAL = "manual"
RETURNING_LOOKBACK = 20  # a returning candidate's earlier deals looked at, newest first


@dataclass(eq=False)
class Decision:
    deal: Deal
    state: RuleState | None = None  # None: no rule matches
    chosen: Candidate | None = None  # None: queued, or no rule
    marks: list[Mark] = field(default_factory=list)  # each manager's reason for this deal
    considered: list[dict] = field(default_factory=list)  # the stored form of ``marks``, made when writing
    considered_json: str = "[]"
    reused: Assignment | None = None  # a deal still queued for the same reasons keeps its last decision


def deal_assign(*, deal: Deal, actor: User | None = None, exclude_users: list[int] | tuple = ()) -> Assignment:
    """Run the distribution rules for the deal: the chosen manager becomes responsible, or the deal is queued.

    ``exclude_users`` are not chosen this time (a process reassigning a lead its manager did not call in time hands
    it to the next one); they are listed among the considered with the reason "excluded"."""
    with transaction.atomic():  # one savepoint, not one here and one in deals_assign: each is a round trip
        assignments = _assign([deal], actor, exclude=frozenset(exclude_users))
        if assignments:
            return assignments[0]
        Deal.objects.get(pk=deal.pk)  # a deal deleted meanwhile: DoesNotExist, as a lookup would say
        raise ValidationFailed(_("A closed deal is not assigned."), fields={"deal": [_("The deal is closed.")]})


@transaction.atomic
def deals_assign(*, deals: list[Deal], actor: User | None = None) -> list[Assignment]:
    """Run the distribution rules for each deal, in list order, as ``deal_assign`` one by one would, with a few
    statements for the whole list. Closed (or deleted) deals are not assigned and have no Assignment in the answer
    (a closed deal leaves the unassigned queue); the answer keeps the order of the others.

    The deals' and the rules' rows are locked while choosing, so that two workers never hand out by the same stale
    state."""
    return _assign(deals, actor)


def _assign(deals: list[Deal], actor: User | None, exclude: frozenset = frozenset()) -> list[Assignment]:
    assignments: list[Assignment] = []
    for run in _runs_without_repeats(deals):
        batch = AssignmentBatch(run, exclude=exclude)
        batch.decide()
        assignments += batch.write(actor=actor)
    return assignments


def _runs_without_repeats(deals: list[Deal]) -> list[list[Deal]]:
    """A deal listed twice is decided again after the first decision is written, as a second call would."""
    runs: list[list[Deal]] = [[]]
    seen: set[int] = set()
    for deal in deals:
        if deal.pk in seen:
            runs.append([])
            seen = set()
        runs[-1].append(deal)
        seen.add(deal.pk)
    return [run for run in runs if run]


class AssignmentBatch:
    """One batch: ``decide`` reads, locks and chooses (nothing written; the benchmark times it alone), ``write``
    saves what was decided."""

    def __init__(self, deals: list[Deal], exclude: frozenset = frozenset()) -> None:
        self.given = deals
        self.ids = [d.pk for d in deals]
        self.exclude = exclude
        self.decisions: list[Decision] = []
        self.closed: list[int] = []  # closed deals still in the queue
        self.states: dict[int, RuleState] = {}
        self.reasons = Reasons()

    def decide(self) -> list[Decision]:
        at = timezone.now()
        found, rules, read = _deals_and_rules(sorted(set(self.ids)), _guess_reads(self.given), at)
        deals = [found[pk] for pk in self.ids if pk in found]
        self.closed = [d.pk for d in deals if d.closed_at is not None and d.queued]
        deals = [d for d in deals if d.closed_at is None]
        if not deals:
            return []
        rule_of = {d.pk: d.matched_rule for d in deals}
        loads = Loads()
        self.states = rule_states(rules, at=at, loads=loads, read=read)
        _remember_rules(deals, rule_of, self.states)
        pairs = [(self.states[rule_of[d.pk]].rule, d) for d in deals if rule_of[d.pk] in self.states]
        skill_names = field_skills(pairs)
        history = _History(deals, wanted={d.contact_id for rule, d in pairs if rule.returning_candidate})
        # Each decision gets its own moment, so that the turns of round robin follow the batch's order.
        start = timezone.now()
        for i, deal in enumerate(deals):
            state = self.states.get(rule_of[deal.pk])
            if state is None:
                self.decisions.append(Decision(deal=deal))
                continue
            eligible = judge(state, deal, skill_names=skill_names, loads=loads)
            if self.exclude:
                for candidate in eligible:
                    if candidate.user_id in self.exclude:
                        candidate.skip("excluded")
                eligible = [c for c in eligible if c.user_id not in self.exclude]
            decision = Decision(deal=deal, state=state)
            if eligible:
                self._choose(decision, eligible, history, start + datetime.timedelta(microseconds=i))
                loads_from = deal.responsible_id if deal.touched_at is None else None
                if deal.responsible_id != decision.chosen.user_id:
                    loads.moved(to=decision.chosen.user_id, away_from=loads_from)
                history.assigned(deal, decision.chosen.user_id)
            decision.marks = [Mark(c, c.code, c.params) for c in state.candidates]
            self.decisions.append(decision)
        return self.decisions

    def _choose(self, decision: Decision, eligible: list[Candidate], history: "_History",
                at: datetime.datetime) -> None:
        rule, deal = decision.state.rule, decision.deal
        previous = history.previous(deal, eligible) if rule.returning_candidate else None
        if previous is not None:
            chosen, (previous_pk, previous_title) = previous
            chosen.skip("chosen_returning", deal=previous_title[:80], deal_id=previous_pk)
        else:
            chosen, changed = PICKERS[rule.strategy](eligible)
            decision.state.weights_changed.update(changed)
            if rule.strategy == DistributionRule.Strategy.WEIGHTED and chosen.weight > 0:
                chosen.skip("chosen_weighted", weight=chosen.weight)
            elif rule.strategy == DistributionRule.Strategy.LEAST_LOADED:
                chosen.skip("chosen_least_loaded", count=chosen.untouched or 0)
            else:
                chosen.skip("chosen_round_robin")
        chosen.picked += 1
        chosen.assigned_count += 1
        chosen.last_assigned_at = at
        decision.chosen = chosen

    def _text(self, decision: Decision) -> str:
        chosen = next(mark for mark in decision.marks if mark.candidate is decision.chosen)
        text = _("Assigned to %(user)s by the rule “%(rule)s”: %(why)s.") % {
            "user": chosen.candidate.name, "rule": decision.state.rule.name,
            "why": self.reasons.local(chosen.code, chosen.params)}
        skipped = [f"{m.candidate.name}: {self.reasons.local(m.code, m.params)}" for m in decision.marks
                   if not m.eligible]
        if skipped:
            text += " " + _("Skipped: %(list)s.") % {"list": "; ".join(skipped)}
        return text

    def write(self, *, actor: User | None) -> list[Assignment]:
        decisions = self.decisions
        for d in decisions:
            if d.state is not None:
                d.considered, d.considered_json = self.reasons.considered(d.marks)
        assigned = [d for d in decisions if d.chosen is not None]
        deals_set_responsible(changes=[(d.deal, d.chosen.user_id) for d in assigned])
        queued = [d for d in decisions if d.state is not None and d.chosen is None]
        created_queue = self._queue(queued)
        leaving = [d.deal.pk for d in decisions if d.deal.queued and (d.chosen is not None or d.state is None)]
        leaving += self.closed
        if leaving:
            QueuedDeal.objects.filter(deal_id__in=leaving).delete()
        new = [d for d in decisions if d.reused is None]
        rows = _assignments_insert([
            Assignment(deal=d.deal, rule=d.state.rule if d.state else None, actor=actor,
                       strategy=d.state.rule.strategy if d.state else "",
                       user_id=d.chosen.user_id if d.chosen else None, considered=d.considered,
                       reason="assigned" if d.chosen else "queued" if d.state else "no_rule")
            for d in new
        ], [d.considered_json for d in new])
        made = dict(zip([id(d) for d in new], rows, strict=True))
        now = timezone.now()
        entries = []
        for d in decisions:
            text = self._text(d) if d.chosen is not None else (
                _("Nobody eligible under the rule “%(rule)s”: the deal waits in the unassigned queue.")
                % {"rule": d.state.rule.name} if d.deal.pk in created_queue else "")
            if text:
                entries.append(TimelineEntry(kind=TimelineEntry.Kind.SYSTEM, deal=d.deal, contact_id=d.deal.contact_id,
                                             text=text, data={"assignment": made[id(d)].pk}, created_at=now))
        TimelineEntry.objects.bulk_create(entries)
        _members_save(self.states.values())
        return [d.reused or made[id(d)] for d in decisions]

    def _queue(self, queued: list[Decision]) -> set[int]:
        """Queue the deals nobody could take; answers the deals that joined the queue now. A deal already waiting
        keeps its place, and gets a new decision only when the reasons changed (the sweeper retries every minute)."""
        if not queued:
            return set()
        waiting = {d.deal.pk for d in queued if d.deal.queued}
        latest = {a.deal_id: a for a in Assignment.objects.filter(
            pk__in=Assignment.objects.filter(deal_id__in=waiting).values("deal_id").annotate(
                last=Max("id")).values("last"))} if waiting else {}
        now = timezone.now()
        fresh = []
        for d in queued:
            summary = "; ".join(f"{row['name']}: {row['reason']}" for row in d.considered)[:255] or "no managers"
            if d.deal.pk not in waiting:
                fresh.append(QueuedDeal(deal=d.deal, rule=d.state.rule, queued_at=now, reason=summary))
                continue
            QueuedDeal.objects.filter(deal_id=d.deal.pk).update(rule=d.state.rule, reason=summary)
            last = latest.get(d.deal.pk)
            if last is not None and last.user_id is None and last.rule_id == d.state.rule.pk and _codes(
                    last.considered) == _codes(d.considered):
                d.reused = last
        QueuedDeal.objects.bulk_create(fresh)
        return {q.deal_id for q in fresh}


def _deals_and_rules(ids: list[int], guesses: list[MemberRead],
                     at: datetime.datetime) -> tuple[dict[int, Deal], list[DistributionRule], dict[MemberRead, list]]:
    """The deals, locked in id order, as every batch locks them; then the rules their open ones match, locked in
    id order; then the guessed member reads. In one round trip on PostgreSQL: each statement runs once the one
    before it has its locks, and reads the data as of its own start."""
    deals, rules, *members = statements.run(compiled_in(("deals",), _deals_query, ids),
                                            compiled_in(("matched rules",), _matched_rules_query, ids),
                                            *(guess.statement(at) for guess in guesses))
    read = {guess: result.rows for guess, result in zip(guesses, members, strict=True)}
    return {d.pk: d for d in _instances(Deal, deals)}, _instances(DistributionRule, rules), read


# The rule each pipeline and source matched last, by database: (id, only_present, max_open_untouched, strategy).
_LAST_RULES: dict[tuple, tuple] = {}


def _guess_reads(deals: list[Deal]) -> list[MemberRead]:
    """The member reads the deals will most likely need, from the rules their pipeline and source matched last
    (as the caller's copies of the deals say; the locked rows decide)."""
    guesses: dict[MemberRead, None] = {}
    for deal in deals:
        last = _LAST_RULES.get((connection.alias, deal.pipeline_id, deal.source))
        if last is not None:
            guesses[MemberRead.of_values(*last)] = None
    return list(guesses)


def _remember_rules(deals: list[Deal], rule_of: dict[int, int | None], states: dict[int, RuleState]) -> None:
    if len(_LAST_RULES) > 1024:
        _LAST_RULES.clear()
    for deal in deals:
        state = states.get(rule_of[deal.pk])
        if state is not None:
            rule = state.rule
            _LAST_RULES[(connection.alias, deal.pipeline_id, deal.source)] = (
                rule.pk, rule.only_present, rule.max_open_untouched, rule.strategy)


def _instances(model, result: statements.Result) -> list:
    """Model instances of the statement's rows, as ``Model.objects.raw`` makes them: the model's columns converted
    as a query would, any other column (an annotation) set as it came."""
    names = result.columns

    def plan() -> tuple:
        by_column = {f.column: f for f in model._meta.concrete_fields}
        fields = [by_column.get(name) for name in names]
        return ([f.get_col(model._meta.db_table) if f else None for f in fields],
                [(i, f.attname) for i, f in enumerate(fields) if f is not None],
                [(i, names[i]) for i, f in enumerate(fields) if f is None])

    columns, model_at, extra = kept(("instances", model, names), plan)
    field_names = [name for _i, name in model_at]
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    converters = compiler.get_converters(columns)
    rows = result.rows
    if converters:
        rows = compiler.apply_converters(rows, converters)
    made = []
    for row in rows:
        instance = model.from_db(connection.alias, field_names, [row[i] for i, _name in model_at])
        for i, name in extra:
            setattr(instance, name, row[i])
        made.append(instance)
    return made


def _matched_rule():
    """The first active rule by priority for the deal's pipeline whose source is empty or the deal's
    (podbor.routing.selectors.rule_for_deal, inside a statement over deals)."""
    return Subquery(DistributionRule.objects.filter(pipeline_id=OuterRef("pipeline_id"), is_active=True)
                    .filter(Q(source="") | Q(source=OuterRef("source"))).order_by("priority", "id").values("pk")[:1])


def _deals_query(ids: list[int]) -> QuerySet:
    """The deals, locked, each with ``matched_rule`` and whether it waits in the queue (written only under the
    deal's lock)."""
    queued = QueuedDeal.objects.filter(deal_id=OuterRef("pk"))
    return (Deal.objects.select_for_update(of=("self",)).annotate(matched_rule=_matched_rule(), queued=Exists(queued))
            .order_by("pk").filter(pk__any_of=ids))


def _matched_rules_query(ids: list[int]) -> QuerySet:
    """The rules the open deals match, locked (run after the deals are: the deals' lock keeps what they match)."""
    matched = Deal.objects.annotate(rule=_matched_rule()).filter(closed_at__isnull=True, pk__any_of=ids).values("rule")
    return rules_locked().filter(pk__in=Subquery(matched))


class _History:
    """For the returning-candidate rule: each contact's deals that have a manager, newest first, as deciding the
    deals one by one would read them: the batch's own deals join as they are assigned."""

    def __init__(self, deals: list[Deal], *, wanted: set[int | None]) -> None:
        wanted.discard(None)
        self.deals: dict[int, list[tuple]] = {contact_id: [] for contact_id in wanted}
        if not wanted:
            return
        # Enough of each contact's newest deals that the batch's own cannot push a needed one out.
        bound = RETURNING_LOOKBACK + max(Counter(d.contact_id for d in deals if d.contact_id in wanted).values())
        rows = (Deal.objects.filter(contact_id__in=wanted, responsible__isnull=False)
                .annotate(row=Window(RowNumber(), partition_by=[F("contact_id")],
                                     order_by=[F("created_at").desc(), F("id").desc()]))
                .filter(row__lte=bound).values_list("contact_id", "created_at", "pk", "title", "responsible_id"))
        for contact_id, created_at, pk, title, responsible_id in rows:
            self.deals[contact_id].append((created_at, pk, title, responsible_id))
        for rows_of_contact in self.deals.values():
            rows_of_contact.sort(reverse=True)

    def previous(self, deal: Deal, eligible: list[Candidate]) -> tuple[Candidate, tuple[int, str]] | None:
        """The manager of the contact's most recent other deal, if that manager is eligible now."""
        if deal.contact_id is None:
            return None
        by_user = {c.user_id: c for c in eligible}
        others = [row for row in self.deals.get(deal.contact_id, ()) if row[1] != deal.pk][:RETURNING_LOOKBACK]
        for _created, pk, title, responsible_id in others:
            if responsible_id in by_user:
                return by_user[responsible_id], (pk, title)
        return None

    def assigned(self, deal: Deal, user_id: int) -> None:
        if deal.contact_id not in self.deals:
            return  # nobody in the batch asks for this contact's managers
        rows = [row for row in self.deals[deal.contact_id] if row[1] != deal.pk]
        rows.append((deal.created_at, deal.pk, deal.title, user_id))
        rows.sort(reverse=True)
        self.deals[deal.contact_id] = rows


def _members_save(states) -> None:
    """The members' new turns and weights in one statement: PostgreSQL takes many as arrays (a prepared UPDATE per
    row costs psycopg a round trip each: 100 weights, milliseconds), SQLite runs one prepared UPDATE per row (in
    process, cheap). ``bulk_update`` would build a CASE expression per field and row."""
    changed = []
    for state in states:
        changed += [c for c in state.candidates if c.picked or c in state.weights_changed]
    if not changed:
        return
    changed.sort(key=lambda c: c.member_id)
    qn = connection.ops.quote_name
    table, pk = qn(RuleMember._meta.db_table), qn(RuleMember._meta.pk.column)
    weight, count, last = (RuleMember._meta.get_field(name) for name in (
        "current_weight", "assigned_count", "last_assigned_at"))
    # A member only gaining weight keeps its turn: no hand-out, no new time.
    values = [[c.member_id for c in changed], [c.current_weight for c in changed], [c.picked for c in changed],
              [last.get_db_prep_save(c.last_assigned_at if c.picked else None, connection) for c in changed]]
    count_, last_ = qn(count.column), qn(last.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(changed) > 1:
            cursor.execute(f"UPDATE {table} SET {qn(weight.column)} = v.weight, "  # noqa: S608
                           f"{count_} = {table}.{count_} + v.picked, "
                           f"{last_} = COALESCE(v.last, {table}.{last_}) FROM unnest(%s::bigint[], %s::integer[], "
                           f"%s::integer[], %s::{last.db_type(connection)}[]) AS v(id, weight, picked, last) "
                           f"WHERE {table}.{pk} = v.id", values)
        else:
            cursor.executemany(f"UPDATE {table} SET {qn(weight.column)} = %s, {count_} = {count_} + %s, "  # noqa: S608
                               f"{last_} = COALESCE(%s, {last_}) WHERE {pk} = %s",
                               [[*row[1:], row[0]] for row in zip(*values, strict=True)])


def _assignments_insert(assignments: list[Assignment], considered_json: list[str]) -> list[Assignment]:
    """``bulk_create`` as one multi-row INSERT, with each ``considered`` already encoded (the batch's decisions
    share most rows). On PostgreSQL Django would send the rows as UNNEST arrays, whose literals psycopg escapes in
    Python one quote at a time: milliseconds for each row's considered JSON (every manager with the reason)."""
    if not assignments:
        return assignments
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    params = []
    for a, encoded in zip(assignments, considered_json, strict=True):
        a.created_at = now
        params += [encoded if f.name == "considered" else f.get_db_prep_save(getattr(a, f.attname), connection)
                   for f in fields]
    qn = connection.ops.quote_name
    text_as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    row = f"({', '.join(text_as_json if f.name == 'considered' else '%s' for f in fields)})"
    deal_column = qn(Assignment._meta.get_field("deal").column)
    sql = (f"INSERT INTO {qn(Assignment._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
           f"VALUES {', '.join([row] * len(assignments))} RETURNING {qn(Assignment._meta.pk.column)}, {deal_column}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        made = {deal_id: pk for pk, deal_id in cursor.fetchall()}  # the order RETURNING answers in is not promised
    for a in assignments:
        a.pk = made[a.deal_id]
        a._state.adding, a._state.db = False, connection.alias
    return assignments


def _codes(considered: list[dict]) -> list[tuple]:
    return [(row.get("user"), row.get("code"), sorted((row.get("params") or {}).items())) for row in considered]


@transaction.atomic
def deal_reassign(*, deal: Deal, user: User, actor: User) -> Assignment:
    """A team lead or an admin hands the deal to a manager by hand."""
    if not (actor.is_admin or actor.is_team_lead):
        raise PermissionRefused(_("Only team leads and administrators assign deals by hand."))
    if not users_assignable_by(actor).filter(pk=user.pk).exists():
        raise ValidationFailed(_("You cannot make this user responsible."),
                               fields={"user": [_("You cannot make this user responsible.")]})
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.closed_at is not None:
        raise ValidationFailed(_("A closed deal is not assigned."), fields={"deal": [_("The deal is closed.")]})
    deal = deal_update(deal=deal, actor=actor, responsible=user)
    QueuedDeal.objects.filter(deal=deal).delete()
    assignment = Assignment.objects.create(deal=deal, strategy=MANUAL, user=user, actor=actor, reason="manual")
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, data={"assignment": assignment.pk},
                 text=_("Assigned by hand to %(user)s by %(actor)s.") % {"user": user, "actor": actor})
    return assignment
