"""Party members' pioneer points (R-PTY-01/02) and village Party organisations' stars (R-PTY-03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from touyan.accounts.models import User
from touyan.audit.services import audit_record
from touyan.core.errors import InvalidInput
from touyan.regions import rules as region_rules
from touyan.regions.selectors import access_region

from .. import rules
from ..actions import AssessmentAction
from ..models import PioneerEntry, StarRating
from .common import check_score, require_assessor, scorer


@transaction.atomic
def pioneer_record(
    *, actor: User, cadre_id: int, day: dt.date, item: str, points: Decimal, evidence: str = ""
) -> PioneerEntry:
    """R-PTY-01/02: the branch records a Party member's points (items capped per year)."""
    person = scorer(actor, cadre_id)
    if item not in rules.PIONEER_ITEMS:
        raise InvalidInput(errors={"item": _("项目无效")})
    if not rules.pioneer_sign_ok(item, points):
        raise InvalidInput(errors={"points": _("扣分项填负数,其他项填正数")})
    entry = PioneerEntry.objects.create(
        person=person,
        village_id=person.village_id,
        date=day,
        item=item,
        points=points,
        evidence=evidence[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AssessmentAction.PIONEER_RECORD,
        obj=entry,
        region_code=person.village_id,
        changes={"item": [None, item], "points": [None, str(points)]},
    )
    return entry


@transaction.atomic
def star_rate(*, actor: User, village_code: str, year: int, score: Decimal, innovation: bool) -> StarRating:
    """R-PTY-03: a village Party organisation's yearly stars from its score."""
    require_assessor(actor)
    village = access_region(actor=actor, code=village_code, field="village")
    if village.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择村(社区)")})
    check_score(score)
    rating, _created = StarRating.objects.update_or_create(
        village=village,
        year=year,
        defaults={
            "score": score,
            "innovation": innovation,
            "stars": rules.stars(score, innovation=innovation),
            "rated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AssessmentAction.STAR_RATE,
        obj=rating,
        region_code=village.code,
        changes={"score": [None, str(score)], "stars": [None, rating.stars]},
    )
    return rating
