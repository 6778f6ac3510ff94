"""Writes to cadre files: create, edit, posts, ID reveal, filing (R-ORG-09, R-DATA-03/04).

Every change is audited; history rows (django-simple-history) keep old → new
for the timeline. A change to a secretary's or director's post is reported to
the county for filing (凡动必报).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.passwords import password_confirm
from touyan.accounts.scope import require, scope_filter
from touyan.audit.models import Result
from touyan.audit.services import audit_record, diff
from touyan.core import crypto, idnumber
from touyan.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import hooks, rules
from .models import (
    POST_ORG,
    SINGLE_SEATS,
    Education,
    EndReason,
    Filing,
    Gender,
    Origin,
    Person,
    PoliticalStatus,
    Post,
    PostCode,
    Source,
)
from .selectors import access_cadre, cadres_in_scope, id_tail_hash, normalize_name

ID_CONTEXT = "id_number"
PHONE_CONTEXT = "phone"
FILED_POSTS = frozenset({"PS", "VD"})
PERSON_FIELDS = (
    "name", "ethnicity", "political_status", "party_join_date", "education", "full_time_education", "origin",
)  # fmt: skip
# The codes as sets, built once: `Choices.values` rebuilds a list on every access, which was a
# third of the CPU time of a 100,000-row roster import (bench/RESULTS.md).
EDUCATION_CODES = frozenset(Education.values)
POLITICAL_CODES = frozenset(PoliticalStatus.values)
ORIGIN_CODES = frozenset(Origin.values)
POST_CODES = frozenset(PostCode.values)
SOURCE_CODES = frozenset(Source.values)
END_REASON_CODES = frozenset(EndReason.values)


@dataclass(frozen=True)
class PostIn:
    post: str
    start_date: dt.date
    end_date: dt.date | None = None
    full_time: bool = False
    professionalized: bool = False
    tier: int | None = None
    term_year: int | None = None
    source: str = Source.ELECTION
    end_reason: str = ""


@dataclass
class PersonIn:
    name: str
    id_number: str
    village: str
    education: str
    political_status: str
    full_time_education: bool = False
    phone: str = ""
    ethnicity: str = "汉族"
    party_join_date: dt.date | None = None
    origin: str = Origin.OTHER
    posts: list[PostIn] = field(default_factory=list)


def id_hash(number: str) -> str:
    return crypto.blind_index(idnumber.normalize(number), context=ID_CONTEXT)


def validate_person(
    data: PersonIn, *, today: dt.date | None = None, prefix: str = ""
) -> tuple[idnumber.IdFacts | None, dict[str, list[str]]]:
    """Check every field of one cadre; return the ID facts and the errors by field.

    Pure apart from the clock: used by the API, the forms and the roster import."""
    errors: dict[str, list[str]] = {}

    def err(name: str, msg: str) -> None:
        errors.setdefault(prefix + name, []).append(msg)

    name = (data.name or "").strip()
    if not name or len(name) > 50:
        err("name", _("请填写姓名(不超过50个字符)"))
    facts = None
    try:
        facts = idnumber.parse_id(data.id_number, today=today)
    except idnumber.BadIdNumber as exc:
        err("id_number", str(exc))
    if data.education not in EDUCATION_CODES:
        err("education", _("学历无效,可选: %(v)s") % {"v": ", ".join(Education.values)})
    if data.political_status not in POLITICAL_CODES:
        err("political_status", _("政治面貌无效,可选: %(v)s") % {"v": ", ".join(PoliticalStatus.values)})
    if data.origin not in ORIGIN_CODES:
        err("origin", _("来源无效,可选: %(v)s") % {"v": ", ".join(Origin.values)})
    phone = (data.phone or "").strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        err("phone", _("手机号应为 7–12 位数字"))
    if data.party_join_date and data.political_status not in (
        PoliticalStatus.PARTY_MEMBER,
        PoliticalStatus.PROBATIONARY,
    ):
        err("party_join_date", _("只有党员填写入党时间"))
    if data.party_join_date and facts and data.party_join_date < facts.birth_date:
        err("party_join_date", _("入党时间早于出生日期"))
    for i, p in enumerate(data.posts):
        for name_, msg in validate_post(p).items():
            err(f"posts.{i}.{name_}", msg)
    return facts, errors


def validate_post(p: PostIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if p.post not in POST_CODES:
        errors["post"] = _("职务代码无效,可选: %(v)s") % {"v": ", ".join(PostCode.values)}
    if p.end_date and p.end_date < p.start_date:
        errors["end_date"] = _("离任日期不能早于任职日期")
    if p.tier is not None and (not p.professionalized or p.tier not in (1, 2, 3)):
        errors["tier"] = _("专业化档次为 1、2、3,且只用于职业化管理的干部")
    if p.source not in SOURCE_CODES:
        errors["source"] = _("产生方式无效")
    if p.end_reason and p.end_reason not in END_REASON_CODES:
        errors["end_reason"] = _("离任原因无效")
    return errors


def _village(actor: Any, code: str) -> Region:
    region = access_region(actor=actor, code=code, field="village")
    if region.level != region_rules.VILLAGE:
        raise InvalidInput(errors={"village": _("请选择村(社区),不是上级区域")})
    return region


def _county_of(village: Region) -> str:
    return village.code[:6].ljust(12, "0")


def _report(actor: Any, post: Post, change: str) -> None:
    """凡动必报: a secretary's or director's post change goes to the county for filing."""
    if post.post in FILED_POSTS:
        Filing.objects.create(
            post=post,
            county_id=_county_of(post.village),
            change=change,
            reported_by=actor if getattr(actor, "pk", None) else None,
        )


def _create_post(actor: Any, person: Person, p: PostIn, index: int | None = None) -> Post:
    label = f"posts.{index}.post" if index is not None else "post"
    if p.end_date is None and p.post in SINGLE_SEATS:
        holder = Post.objects.filter(village=person.village, post=p.post, end_date__isnull=True).first()
        if holder is not None:
            raise Conflict(
                _("%(v)s 已有在任的%(p)s,请先办理其离任") % {"v": person.village.name, "p": PostCode(p.post).label},
                field=label,
            )
    try:
        with transaction.atomic():
            post = Post.objects.create(
                person=person,
                village=person.village,
                post=p.post,
                organisation=POST_ORG[p.post],
                term_year=p.term_year,
                start_date=p.start_date,
                end_date=p.end_date,
                end_reason=p.end_reason,
                full_time=p.full_time,
                professionalized=p.professionalized,
                tier=p.tier,
                source=p.source,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:
        raise Conflict(_("该职务已有在任人员,或本人已在任此职务"), field=label) from exc
    check_quotas(post)
    _report(actor, post, "appointed" if p.end_date is None else "recorded")
    _refresh_locked_months(post, post.start_date)
    return post


def quota_counts(village: Region, day: dt.date) -> rules.QuotaCounts:
    """The counts the quotas read (R-POS-01/03/04), for posts held on `day` or later."""
    township = village.code[:9]
    held = Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).exclude(post="RSV")
    in_township = held.filter(village__code__startswith=township)
    young_birth = dt.date(day.year - int(policy_resolve(village.code)["young_age_max"]), day.month, min(day.day, 28))
    return rules.QuotaCounts(
        villages_in_township=Region.objects.filter(level=region_rules.VILLAGE, code__startswith=township).count(),
        full_time_in_village=held.filter(village=village, full_time=True).values("person_id").distinct().count(),
        prof_secretaries_in_township=in_township.filter(post="PS", professionalized=True)
        .values("person_id")
        .distinct()
        .count(),
        young_in_township=in_township.filter(professionalized=True, person__birth_date__gt=young_birth)
        .exclude(post__in=rules.HEAD_POSTS)
        .values("person_id")
        .distinct()
        .count(),
    )


def quota_limits(village_code: str, day: dt.date | None = None) -> rules.QuotaLimits:
    policy = policy_resolve(village_code, day)
    return rules.QuotaLimits(
        full_time_per_village=policy["full_time_quota_per_village"],
        prof_secretary_share=policy["prof_secretary_share"],
        young_share=policy["young_share"],
    )


def check_quotas_many(touched: dict[str, set[str]], day: dt.date | None = None) -> list[tuple[str, rules.QuotaBreach]]:
    """R-POS-01/03/04 for a bulk change (the roster import): `touched` maps each village to the
    quotas its new or changed posts count against; a handful of grouped queries whatever the
    number of villages. Returns (village, breach) pairs."""
    from django.db.models import Count

    from touyan.policy.selectors import policy_resolve_many

    touched = {v: t for v, t in touched.items() if t}
    if not touched:
        return []
    day = day or timezone.localdate()
    policies = policy_resolve_many(sorted(touched), day)
    townships = sorted({v[:9] for v in touched})
    parents = [t.ljust(region_rules.CODE_LENGTH, "0") for t in townships]  # a village's parent is its township
    villages_per = {t: 0 for t in townships}
    for code in Region.objects.filter(parent_id__in=parents, level=region_rules.VILLAGE).values_list("code", flat=True):
        villages_per[code[:9]] += 1
    held = Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).exclude(post="RSV")
    full_time = dict(
        held.filter(village_id__in=list(touched), full_time=True)
        .values("village_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("village_id", "n")
    )
    prof: dict[str, set[int]] = {t: set() for t in townships}
    young: dict[str, set[int]] = {t: set() for t in townships}
    for village_id, post, person_id, birth in held.filter(
        village__parent_id__in=parents, professionalized=True
    ).values_list("village_id", "post", "person_id", "person__birth_date"):
        if post == "PS":
            prof[village_id[:9]].add(person_id)
        elif post not in rules.HEAD_POSTS:
            limit = int(policies[village_id]["young_age_max"]) if village_id in policies else 35
            if rules.age_on(birth, day) < limit:
                young[village_id[:9]].add(person_id)
    out: list[tuple[str, rules.QuotaBreach]] = []
    for village, touches in sorted(touched.items()):
        policy = policies[village]
        limits = rules.QuotaLimits(
            policy["full_time_quota_per_village"], policy["prof_secretary_share"], policy["young_share"]
        )
        t = village[:9]
        counts = rules.QuotaCounts(villages_per[t], full_time.get(village, 0), len(prof[t]), len(young[t]))
        out.extend((village, b) for b in rules.quota_breaches(counts, limits, touches=frozenset(touches)))
    return out


def check_quotas(post: Post) -> None:
    """R-POS-01/03/04 on every path that creates or changes a post (API, forms, import, selection):
    called after the write, inside its transaction, so a breach rolls the whole change back."""
    touches = rules.quota_touches(post.post, full_time=post.full_time, professionalized=post.professionalized)
    today = timezone.localdate()
    if not touches or (post.end_date is not None and post.end_date < today):
        return
    day = max(post.start_date, today)
    breaches = rules.quota_breaches(
        quota_counts(post.village, day), quota_limits(post.village_id, day), touches=touches
    )
    if breaches:
        raise Conflict(breaches[0].message, field="quota")


def _refresh_locked_months(post: Post, since: dt.date) -> None:
    """A full-time post begun or ended on a date inside months a township has already locked
    changes those months' stored results, which the pay run reads (R-ATT-01, A4, WF-8)."""
    if post.full_time:
        hooks.post_changed(
            person_id=post.person_id, village_code=post.village_id, start=since, end=timezone.localdate()
        )


@transaction.atomic
def cadre_create(*, actor: Any, data: PersonIn) -> Person:
    """Open a cadre's file with their posts (一人一档, R-ORG-09; API A7 POST /cadres)."""
    require(actor, account_rules.CADRES_WRITE)
    facts, errors = validate_person(data)
    if errors or facts is None:
        raise InvalidInput(errors=errors)
    village = _village(actor, data.village)
    hashed = id_hash(facts.number)
    if Person.objects.filter(id_hash=hashed).exists():
        raise Conflict(_("该身份证号已有档案"), field="id_number")
    mask = policy_resolve(village.code)
    phone = (data.phone or "").strip()
    try:
        with transaction.atomic():
            person = Person.objects.create(
                village=village,
                name=data.name.strip(),
                name_search=normalize_name(data.name),
                id_enc=crypto.encrypt(facts.number, context=ID_CONTEXT),
                id_hash=hashed,
                id_tail_hash=id_tail_hash(facts.number),
                id_masked=idnumber.mask_id(facts.number, mask["id_mask_keep_first"], mask["id_mask_keep_last"]),
                gender=Gender(facts.gender),
                birth_date=facts.birth_date,
                ethnicity=data.ethnicity or "汉族",
                phone_enc=crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else "",
                phone_masked=idnumber.mask_phone(phone) if phone else "",
                political_status=data.political_status,
                party_join_date=data.party_join_date,
                education=data.education,
                full_time_education=data.full_time_education,
                origin=data.origin,
            )
    except IntegrityError as exc:
        raise Conflict(_("该身份证号已有档案"), field="id_number") from exc
    for i, p in enumerate(data.posts):
        _create_post(actor, person, p, i)
    audit_record(
        actor=actor,
        action="cadres.person.create",
        obj=person,
        region_code=village.code,
        changes={
            "name": [None, person.name],
            "id_number": [None, person.id_masked],
            "posts": [None, [p.post for p in data.posts]],
        },
    )
    return person


@transaction.atomic
def cadre_update(*, actor: Any, cadre_id: int, changes: dict[str, Any], phone: str | None = None) -> Person:
    """Edit a cadre's personal fields (not the ID number); history keeps old → new."""
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise InvalidInput(errors={k: _("该字段不能在此修改") for k in unknown})
    old = {f: getattr(person, f) for f in PERSON_FIELDS}
    new = old | changes
    draft = PersonIn(
        name=new["name"],
        id_number="",
        village=person.village_id,
        education=new["education"],
        political_status=new["political_status"],
        party_join_date=new["party_join_date"],
        origin=new["origin"],
        phone=phone or "",
    )
    _facts, errors = validate_person(draft)
    errors.pop("id_number", None)
    if new["party_join_date"] and new["party_join_date"] < person.birth_date:
        errors["party_join_date"] = [_("入党时间早于出生日期")]
    if errors:
        raise InvalidInput(errors=errors)
    for f, v in changes.items():
        setattr(person, f, v)
    person.name_search = normalize_name(person.name)
    detail = diff(old, new)
    if phone is not None:
        phone = phone.strip()
        masked = idnumber.mask_phone(phone) if phone else ""
        if masked != person.phone_masked or phone:
            person.phone_enc = crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else ""
            if masked != person.phone_masked:
                detail["phone"] = [person.phone_masked, masked]
            person.phone_masked = masked
    person.save()
    audit_record(actor=actor, action="cadres.person.update", obj=person, region_code=person.village_id, changes=detail)
    return person


@transaction.atomic
def post_appoint(*, actor: Any, cadre_id: int, data: PostIn) -> Post:
    """Appoint a candidate to a post at the end of their selection (WF-1): the post is created
    (quotas checked, R-POS-01/03/04) and filed with the county whatever the post. A secretary
    who already holds the post and is now professionalised continues in a new post line from
    `start_date` (the old one ends the day before; history kept)."""
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    errors = validate_post(data)
    if errors:
        raise InvalidInput(errors=errors)
    same = Post.objects.select_for_update().filter(person=person, post=data.post, end_date__isnull=True).first()
    if same is not None:
        if same.start_date >= data.start_date:
            raise Conflict(_("本人已在任此职务"), field="post")
        same.end_date, same.end_reason = data.start_date - dt.timedelta(days=1), EndReason.OTHER
        same.save(update_fields=["end_date", "end_reason"])
    post = _create_post(actor, person, data)
    if post.post not in FILED_POSTS:
        Filing.objects.create(
            post=post, county_id=_county_of(post.village), change="appointed", reported_by=actor if actor.pk else None
        )
    audit_record(
        actor=actor,
        action="cadres.post.appoint",
        obj=post,
        region_code=person.village_id,
        changes={"post": [None, post.post], "start_date": [None, post.start_date], "source": [None, post.source]},
    )
    return post


@transaction.atomic
def post_set_professional(
    *, actor: Any, post_id: int, professionalized: bool, tier: int | None, since: dt.date
) -> Post:
    """Change a current post's professional status from `since` (the yearly list, S2 第十三条):
    a post begun on or after `since` changes in place; an older one ends the day before and
    continues as a new post line with the new status (history kept). Quotas R-POS-03/04 checked."""
    post = Post.objects.select_for_update().select_related("village").filter(pk=post_id).first()
    if post is None or post.end_date is not None:
        raise InvalidInput(errors={"post": _("未找到在任的该任职")})
    access_cadre(actor=actor, cadre_id=post.person_id, for_write=True)
    tier = tier if professionalized else None
    if (post.professionalized, post.tier) == (professionalized, tier):
        return post
    old = (post.professionalized, post.tier)
    if post.start_date >= since:
        post.professionalized, post.tier = professionalized, tier
        post.save(update_fields=["professionalized", "tier"])
        current = post
    else:
        post.end_date, post.end_reason = since - dt.timedelta(days=1), EndReason.OTHER
        post.save(update_fields=["end_date", "end_reason"])
        current = Post.objects.create(
            person_id=post.person_id, village=post.village, post=post.post, organisation=post.organisation,
            term_year=post.term_year, start_date=since, full_time=post.full_time, professionalized=professionalized,
            tier=tier, source=post.source, created_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
    check_quotas(current)
    audit_record(
        actor=actor,
        action="cadres.post.professional",
        obj=current,
        region_code=current.village_id,
        changes={"professionalized": [old[0], professionalized], "tier": [old[1], tier], "since": since},
    )
    return current


@transaction.atomic
def post_add(*, actor: Any, cadre_id: int, data: PostIn) -> Post:
    person = access_cadre(actor=actor, cadre_id=cadre_id, for_write=True)
    errors = validate_post(data)
    if errors:
        raise InvalidInput(errors=errors)
    post = _create_post(actor, person, data)
    audit_record(
        actor=actor,
        action="cadres.post.add",
        obj=post,
        region_code=person.village_id,
        changes={"post": [None, post.post], "start_date": [None, post.start_date]},
    )
    return post


EXIT_WORKFLOW_MESSAGE = _(
    "专职干部离任须走离任程序(离任经济责任审计、县级审核、乡镇任免、县级备案,WF-2),"
    "请在“离任管理”中办理 (POST /api/v1/exits)"
)


@transaction.atomic
def post_end(*, actor: Any, post_id: int, end_date: dt.date, end_reason: str) -> Post:
    """End a part-time post directly. A full-time post ends only through the exit workflow (WF-2)."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise InvalidInput(errors={"post": _("未找到该任职")})
    access_cadre(actor=actor, cadre_id=post.person_id, for_write=True)
    if post.full_time and post.end_date is None:
        raise Conflict(str(EXIT_WORKFLOW_MESSAGE), field="exit")
    return _end(actor, post, end_date, end_reason)


@transaction.atomic
def post_end_for_exit(*, actor: Any, post_id: int, end_date: dt.date, end_reason: str) -> Post:
    """The last step of an exit (WF-2): the post ends and the change goes to the county for filing
    whatever the post (the filing desk shows every exit). Called by the exit workflow alone."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise InvalidInput(errors={"post": _("未找到该任职")})
    post = _end(actor, post, end_date, end_reason)
    if post.post not in FILED_POSTS:
        Filing.objects.create(
            post=post, county_id=_county_of(post.village), change="ended", reported_by=actor if actor.pk else None
        )
    return post


def _end(actor: Any, post: Post, end_date: dt.date, end_reason: str) -> Post:
    errors: dict[str, str] = {}
    if post.end_date is not None:
        errors["end_date"] = _("该任职已结束")
    elif end_date < post.start_date:
        errors["end_date"] = _("离任日期不能早于任职日期")
    if end_reason not in EndReason.values:
        errors["end_reason"] = _("请选择离任原因")
    if errors:
        raise InvalidInput(errors=errors)
    post.end_date, post.end_reason = end_date, end_reason
    post.save(update_fields=["end_date", "end_reason"])
    _report(actor, post, "ended")
    _refresh_locked_months(post, end_date)
    audit_record(
        actor=actor,
        action="cadres.post.end",
        obj=post,
        region_code=post.village_id,
        changes={"end_date": [None, end_date], "end_reason": [None, end_reason]},
    )
    return post


def cadre_reveal_id(*, actor: Any, cadre_id: int, password: str, reason: str, request: Any = None) -> str:
    """Show one full ID number (R-DATA-04): the right role, the password again and a reason.

    Every attempt is an audit event — a reveal, a refusal, and one for a file outside the actor's
    scope (which is refused as not found). The password goes through the login lockout
    (django-axes, accounts.services.password_confirm): after 5 wrong ones even the right one is
    refused, so the reveal is no password oracle."""
    reason = (reason or "").strip()
    person = cadres_in_scope(actor=actor).filter(pk=cadre_id).select_related("village").first()
    refusal: DomainError | None = None
    if person is None:
        refusal = NotFound(_("未找到该干部档案,或不在您的管辖范围内"))
    elif not account_rules.has_capability(actor.role, account_rules.ID_REVEAL, is_superuser=actor.is_superuser):
        refusal = Forbidden(_("您的角色无权查看完整身份证号"))
    else:
        try:
            password_confirm(request=request, user=actor, password=password)
        except DomainError as exc:
            refusal = exc
    if refusal is None and len(reason) < 4:
        refusal = InvalidInput(errors={"reason": _("请填写查看事由(至少 4 个字)")})
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="cadres.id.reveal",
            object_type="cadres.person",
            object_id=str(cadre_id),
            region_code=person.village_id if person is not None else "",
            reason=reason[:500],
            result=Result.DENIED if refusal else Result.OK,
            changes={"refused": type(refusal).__name__} if refusal else None,
        )
    if refusal is not None:
        raise refusal
    assert person is not None
    return crypto.decrypt(person.id_enc, context=ID_CONTEXT)


def _filing(actor: Any, filing_id: int) -> Filing:
    filing = scope_filter(Filing.objects.all(), actor, "county__code").filter(pk=filing_id).first()
    if filing is None:
        raise NotFound(_("未找到该备案"))
    return filing


@transaction.atomic
def filing_file(*, actor: Any, filing_id: int) -> Filing:
    """The county organization department files a reported change (备案, R-ORG-09;
    flows.FILING_FLOW.file); filing a filed one changes nothing."""
    from .flows import FILING_FLOW

    require(actor, account_rules.POLICY_WRITE)  # county-level and higher admins
    filing = _filing(actor, filing_id)
    if filing.status == Filing.Status.FILED:
        return filing
    done: Filing = transition(
        FILING_FLOW,
        actor=actor,
        obj=filing,
        name="file",
        set_fields={"filed_at": timezone.now(), "filed_by": actor},
        region_code=filing.county_id,
    )
    return done


@transaction.atomic
def filings_file(*, actor: Any, filing_ids: list[int]) -> int:
    """Batch 备案 (R-ORG-09): every chosen filing is filed, or none (one of them refused or
    outside the actor's county → the error, nothing written). Returns how many were filed."""
    require(actor, account_rules.POLICY_WRITE)
    if not filing_ids:
        raise InvalidInput(errors={"filings": _("请勾选要备案的变动")})
    done = 0
    for filing_id in sorted(set(filing_ids)):
        if _filing(actor, filing_id).status != Filing.Status.FILED:
            filing_file(actor=actor, filing_id=filing_id)
            done += 1
    return done


@transaction.atomic
def filing_return(*, actor: Any, filing_id: int, reason: str) -> Filing:
    """Return a reported change to the township with a reason (R-ORG-09; FILING_FLOW.return):
    the reason is kept on the filing and in the audit event."""
    from .flows import FILING_FLOW

    require(actor, account_rules.POLICY_WRITE)
    filing = _filing(actor, filing_id)
    done: Filing = transition(
        FILING_FLOW,
        actor=actor,
        obj=filing,
        name="return",
        reason=reason.strip()[:300],
        set_fields={"return_reason": reason.strip()[:300]},
        region_code=filing.county_id,
    )
    return done
