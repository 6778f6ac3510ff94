from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "touyan.payroll"
    label = "payroll"
