from django.core.management.base import BaseCommand

from orders.services.due_tasks import due_tasks_run


class Command(BaseCommand):
    help = (
        "Send the 'approaching' and 'imminent' notices of shipped DSC+ cards and activate "
        "those shipped three weeks ago (T6). Idempotent: run it every minute from cron."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = due_tasks_run()
        self.stdout.write(
            f"approaching notices: {len(report.approaching)}, "
            f"imminent notices: {len(report.imminent)}, "
            f"activated: {len(report.activated)}, "
            f"closed without activation: {len(report.cancelled)}"
        )
