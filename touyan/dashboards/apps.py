from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "touyan.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        # The built-in cockpit blocks and alert sources; other apps register theirs the same way
        # (see dashboards.figures and dashboards.alerts).
        from . import alert_sources, figures
        from .figures import core, mechanisms

        for name, fn in (
            ("cadres", core.cadres_block),
            ("villages", core.villages_block),
            ("attendance", mechanisms.attendance_block),
            ("assessment", mechanisms.assessment_block),
            ("payroll", mechanisms.payroll_block),
            ("affairs", mechanisms.affairs_block),
        ):
            figures.register(name, fn)
        alert_sources.register_all()
