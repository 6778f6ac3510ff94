"""policy_resolve(): the one function that says which parameters apply where.

Village → township → county → prefecture → province → national document →
SPEC default, each region's document in force on the given day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from touyan.regions import rules as region_rules

from . import rules
from .models import PolicyDocument
from .params import FullParams


@dataclass(frozen=True)
class ResolvedPolicy:
    region_code: str | None
    on: dt.date
    params: Any  # FullParams instance: typed values, attribute access
    sources: dict[str, str | None]
    documents: tuple[int, ...]

    def __getitem__(self, key: str) -> Any:
        return getattr(self.params, key)


def _layers(code: str | None, on: dt.date, extra: rules.Layer | None = None) -> list[rules.Layer]:
    """Each region's document in force on `on`, nearest region first.

    `extra` stands in for its region's document (used to check a document
    before it is saved)."""
    chain: list[str | None] = [*(region_rules.ancestors(code) if code else []), None]
    docs = (
        PolicyDocument.objects.filter(Q(region_id__in=chain[:-1]) | Q(region__isnull=True), effective_from__lte=on)
        .order_by("region_id", "-effective_from", "-id")
        .values("id", "region_id", "params")
    )
    latest: dict[str | None, rules.Layer] = {}
    for doc in docs:
        if doc["region_id"] not in latest:
            latest[doc["region_id"]] = rules.Layer(doc["region_id"], doc["id"], doc["params"])
    if extra is not None and extra.region_code in chain:
        latest[extra.region_code] = extra
    return [latest[c] for c in chain if c in latest]


def merged_for(code: str | None, on: dt.date, extra: rules.Layer | None = None) -> rules.Merged:
    return rules.merge(_layers(code, on, extra))


def policy_resolve(region_code: str | None, on: dt.date | None = None) -> ResolvedPolicy:
    """The parameters in force for a region on a day, with where each came from."""
    day = on or timezone.localdate()
    code = region_rules.normalize_code(region_code) if region_code else None
    merged = merged_for(code, day)
    return ResolvedPolicy(
        region_code=code,
        on=day,
        params=FullParams.model_validate(merged.values),
        sources=merged.sources,
        documents=merged.documents,
    )


def policy_documents(*, region_code: str | None) -> list[PolicyDocument]:
    """A region's document history, newest first."""
    return list(
        PolicyDocument.objects.filter(region_id=region_code)
        .select_related("created_by")
        .order_by("-effective_from", "-id")
    )


MANY_REGIONS = 2000  # above this many regions, policy_resolve_many reads all documents in force


def policy_resolve_many(region_codes: list[str], on: dt.date | None = None) -> dict[str, ResolvedPolicy]:
    """policy_resolve for many regions in one query (set-based batch work)."""
    day = on or timezone.localdate()
    known: dict[tuple[str, str], tuple[str, ...]] = {}
    levels = region_rules.LEVELS
    # One level up, as region_rules.parent_code: the significant prefix of the level above, zero-padded.
    up_of = {
        level: (levels[i - 1], region_rules.PREFIX_LENGTH[levels[i - 1]]) for i, level in enumerate(levels) if i > 0
    }

    def chain_of(code: str, level: str) -> tuple[str, ...]:
        # region_rules.ancestors(code, level) for a 12-digit code, each region's part of the chain
        # computed once: a national summary asks for tens of thousands of villages under far fewer
        # townships (no code normalised again on the way up).
        chain = known.get((code, level))
        if chain is None:
            if level in up_of:
                parent_level, length = up_of[level]
                chain = (code, *chain_of(code[:length].ljust(region_rules.CODE_LENGTH, "0"), parent_level))
            else:
                chain = (code,)
            known[code, level] = chain
        return chain

    codes = {region_rules.normalize_code(c) for c in region_codes}
    chains = {code: chain_of(code, region_rules.level_of(code)) for code in codes}
    wanted = {c for chain in chains.values() for c in chain}
    latest: dict[str | None, rules.Layer] = {}
    docs = PolicyDocument.objects.filter(effective_from__lte=day)
    if len(wanted) <= MANY_REGIONS:
        docs = docs.filter(Q(region_id__in=wanted) | Q(region__isnull=True))
    # else: every document in force (few), kept below, rather than tens of thousands of parameters.
    for doc in docs.order_by("region_id", "-effective_from", "-id").values("id", "region_id", "params"):
        if doc["region_id"] is not None and doc["region_id"] not in wanted:
            continue
        if doc["region_id"] not in latest:
            latest[doc["region_id"]] = rules.Layer(doc["region_id"], doc["id"], doc["params"])
    out: dict[str, ResolvedPolicy] = {}
    cache: dict[tuple[int, ...], ResolvedPolicy] = {}
    for code, chain in chains.items():
        layers = [latest[c] for c in [*chain, None] if c in latest]
        key = tuple(layer.document_id or 0 for layer in layers)
        if key not in cache:
            merged = rules.merge(layers)
            cache[key] = ResolvedPolicy(
                code, day, FullParams.model_validate(merged.values), merged.sources, merged.documents
            )
        out[code] = cache[key]
    return out
