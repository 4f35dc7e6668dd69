from django.core.management.base import BaseCommand

from accounts.demo import seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo clients, accounts and users (safe to run repeatedly)."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /login/ as:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<8} password {login.password:<20} {login.role}")
