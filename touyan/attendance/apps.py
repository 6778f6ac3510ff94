from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "touyan.attendance"
    label = "attendance"

    def ready(self) -> None:
        from touyan.cadres import hooks

        from .selectors import month_presence_days
        from .services import locked_months_refresh, month_result_refresh

        # A post changed or imported inside a locked month: that month's stored results follow.
        hooks.register_post_changed(month_result_refresh)
        hooks.register_posts_imported(locked_months_refresh)
        hooks.register_month_presence(month_presence_days)  # beside the quarterly score (assessment)
