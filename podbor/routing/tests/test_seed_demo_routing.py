from io import StringIO

from django.core.management import call_command

from podbor.intake.models import Source
from podbor.routing.models import CallListFilter, DistributionRule


def test_the_demo_gets_rules_filters_and_sources_once(db):
    call_command("seed_demo", "--size", "40", stdout=StringIO())
    call_command("seed_demo_routing", stdout=StringIO())
    call_command("seed_demo_intake", stdout=StringIO())
    rules = DistributionRule.objects.all()
    assert rules.count() == 2
    assert all(rule.members.exists() for rule in rules)
    active = CallListFilter.objects.filter(is_active=True)
    assert sum(f.weight for f in active) == 100
    assert Source.objects.count() == 3
    call_command("seed_demo_routing", stdout=StringIO())
    call_command("seed_demo_intake", stdout=StringIO())
    assert (DistributionRule.objects.count(), Source.objects.count()) == (2, 3)
