"""What the assessment services share: who may score, the score range, consequences as tasks."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.accounts.scope import require
from touyan.cadres.models import Person
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import InvalidInput

from .. import rules
from ..models import Consequence


def require_assessor(actor: User) -> None:
    """Scoring, vetting and reviewing are the township's (capability `assessment.score`)."""
    require(actor, account_rules.ASSESS)


def scorer(actor: User, cadre_id: int) -> Person:
    """The cadre an assessor works on: Forbidden for other roles, NotFound outside the scope."""
    require_assessor(actor)
    return access_cadre(actor=actor, cadre_id=cadre_id)


def check_score(score: Decimal, field: str = "score") -> None:
    if not rules.score_in_range(score):
        raise InvalidInput(errors={field: _("分数须在 0–100 之间")})


def record_consequence(person: Person, due: rules.ConsequenceDue, source: str) -> None:
    """A consequence to carry out (R-ASMT-05/07), once per person, kind and source."""
    Consequence.objects.get_or_create(
        person=person, kind=due.kind, source=source, defaults={"village_id": person.village_id, "note": due.note}
    )
