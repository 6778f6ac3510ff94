"""Set-based writes of many cadre files at once: the roster import and the demo generator.

Owns `cadres_bulk_upsert` (and `cadres_bulk_check`, the same checks without writing). Every row
is checked first with the rules of one-by-one entry (`validate_person`, R-DATA-03) plus what only
a whole file can break: the same ID number twice, a single seat (PS, VD, SD, CEO) held twice in a
village, a village outside the actor's scope. Only if every row passes does one transaction
create, update or leave each file (all or nothing; a second run over the same rows changes
nothing). Posts of secretaries and directors are reported for filing (凡动必报, R-ORG-09); ID
numbers are encrypted and masked with each county's policy (R-DATA-03, R-DATA-05).

No query per row: villages are read in one query, existing files by `id_hash` in batches of
5,000, and writes go through bulk_create / bulk_update with their history rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import in_scope, require
from touyan.audit.services import audit_record
from touyan.core import copy as bulk_copy
from touyan.core import crypto, idnumber
from touyan.core.errors import Conflict, InvalidInput
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import hooks
from . import rules as cadre_rules
from .models import POST_ORG, SINGLE_SEATS, Filing, Person, Post, PostCode
from .selectors import id_tail_hash, normalize_name
from .services import (
    FILED_POSTS,
    ID_CONTEXT,
    PHONE_CONTEXT,
    PersonIn,
    PostIn,
    check_quotas_many,
    id_hash,
    validate_person,
)

T = TypeVar("T")
Progress = Callable[[int, int], None]

READ_BATCH = 5000
WRITE_BATCH = 5000
BULK_BATCH = 2000
ANALYZE_AFTER = 10_000  # rows inserted: then refresh PostgreSQL's statistics after the commit
ETHNICITY_MAX = Person._meta.get_field("ethnicity").max_length or 20
# Person fields a file may change, as (model field, PersonIn attribute).
PERSON_FIELDS = (
    ("name", "name"), ("ethnicity", "ethnicity"), ("political_status", "political_status"),
    ("party_join_date", "party_join_date"), ("education", "education"),
    ("full_time_education", "full_time_education"), ("origin", "origin"),
)  # fmt: skip
PERSON_WRITE_FIELDS = [
    "village", "name", "name_search", "ethnicity", "political_status", "party_join_date", "education",
    "full_time_education", "origin", "phone_enc", "phone_masked", "updated_at",
]  # fmt: skip
# Post attributes a file may change on a post it matches by (village, post, start date).
POST_ATTRS = ("end_date", "end_reason", "full_time", "professionalized", "tier", "term_year", "source")
PERSON_READ = ("pk", "id_hash", "village_id", *(f for f, _a in PERSON_FIELDS), "phone_masked", "phone_enc")
POST_READ = ("pk", "person_id", "village_id", "post", "start_date", *POST_ATTRS)


@dataclass(frozen=True)
class BulkReport:
    created: int
    updated: int
    unchanged: int


@dataclass
class _Row:
    """One valid row and what writing it means."""

    index: int
    data: PersonIn
    facts: idnumber.IdFacts
    hashed: str
    village: str
    person_id: int | None = None  # the file already on record, if any
    changes: dict[str, Any] = field(default_factory=dict)  # person field -> new value ("phone": plain)
    new_posts: list[PostIn] = field(default_factory=list)
    post_changes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # post id -> attrs

    @property
    def kind(self) -> str:
        if self.person_id is None:
            return "created"
        return "updated" if self.changes or self.new_posts or self.post_changes else "unchanged"


class _Errors(dict[str, list[str]]):
    def add(self, index: int, name: str, message: str) -> None:
        self.setdefault(f"rows.{index}.{name}", []).append(str(message))


def _batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _phone(data: PersonIn) -> str:
    return (data.phone or "").strip()


def _value(data: PersonIn, attr: str) -> Any:
    value = getattr(data, attr)
    if attr == "name":
        return (value or "").strip()
    if attr == "ethnicity":
        return (value or "").strip() or "汉族"
    return value


def cadres_bulk_check(
    *, actor: Any, people: Sequence[PersonIn], progress: Progress | None = None
) -> dict[str, list[str]]:
    """Every error the rows have, keyed `rows.<i>.<field>`; writes nothing. Empty when all pass."""
    require(actor, account_rules.CADRES_WRITE)
    _rows, errors = _plan(actor, people, progress)
    return dict(errors)


def cadres_bulk_upsert(
    *,
    actor: Any,
    people: Sequence[PersonIn],
    source: str = "import",
    progress: Callable[[int, int], None] | None = None,
) -> BulkReport:
    """Create or update many cadre files in one transaction, all or nothing (R-ORG-09, R-DATA-03/05).

    A person is found by their ID number's keyed hash. New people are created with their posts;
    people on record with the same fields and posts are left alone (no write at all); others get
    their fields updated and the file's new posts added (posts absent from the file are kept).
    Any error: InvalidInput with `rows.<i>.<field>` keys and nothing written. `progress(done, total)`
    counts rows: the first half while checking, the second half while writing.
    """
    require(actor, account_rules.CADRES_WRITE)
    people = list(people)
    try:
        with transaction.atomic():
            rows, errors = _plan(actor, people, progress)
            if errors:
                raise InvalidInput(errors=errors)
            report, detail = _write(actor, rows, len(people), source, progress)
            if detail["created"] + detail["posts_added"] >= ANALYZE_AFTER and connection.vendor == "postgresql":
                transaction.on_commit(_analyze)
            audit_record(
                actor=actor,
                action="cadres.import",
                object_type="cadres.person",
                region_code=getattr(actor, "region_id", None) or "",
                changes={"source": source, "rows": len(people), **detail},
            )
    except IntegrityError as exc:  # another writer got there between our check and our write
        raise Conflict(_("导入期间有人修改了相同的档案或职务,请重新导入"), field="file") from exc
    return report


def _analyze() -> None:
    """Fresh planner statistics after a large load, so the roster's queries keep good plans
    even where autovacuum is off or has not come round yet."""
    tables = [m._meta.db_table for m in (Person, Post, Filing, Person.history.model, Post.history.model)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


# --- checking -------------------------------------------------------------------------------


def _plan(actor: Any, people: Sequence[PersonIn], progress: Progress | None) -> tuple[list[_Row], _Errors]:
    n = len(people)
    errors = _Errors()
    rows: list[_Row] = []
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, data in enumerate(people):
        facts, found = validate_person(data, prefix=f"rows.{i}.")
        for key, messages in found.items():
            errors.setdefault(key, []).extend(messages)
        if len(_value(data, "ethnicity")) > ETHNICITY_MAX:
            errors.add(i, "ethnicity", _("民族不超过 %(n)d 个字") % {"n": ETHNICITY_MAX})
        open_codes: set[str] = set()
        for j, p in enumerate(data.posts):
            if p.end_date is None and p.post in open_codes:
                errors.add(i, f"posts.{j}.post", _("同一人重复填写了在任职务%(p)s") % {"p": _post_label(p.post)})
            if p.end_date is None:
                open_codes.add(p.post)
        if facts is not None:
            hashed = id_hash(facts.number)
            by_hash[hashed].append(i)
            rows.append(_Row(i, data, facts, hashed, (data.village or "").strip()))
        if progress and i % READ_BATCH == READ_BATCH - 1:
            progress(i // 4, n)
    for indexes in by_hash.values():
        if len(indexes) > 1:
            for i in indexes:
                errors.add(i, "id_number", _("同一身份证号在本次导入中出现 %(n)d 次") % {"n": len(indexes)})
    villages = _check_villages(actor, people, errors)
    rows = [r for r in rows if f"rows.{r.index}.village" not in errors]
    holders = _seat_holders({r.village for r in rows})
    _check_file_seats(rows, villages, errors)
    for done, batch in enumerate(_batched(rows, READ_BATCH), start=1):
        _match_existing(actor, batch, holders, villages, errors)
        if progress:
            progress(n // 4 + min(n, done * READ_BATCH) // 4, n)
    return rows, errors


def _post_label(code: str) -> str:
    return str(PostCode(code).label) if code in PostCode.values else code


def _check_villages(actor: Any, people: Sequence[PersonIn], errors: _Errors) -> dict[str, str]:
    """Every row's village exists, is a village and lies in scope (one query). Returns code -> name."""
    codes = sorted({(p.village or "").strip() for p in people} - {""})
    found: dict[str, tuple[str, str]] = {}
    for chunk in _batched(codes, READ_BATCH):
        found.update(
            (code, (level, name))
            for code, level, name in Region.objects.filter(code__in=chunk).values_list("code", "level", "name")
        )
    allowed = {code: in_scope(actor, code) for code in found}
    for i, data in enumerate(people):
        code = (data.village or "").strip()
        if not code:
            errors.add(i, "village", _("请填写村(社区)代码"))
        elif code not in found or not allowed[code]:
            errors.add(i, "village", _("未找到该村(社区),或不在您的管辖范围内"))
        elif found[code][0] != region_rules.VILLAGE:
            errors.add(i, "village", _("请填写村(社区)的 12 位代码,不是上级区域"))
    return {code: name for code, (level, name) in found.items() if level == region_rules.VILLAGE}


def _seat_holders(villages: set[str]) -> dict[tuple[str, str], tuple[str, int]]:
    """Current holders of the single seats in these villages: (village, post) -> (id_hash, person id)."""
    holders: dict[tuple[str, str], tuple[str, int]] = {}
    for chunk in _batched(sorted(villages), READ_BATCH):
        for village, post, hashed, person_id in Post.objects.filter(
            village_id__in=chunk, post__in=SINGLE_SEATS, end_date__isnull=True
        ).values_list("village_id", "post", "person__id_hash", "person_id"):
            holders[(village, post)] = (hashed, person_id)
    return holders


def _check_file_seats(rows: list[_Row], villages: dict[str, str], errors: _Errors) -> None:
    """A single seat may be held by one person of the file at a time."""
    seats: dict[tuple[str, str], list[tuple[_Row, int]]] = defaultdict(list)
    for row in rows:
        for j, p in enumerate(row.data.posts):
            if p.end_date is None and p.post in SINGLE_SEATS:
                seats[(row.village, p.post)].append((row, j))
    for (village, post), holders in seats.items():
        if len({row.hashed for row, _j in holders}) > 1:
            for row, j in holders:
                errors.add(
                    row.index,
                    f"posts.{j}.post",
                    _("%(v)s的%(p)s在本次导入中填了 %(n)d 人,只能有一人")
                    % {"v": villages.get(village, village), "p": _post_label(post), "n": len(holders)},
                )


def _match_existing(
    actor: Any,
    batch: list[_Row],
    holders: dict[tuple[str, str], tuple[str, int]],
    villages: dict[str, str],
    errors: _Errors,
) -> None:
    """Compare a batch of rows with the files on record (two queries) and decide each row."""
    people = {
        rec[1]: rec for rec in Person.objects.filter(id_hash__in=[r.hashed for r in batch]).values_list(*PERSON_READ)
    }
    posts: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    if people:
        for rec in Post.objects.filter(person_id__in=[p[0] for p in people.values()]).values_list(*POST_READ):
            posts[rec[1]].append(rec)
    names = [f for f, _a in PERSON_FIELDS]
    for row in batch:
        record = people.get(row.hashed)
        if record is not None:
            person_id, _hash, village_id, *values = record
            if not in_scope(actor, village_id):
                errors.add(row.index, "id_number", _("该身份证号已有档案,不在您的管辖范围内,不能导入"))
                continue
            row.person_id = person_id
            stored = dict(zip((*names, "phone_masked", "phone_enc"), values, strict=True))
            for name, attr in PERSON_FIELDS:
                new = _value(row.data, attr)
                if new != stored[name]:
                    row.changes[name] = new
            if row.village != village_id:
                row.changes["village"] = row.village
            phone = _phone(row.data)
            if phone and not _same_phone(phone, stored["phone_masked"], stored["phone_enc"]):
                row.changes["phone"] = phone
        _match_posts(row, posts.get(row.person_id or -1, []), holders, villages, errors)


def _same_phone(phone: str, masked: str, sealed: str) -> bool:
    if idnumber.mask_phone(phone) != masked or not sealed:
        return False
    try:
        return crypto.decrypt(sealed, context=PHONE_CONTEXT) == phone
    except ValueError:
        return False


def _match_posts(
    row: _Row,
    stored: list[tuple[Any, ...]],
    holders: dict[tuple[str, str], tuple[str, int]],
    villages: dict[str, str],
    errors: _Errors,
) -> None:
    """A file's post is the stored one with the same village, post and start date; others are new."""
    by_key = {(rec[2], rec[3], rec[4]): rec for rec in stored}
    open_since = {rec[3]: rec[4] for rec in stored if rec[5] is None}
    for j, p in enumerate(row.data.posts):
        rec = by_key.get((row.village, p.post, p.start_date))
        if rec is not None:
            old = dict(zip(POST_ATTRS, rec[5:], strict=True))
            if old["end_date"] is not None and p.end_date is None:
                errors.add(
                    row.index,
                    f"posts.{j}.post",
                    _("该任职已于 %(d)s 结束,导入不能恢复;如再次任职请填写新的任职日期") % {"d": old["end_date"]},
                )
                continue
            new = {a: getattr(p, a) for a in POST_ATTRS}
            changed = {a: v for a, v in new.items() if v != old[a]}
            if changed:
                row.post_changes.append((rec[0], changed))
            continue
        if p.end_date is None and p.post in open_since:
            errors.add(
                row.index,
                f"posts.{j}.post",
                _("本人已在任%(p)s(%(d)s 起),请先办理离任") % {"p": _post_label(p.post), "d": open_since[p.post]},
            )
            continue
        holder = holders.get((row.village, p.post)) if p.end_date is None and p.post in SINGLE_SEATS else None
        if holder is not None and holder[0] != row.hashed:
            errors.add(
                row.index,
                f"posts.{j}.post",
                _("%(v)s 已有在任的%(p)s,请先办理其离任")
                % {"v": villages.get(row.village, row.village), "p": _post_label(p.post)},
            )
            continue
        row.new_posts.append(p)


# --- writing --------------------------------------------------------------------------------


def _county(village_code: str) -> str:
    return village_code[:6].ljust(region_rules.CODE_LENGTH, "0")


class _Masks:
    """The ID mask (R-DATA-05) of each county, resolved once per county, not per row."""

    def __init__(self) -> None:
        self._by_county: dict[str, tuple[int, int]] = {}

    def __call__(self, village_code: str) -> tuple[int, int]:
        county = _county(village_code)
        if county not in self._by_county:
            policy = policy_resolve(county)
            self._by_county[county] = (policy["id_mask_keep_first"], policy["id_mask_keep_last"])
        return self._by_county[county]


def _write(
    actor: Any, rows: list[_Row], n: int, source: str, progress: Progress | None
) -> tuple[BulkReport, dict[str, int]]:
    user = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    history = {"default_user": user, "default_change_reason": source[:100], "default_date": now}
    inserter = _Inserter(user, source[:100], now)
    masks = _Masks()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "posts_added": 0, "posts_changed": 0, "filings": 0}
    written = 0
    since: dict[str, dt.date] = {}  # township → the earliest day a full-time post added or changed touches
    quota_touched: dict[str, set[str]] = {}  # village → the quotas its new or changed posts count against
    today = timezone.localdate()
    for batch in _batched(rows, WRITE_BATCH):
        for row in batch:
            counts[row.kind] += 1
        work = [r for r in batch if r.kind != "unchanged"]
        if work:
            ids = _create_people([r for r in work if r.person_id is None], masks, inserter)
            _update_people([r for r in work if r.changes], history)
            added = _create_posts(work, ids, user, inserter)
            ended, changed = _update_posts(work, history, since)
            for p in added:
                if p["full_time"]:
                    _touch(since, p["village_id"], p["start_date"])
                if p["end_date"] is None or p["end_date"] >= today:
                    quota_touched.setdefault(p["village_id"], set()).update(
                        cadre_rules.quota_touches(
                            p["post"], full_time=p["full_time"], professionalized=p["professionalized"]
                        )
                    )
            for post in changed:
                if post.end_date is None or post.end_date >= today:
                    quota_touched.setdefault(post.village_id, set()).update(
                        cadre_rules.quota_touches(
                            post.post, full_time=post.full_time, professionalized=post.professionalized
                        )
                    )
            filings = [
                _filing(p["id"], p["village_id"], "appointed" if p["end_date"] is None else "recorded", user)
                for p in added
                if p["post"] in FILED_POSTS
            ]
            filings += [_filing(p.pk, p.village_id, "ended", user) for p in ended if p.post in FILED_POSTS]
            inserter.insert(Filing, filings, ids=False)
            counts["posts_added"] += len(added)
            counts["posts_changed"] += sum(len(r.post_changes) for r in work)
            counts["filings"] += len(filings)
        written += len(batch)
        if progress:
            progress(n // 2 + written * (n - n // 2) // max(len(rows), 1), n)
    breaches = check_quotas_many(quota_touched)
    if breaches:
        village, breach = breaches[0]
        raise Conflict(_("%(v)s:%(m)s") % {"v": village, "m": breach.message}, field="file")
    counts["locked_months"] = hooks.posts_imported(since)
    report = BulkReport(created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"])
    return report, counts


def _touch(since: dict[str, dt.date], village_code: str, day: dt.date) -> None:
    township = village_code[:9].ljust(12, "0")  # the village's township, as MonthLock holds it
    since[township] = min(day, since.get(township, day))


class _Inserter:
    """Inserts new rows, given as {attname: value}, with their "+" history rows (一人一档).

    Through the one bulk writer (`core.copy`): COPY on PostgreSQL, with primary keys taken from
    the sequence first (Django's bulk_create spent most of a 100,000-row import preparing values
    one by one; bench/RESULTS.md); elsewhere bulk_create, and bulk_create_with_history for a
    tracked model. Either way each row gets its "id"."""

    def __init__(self, user: Any, reason: str, now: dt.datetime) -> None:
        self.user, self.reason, self.now = user, reason, now
        self.copy = bulk_copy.is_postgres()

    def insert(self, model: type[Model], rows: list[dict[str, Any]], *, ids: bool = True) -> list[dict[str, Any]]:
        if not rows:
            return rows
        tracked = getattr(model, "history", None) is not None
        if not tracked:
            return bulk_copy.insert_rows(model, rows, ids=ids, now=self.now)
        if self.copy:
            bulk_copy.insert_rows(model, rows, ids=True, now=self.now)
            self._copy_history(model, rows)
            return rows
        created = bulk_create_with_history(
            [model(**row) for row in rows],
            model,
            batch_size=BULK_BATCH,
            default_user=self.user,
            default_change_reason=self.reason,
            default_date=self.now,
        )
        for row, obj in zip(rows, created, strict=True):
            if obj.pk is None:  # SQLite before 3.35 does not return keys from bulk inserts
                raise RuntimeError("the database must return primary keys from bulk inserts")
            row["id"] = obj.pk
        return rows

    def _copy_history(self, model: type[Model], rows: list[dict[str, Any]]) -> None:
        """The "+" history row of each new row (simple_history's table), by COPY."""
        history = model.history.model  # type: ignore[attr-defined]
        extra = {
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": "+",
            "history_user_id": getattr(self.user, "pk", None),
        }
        fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
        bulk_copy.copy_rows(history._meta.db_table, fields, rows, extra)


def _filing(post_id: int, village: str, change: str, user: Any) -> dict[str, Any]:
    """凡动必报 (R-ORG-09): as services._report, a secretary's or director's post goes to the county."""
    return {
        "post_id": post_id,
        "county_id": _county(village),
        "change": change,
        "reported_by_id": getattr(user, "pk", None),
    }


def _create_people(rows: list[_Row], masks: _Masks, inserter: _Inserter) -> dict[str, int]:
    """New files, encrypted and masked as `cadre_create` does (R-DATA-03/05). Returns id_hash -> id."""
    people = []
    for row in rows:
        data, facts = row.data, row.facts
        first, last = masks(row.village)
        phone = _phone(data)
        people.append(
            {
                "village_id": row.village,
                "name": _value(data, "name"),
                "name_search": normalize_name(data.name),
                "id_enc": crypto.encrypt(facts.number, context=ID_CONTEXT),
                "id_hash": row.hashed,
                "id_tail_hash": id_tail_hash(facts.number),
                "id_masked": idnumber.mask_id(facts.number, first, last),
                "gender": str(facts.gender),
                "birth_date": facts.birth_date,
                "ethnicity": _value(data, "ethnicity"),
                "phone_enc": crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else "",
                "phone_masked": idnumber.mask_phone(phone) if phone else "",
                "political_status": str(data.political_status),
                "party_join_date": data.party_join_date,
                "education": str(data.education),
                "full_time_education": bool(data.full_time_education),
                "origin": str(data.origin),
            }
        )
    return {p["id_hash"]: p["id"] for p in inserter.insert(Person, people)}


def _update_people(rows: list[_Row], history: dict[str, Any]) -> None:
    if not rows:
        return
    people = Person.objects.in_bulk([r.person_id for r in rows])
    now = timezone.now()
    for row in rows:
        person = people[row.person_id]
        for name, value in row.changes.items():
            if name == "phone":
                person.phone_enc = crypto.encrypt(value, context=PHONE_CONTEXT)
                person.phone_masked = idnumber.mask_phone(value)
            elif name == "village":
                person.village_id = value
            else:
                setattr(person, name, value)
        person.name_search = normalize_name(person.name)
        person.updated_at = now
    bulk_update_with_history(
        list(people.values()), Person, fields=PERSON_WRITE_FIELDS, batch_size=BULK_BATCH // 2, **history
    )


def _create_posts(rows: list[_Row], ids: dict[str, int], user: Any, inserter: _Inserter) -> list[dict[str, Any]]:
    posts = [
        {
            "person_id": row.person_id or ids[row.hashed],
            "village_id": row.village,
            "post": str(p.post),
            "organisation": str(POST_ORG[p.post]),
            "term_year": p.term_year,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "end_reason": str(p.end_reason or ""),
            "full_time": bool(p.full_time),
            "professionalized": bool(p.professionalized),
            "tier": p.tier,
            "source": str(p.source),
            "created_by_id": getattr(user, "pk", None),
        }
        for row in rows
        for p in row.new_posts
    ]
    return inserter.insert(Post, posts)


def _update_posts(
    rows: list[_Row], history: dict[str, Any], since: dict[str, dt.date]
) -> tuple[list[Post], list[Post]]:
    """Apply changed attributes of matched posts; returns the posts this ended (for filing) and
    notes in `since` the earliest day each changed full-time post touches."""
    changes = {post_id: attrs for row in rows for post_id, attrs in row.post_changes}
    if not changes:
        return [], []
    posts = Post.objects.in_bulk(list(changes))
    ended = []
    for post_id, attrs in changes.items():
        post = posts[post_id]
        if post.end_date is None and attrs.get("end_date") is not None:
            ended.append(post)
        if post.full_time or attrs.get("full_time"):
            days = [post.start_date, attrs.get("start_date"), attrs.get("end_date"), post.end_date]
            _touch(since, post.village_id, min(d for d in days if d is not None))
        for name, value in attrs.items():
            setattr(post, name, value)
    bulk_update_with_history(list(posts.values()), Post, fields=list(POST_ATTRS), batch_size=BULK_BATCH // 2, **history)
    return ended, list(posts.values())
