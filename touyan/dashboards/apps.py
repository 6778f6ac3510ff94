from collections.abc import Callable

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "touyan.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from .todos import register_all

        register_all()
        # The built-in cockpit blocks and alert sources; other apps register theirs the same way
        # (see dashboards.figures and dashboards.alerts).
        from touyan.selection import figures as selection_figures
        from touyan.training import figures as training_figures

        from . import alert_sources, figures
        from .figures import core, mechanisms

        for name, fn in (
            ("cadres", core.cadres_block),
            ("villages", core.villages_block),
            ("attendance", mechanisms.attendance_block),
            ("assessment", mechanisms.assessment_block),
            ("payroll", mechanisms.payroll_block),
            ("affairs", mechanisms.affairs_block),
            ("training", training_figures.training_block),
            ("selection", selection_figures.selection_block),
        ):
            figures.register(name, fn)
        alert_sources.register_all()
        from . import actions, reports  # noqa: F401 - the audit actions' names

        reports.register_all()
        from touyan.core import todos

        from .alerts import alerts_todo

        todos.register(alerts_todo, key="dashboards.alerts")
        _connect_invalidation(figures.invalidate)


def _connect_invalidation(receiver: Callable[..., None]) -> None:
    """Cached cockpit figures go stale when a cadre file, a post, a policy or a region statistic
    is written (docs/operations.md); presence, pay and the rest age out with the cache's timeout."""
    from django.db.models.signals import post_delete, post_save

    from touyan.cadres.models import Person, Post
    from touyan.policy.models import PolicyDocument
    from touyan.regions.models import RegionStat

    for model in (Person, Post, PolicyDocument, RegionStat):
        post_save.connect(receiver, sender=model, dispatch_uid=f"dashboards.invalidate.save.{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"dashboards.invalidate.delete.{model.__name__}")
