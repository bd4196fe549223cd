"""Distribution rules, written by administrators. A rule is checked as a whole: every mistake is reported at once,
each under its field, and a rule whose filters leave none of its managers is refused."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from podbor.accounts.models import Skill, Team, User
from podbor.crm.models import CustomField, Pipeline
from podbor.lib.errors import PermissionRefused, ValidationFailed
from podbor.routing.models import DistributionRule, RuleMember


@dataclass(frozen=True)
class MemberSpec:
    user: User
    weight: int = 0


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionRefused(_("Only administrators configure distribution rules."))


def _clean(*, name: str, pipeline: Pipeline, strategy: str, members: list[MemberSpec], team: Team | None,
           required_skills: list[str], skill_field: str, max_open_untouched: int | None) -> tuple[dict, list[Skill]]:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("A rule needs a name.")]
    if strategy not in DistributionRule.Strategy.values:
        choices = ", ".join(DistributionRule.Strategy.values)
        errors["strategy"] = [_("Choose one of: %(choices)s.") % {"choices": choices}]
    if pipeline.is_archived:
        errors["pipeline"] = [_("This pipeline is archived.")]
    if not members:
        errors["members"] = [_("Add at least one manager.")]
    seen: set[int] = set()
    for i, spec in enumerate(members):
        if spec.user.pk in seen:
            errors[f"members.{i}.user"] = [_("This manager is listed twice.")]
        seen.add(spec.user.pk)
        if not spec.user.is_active:
            errors[f"members.{i}.user"] = [_("This user is disabled.")]
        if not 0 <= spec.weight <= 100:
            errors[f"members.{i}.weight"] = [_("A weight is a percentage from 0 to 100.")]
    if strategy == DistributionRule.Strategy.WEIGHTED and members:
        total = sum(spec.weight for spec in members)
        if total != 100:
            errors.setdefault("members", []).append(
                _("The weights must sum to 100 %% (now %(total)s %%).") % {"total": total})
    codes = [c.strip() for c in required_skills if c and c.strip()]
    skills = list(Skill.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {s.code for s in skills})
    if unknown:
        errors["required_skills"] = [_("Unknown skill: %(codes)s.") % {"codes": ", ".join(unknown)}]
    skill_field = (skill_field or "").strip()
    if skill_field and not CustomField.objects.filter(
            Q(pipeline__isnull=True) | Q(pipeline=pipeline), entity=CustomField.Entity.DEAL, code=skill_field).exists():
        errors["skill_field"] = [_("No deal field with the code “%(code)s” in this pipeline.") % {"code": skill_field}]
    if max_open_untouched is not None and max_open_untouched < 1:
        errors["max_open_untouched"] = [_("A limit of 0 leaves nobody to take a lead: set at least 1, or none.")]
    if not errors:
        _check_someone_fits(members, team, skills, errors)
    if errors:
        raise ValidationFailed(_("The rule has errors."), fields=errors)
    return {"name": name.strip(), "skill_field": skill_field}, skills


def _check_someone_fits(members: list[MemberSpec], team: Team | None, skills: list[Skill], errors: dict) -> None:
    """A filter that no manager of the rule can ever pass would queue every lead forever."""
    users = [spec.user for spec in members]
    if team is not None:
        users = [u for u in users if u.team_id == team.pk]
        if not users:
            errors["team"] = [_("None of the rule's managers is in the team “%(team)s”: the rule would match "
                                "nobody.") % {"team": team.name}]
            return
    if skills:
        needed = {s.pk for s in skills}
        has: dict[int, set[int]] = {}
        for user_id, skill_id in User.skills.through.objects.filter(
                user_id__in=[u.pk for u in users], skill_id__in=needed).values_list("user_id", "skill_id"):
            has.setdefault(user_id, set()).add(skill_id)
        if not any(has.get(u.pk, set()) >= needed for u in users):
            names = ", ".join(s.name for s in skills)
            where = _(" in the team") if team is not None else ""
            errors["required_skills"] = [_("No manager of the rule%(where)s has all of: %(skills)s. The rule would "
                                           "match nobody.") % {"where": where, "skills": names}]


def _save_members(rule: DistributionRule, members: list[MemberSpec]) -> None:
    current = {m.user_id: m for m in RuleMember.objects.filter(rule=rule)}
    wanted = {spec.user.pk: spec for spec in members}
    RuleMember.objects.filter(rule=rule).exclude(user_id__in=wanted).delete()
    for user_id, spec in wanted.items():
        member = current.get(user_id)
        if member is None:
            RuleMember.objects.create(rule=rule, user=spec.user, weight=spec.weight)
        elif member.weight != spec.weight:
            RuleMember.objects.filter(pk=member.pk).update(weight=spec.weight)
    # New shares start from a clean slate: the old running credit belongs to the old weights.
    RuleMember.objects.filter(rule=rule).update(current_weight=0)


@transaction.atomic
def rule_create(*, actor: User, name: str, pipeline: Pipeline, strategy: str, members: list[MemberSpec],
                source: str = "", team: Team | None = None, required_skills: list[str] | None = None,
                skill_field: str = "", only_present: bool = True, max_open_untouched: int | None = None,
                returning_candidate: bool = True, priority: int = 100, is_active: bool = True) -> DistributionRule:
    _require_admin(actor)
    clean, skills = _clean(name=name, pipeline=pipeline, strategy=strategy, members=members, team=team,
                           required_skills=required_skills or [], skill_field=skill_field,
                           max_open_untouched=max_open_untouched)
    rule = DistributionRule.objects.create(
        name=clean["name"], pipeline=pipeline, source=(source or "").strip(), strategy=strategy, team=team,
        skill_field=clean["skill_field"], only_present=only_present, max_open_untouched=max_open_untouched,
        returning_candidate=returning_candidate, priority=priority, is_active=is_active)
    rule.required_skills.set(skills)
    _save_members(rule, members)
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: DistributionRule, name: str, pipeline: Pipeline, strategy: str,
                members: list[MemberSpec], source: str = "", team: Team | None = None,
                required_skills: list[str] | None = None, skill_field: str = "", only_present: bool = True,
                max_open_untouched: int | None = None, returning_candidate: bool = True, priority: int = 100,
                is_active: bool = True) -> DistributionRule:
    """Replace the rule's settings and members; members who stay keep their turn."""
    _require_admin(actor)
    clean, skills = _clean(name=name, pipeline=pipeline, strategy=strategy, members=members, team=team,
                           required_skills=required_skills or [], skill_field=skill_field,
                           max_open_untouched=max_open_untouched)
    rule = DistributionRule.objects.select_for_update().get(pk=rule.pk)
    rule.name, rule.pipeline, rule.source, rule.strategy, rule.team = (
        clean["name"], pipeline, (source or "").strip(), strategy, team)
    rule.skill_field, rule.only_present = clean["skill_field"], only_present
    rule.max_open_untouched = max_open_untouched
    rule.returning_candidate, rule.priority, rule.is_active = returning_candidate, priority, is_active
    rule.save()
    rule.required_skills.set(skills)
    _save_members(rule, members)
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: DistributionRule) -> None:
    _require_admin(actor)
    rule.delete()
