"""Helpers for the distribution tests: managers in a given presence, rules, and new unassigned deals."""

from podbor.accounts.models import Skill, Team, User
from podbor.accounts.services import user_create
from podbor.crm.models import Contact, Deal, Pipeline
from podbor.crm.services import contact_create, deal_create
from podbor.routing.models import DistributionRule, RuleMember

PASSWORD = "correct-horse-battery"


def manager(username: str, *, team: Team | None = None, presence: str = User.Presence.AT_WORK,
            skills: tuple[str, ...] = (), role: str = User.Role.MANAGER) -> User:
    user = user_create(username=username, password=PASSWORD, team=team, first_name=username.title(),
                       last_name="Тестов", role=role)
    User.objects.filter(pk=user.pk).update(presence=presence)
    user.presence = presence
    for code in skills:
        user.skills.add(Skill.objects.get_or_create(code=code, defaults={"name": code.title()})[0])
    return user


def rule(pipeline: Pipeline, users: list[User], *, strategy: str = DistributionRule.Strategy.ROUND_ROBIN,
         weights: list[int] | None = None, **options) -> DistributionRule:
    """A rule written straight to the database (rule_create's validation has its own tests)."""
    skills = options.pop("required_skills", [])
    created = DistributionRule.objects.create(name=options.pop("name", "Все отклики"), pipeline=pipeline,
                                              strategy=strategy, **options)
    for code in skills:
        created.required_skills.add(Skill.objects.get_or_create(code=code, defaults={"name": code.title()})[0])
    for i, user in enumerate(users):
        RuleMember.objects.create(rule=created, user=user, weight=weights[i] if weights else 0)
    return created


def new_deal(pipeline: Pipeline, *, title: str = "Отклик", contact: Contact | None = None, source: str = "",
             custom: dict | None = None) -> Deal:
    return deal_create(actor=None, title=title, pipeline=pipeline, contact=contact, source=source, custom=custom)


def new_contact(name: str = "Иванов Иван") -> Contact:
    return contact_create(actor=None, full_name=name)
