from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "touyan.attendance"
    label = "attendance"
