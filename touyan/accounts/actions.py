"""The accounts app's own audit actions (the older account codes are named in `audit.labels`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class AccountsAction(AuditAction):
    LIAISON_VILLAGES = "accounts.user.villages", _("分配包联村")
