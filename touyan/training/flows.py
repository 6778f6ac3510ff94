"""Training's state machine (core.workflow): an enrolment in an education upgrade (R-TRN-04),
enrolled → graduated; the step's audit action is `training.enrolment.graduate`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from touyan.core.workflow import Flow, Transition

from .models import Enrolment
from .selectors import is_officer

E = Enrolment.State
_OFFICERS = _("毕业由乡镇党委干部或组织部管理员登记")


def officer(actor: Any, obj: Any) -> bool:
    """A township officer or an organisation-department admin (or the national administrator)."""
    return is_officer(actor)


ENROLMENT = Flow(
    model=Enrolment,
    action_prefix="training.enrolment",
    transitions=(Transition("graduate", (E.ENROLLED,), E.GRADUATED, _("登记毕业"), who=officer, refused=_OFFICERS),),
)
