"""What accounts asks of the apps above it; each registers its answer in its AppConfig.ready
(docs/app-shape.md: a lower app never imports a higher one).

A village cadre's login is bound to their own file (`User.cadre`, SPEC A1): the cadres app
registers the scoped read that finds the file, so accounts need not import cadres.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from touyan.core.errors import NotFound

# fn(*, actor, cadre_id) -> the cadre's file if it lies in the actor's scope, else NotFound.
CadreLookup = Callable[..., Model]

_CADRE_LOOKUP: list[CadreLookup] = []


def register_cadre_lookup(fn: CadreLookup) -> CadreLookup:
    _CADRE_LOOKUP[:] = [fn]
    return fn


def cadre_for_login(*, actor: Any, cadre_id: int) -> Any:
    """The cadre file a new login is bound to, read in the actor's scope (NotFound outside it)."""
    if not _CADRE_LOOKUP:
        raise NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
    return _CADRE_LOOKUP[0](actor=actor, cadre_id=cadre_id)
