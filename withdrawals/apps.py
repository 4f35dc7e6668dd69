from django.apps import AppConfig


class WithdrawalsConfig(AppConfig):
    name = "withdrawals"
    verbose_name = "Withdrawals"
