from django.core.management.base import BaseCommand
from django.db import transaction

from podbor.accounts.models import Team, User
from podbor.crm.models import Pipeline
from podbor.routing.calllists.filters import call_list_filter_save, call_list_filter_shares_set
from podbor.routing.models import CallListFilter, DistributionRule
from podbor.routing.services.rules import MemberSpec, rule_create


class Command(BaseCommand):
    help = "Demo distribution rules and call-list filters for the demo pipelines (only when there are none)."

    @transaction.atomic
    def handle(self, *args, **options):
        if DistributionRule.objects.exists() or CallListFilter.objects.exists():
            self.stdout.write("Demo routing: rules already exist, nothing to do.")
            return
        admin = User.objects.filter(role=User.Role.ADMIN, is_active=True).first()
        made = []
        for pipeline_name, team_name, strategy in (
            ("Массовый подбор", "Массовый подбор", DistributionRule.Strategy.ROUND_ROBIN),
            ("Входящие запросы", "Клиентский отдел", DistributionRule.Strategy.LEAST_LOADED),
        ):
            pipeline = Pipeline.objects.filter(name=pipeline_name).first()
            team = Team.objects.filter(name=team_name).first()
            if admin is None or pipeline is None or team is None:
                continue
            managers = list(team.members.filter(role=User.Role.MANAGER, is_active=True))
            rule_create(actor=admin, name=f"{pipeline_name}: {team_name}", pipeline=pipeline, strategy=strategy,
                        members=[MemberSpec(user=m) for m in managers], max_open_untouched=30)
            made.append(pipeline_name)
        mass = Pipeline.objects.filter(name="Массовый подбор").first()
        if admin is not None and mass is not None:
            stages = list(mass.stages.filter(kind="open").order_by("order"))
            if len(stages) >= 2:
                # Active shares always add up to 100 %: make both, then set the shares together.
                fresh = call_list_filter_save(actor=admin, name="Новые отклики", pipeline=mass,
                                              stages=[stages[0].pk], weight=100, allow_empty=True)
                later = call_list_filter_save(actor=admin, name="Квалификация", pipeline=mass, stages=[stages[1].pk],
                                              weight=0, is_active=False, allow_empty=True)
                call_list_filter_shares_set(actor=admin, shares={fresh.pk: (70, True), later.pk: (30, True)})
        self.stdout.write(f"Demo routing: rules for {', '.join(made) or 'no pipeline'}; call-list filters made.")
