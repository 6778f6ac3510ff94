from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "touyan.audit"
    label = "audit"

    def ready(self) -> None:
        from touyan.core import workflow

        from . import labels, signals  # noqa: F401
        from .workflow_hook import WorkflowAuditor

        workflow.set_auditor(WorkflowAuditor())
