from django.core.management.base import BaseCommand, CommandError

from podbor.accounts.models import User
from podbor.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (the token is the last word of the output)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token = api_token_issue(user=user, name=name)
        self.stdout.write(f"API token for {username}: {token}")
