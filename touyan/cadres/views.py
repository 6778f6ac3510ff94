"""Cadre pages: the roster (花名册), a file, editing, posts, ID reveal, filing.

Thin: every read goes through selectors, every write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import scope_filter
from touyan.core.errors import Conflict, DomainError, InvalidInput, TooManyAttempts
from touyan.core.urlparams import query_int
from touyan.core.views import crumbs, web_errors
from touyan.regions import rules as region_rules
from touyan.regions.selectors import region_filter, region_options

from . import rules
from .forms import EndPostForm, NewPersonForm, PersonForm, PostForm, RevealForm, RosterFilterForm
from .history import timeline
from .models import Filing, Post, PostCode
from .selectors import RosterFilters, access_cadre, roster
from .services import (
    PersonIn,
    PostIn,
    cadre_create,
    cadre_reveal_id,
    cadre_update,
    filing_file,
    filing_return,
    filings_file,
    post_add,
    post_end,
)


def _can(request: AuthedRequest, capability: str) -> bool:
    return account_rules.has_capability(request.user.role, capability, is_superuser=request.user.is_superuser)


def _filters(form: RosterFilterForm) -> RosterFilters:
    data = form.cleaned_data if form.is_valid() else {}

    def yes_no(key: str) -> bool | None:
        return {"true": True, "false": False}.get(data.get(key) or "")

    age_min = age_max = None
    if data.get("age"):
        low, high = data["age"].split("-")
        age_min, age_max = int(low), int(high)
    region = data.get("region") or None
    return RosterFilters(
        region=region_rules.prefix_of(region) if region else None,
        post=data.get("post") or None, full_time=yes_no("full_time"), professionalized=yes_no("professionalized"),
        one_shoulder=yes_no("one_shoulder"), age_min=age_min, age_max=age_max,
        education=data.get("education") or None, origin=data.get("origin") or None,
        political_status=data.get("political_status") or None, gender=data.get("gender") or None,
        q=data.get("q") or None, in_office=yes_no("in_office") if "in_office" in form.data else True,
        sort=data.get("sort") or "village",
    )  # fmt: skip


@login_required
@web_errors
def roster_page(request: AuthedRequest) -> HttpResponse:
    form = RosterFilterForm(request.GET or None)
    form.fields["region"].choices = region_options(request.user)  # type: ignore[attr-defined]
    chosen = region_filter(actor=request.user, code=request.GET.get("region"))  # outside the scope: 404
    if chosen is not None:
        # A large scope lists only the upper levels; any region inside the scope is still a valid filter.
        form.fields["region"].choices = [  # type: ignore[attr-defined]
            *form.fields["region"].choices,  # type: ignore[attr-defined]
            (request.GET["region"], chosen.name),
        ]
    filters = _filters(form)
    qs = roster(actor=request.user, filters=filters).with_estimated_count()
    size = query_int(request.GET.get("page_size"), default=20, lo=1, hi=200) or 20
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for person in page:
        codes = [p.post for p in person.current_posts]  # type: ignore[attr-defined]
        rows.append(
            {
                "p": person,
                "age": rules.age_on(person.birth_date, today),
                "posts": [PostCode(c).label for c in codes],
                "one_shoulder": rules.one_shoulder(codes),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cadres/roster.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "can_write": _can(request, account_rules.CADRES_WRITE), "excel_enabled": True,
        "breadcrumbs": crumbs((_("干部档案"), None), (_("花名册"), None)),
    })  # fmt: skip


@login_required
@web_errors
def detail(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    return _detail(request, person, reveal_form=RevealForm(), post_form=PostForm(), end_form=EndPostForm())


def _detail(request: AuthedRequest, person: Any, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    posts = list(person.posts.order_by("-start_date", "-id"))
    spans = [rules.Span(p.post, p.start_date, p.end_date) for p in posts]
    current = [p for p in posts if rules.is_current(rules.Span(p.post, p.start_date, p.end_date), today)]
    rows = [
        {
            "p": p,
            "current": p in current,
            "terms": rules.consecutive_terms(spans, rules.Span(p.post, p.start_date, p.end_date))
            if p in current and p.post in rules.HEAD_POSTS
            else 0,
        }
        for p in posts
    ]
    return render(request, "cadres/detail.html", {
        "person": person, "rows": rows,
        "age": rules.age_on(person.birth_date, today), "one_shoulder": rules.one_shoulder(p.post for p in current),
        "timeline": timeline(person), "can_write": _can(request, account_rules.CADRES_WRITE),
        "can_reveal": _can(request, account_rules.ID_REVEAL),
        "breadcrumbs": crumbs((_("干部档案"), None), (_("花名册"), "/cadres/"), (person.name, None)),
        **forms,
    })  # fmt: skip


def _apply_errors(form: Any, exc: DomainError) -> None:
    for field, msgs in exc.field_errors().items():
        name = field.split(".")[-1] if field.startswith("posts.") else field
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


@login_required
@web_errors
def edit(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    person = access_cadre(actor=request.user, cadre_id=cadre_id, for_write=True)
    initial = {
        f: getattr(person, f)
        for f in (
            "name",
            "ethnicity",
            "political_status",
            "party_join_date",
            "education",
            "full_time_education",
            "origin",
        )
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phone = data.pop("phone") or None
        changes = {k: v for k, v in data.items() if v != initial[k]}
        try:
            cadre_update(actor=request.user, cadre_id=person.pk, changes=changes, phone=phone)
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("cadres:detail", cadre_id=person.pk)
    return render(request, "cadres/edit.html", {
        "form": form, "person": person,
        "breadcrumbs": crumbs((_("干部档案"), None), (_("花名册"), "/cadres/"), (person.name, f"/cadres/{person.pk}/"),
                              (_("编辑"), None)),
    })  # fmt: skip


@login_required
@web_errors
def create(request: AuthedRequest) -> HttpResponse:
    from touyan.accounts.scope import require

    require(request.user, account_rules.CADRES_WRITE)
    form = NewPersonForm(request.POST or None)
    post_form = PostForm(request.POST or None, prefix="post")
    form.fields["village"].choices = [("", _("请选择")), *region_options(request.user, villages_only=True)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid() and post_form.is_valid():
        d, p = form.cleaned_data, post_form.cleaned_data
        data = PersonIn(
            name=d["name"], id_number=d["id_number"], village=d["village"], education=d["education"],
            political_status=d["political_status"], full_time_education=d["full_time_education"],
            phone=d["phone"] or "", ethnicity=d["ethnicity"], party_join_date=d["party_join_date"],
            origin=d["origin"], posts=[PostIn(**p)],
        )  # fmt: skip
        try:
            person = cadre_create(actor=request.user, data=data)
        except (InvalidInput, Conflict) as exc:
            _apply_errors(form, exc)
            for field, msgs in exc.field_errors().items():
                if field.startswith("posts."):
                    for msg in msgs:
                        post_form.add_error(
                            field.split(".")[-1] if field.split(".")[-1] in post_form.fields else None, msg
                        )
        else:
            messages.success(request, _("已建立 %(name)s 的档案") % {"name": person.name})
            return redirect("cadres:detail", cadre_id=person.pk)
    return render(request, "cadres/create.html", {
        "form": form, "post_form": post_form,
        "breadcrumbs": crumbs((_("干部档案"), None), (_("新建档案"), None)),
    })  # fmt: skip


@login_required
@require_POST
@web_errors
def add_post(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    person = access_cadre(actor=request.user, cadre_id=cadre_id, for_write=True)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post_add(actor=request.user, cadre_id=person.pk, data=PostIn(**form.cleaned_data))
        except (InvalidInput, Conflict) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已增加任职"))
            return redirect("cadres:detail", cadre_id=person.pk)
    messages.error(request, _("任职未保存,请检查标红的字段"))
    return _detail(request, person, reveal_form=RevealForm(), post_form=form, end_form=EndPostForm())


@login_required
@require_POST
@web_errors
def end_post(request: AuthedRequest, cadre_id: int, post_id: int) -> HttpResponse:
    person = access_cadre(actor=request.user, cadre_id=cadre_id, for_write=True)
    post = Post.objects.filter(pk=post_id, person=person).first()
    form = EndPostForm(request.POST)
    if post is not None and form.is_valid():
        try:
            post_end(actor=request.user, post_id=post.pk, **form.cleaned_data)
        except InvalidInput as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("已办理离任"))
            return redirect("cadres:detail", cadre_id=person.pk)
    messages.error(request, _("离任未办理,请检查日期和原因"))
    return _detail(request, person, reveal_form=RevealForm(), post_form=PostForm(), end_form=form)


@login_required
@require_POST
@web_errors
def reveal(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    form = RevealForm(request.POST)
    revealed = None
    # Every attempt goes to the service, which audits it (outside the scope: audited, then 404).
    data = form.cleaned_data if form.is_valid() else {f: request.POST.get(f, "") for f in ("password", "reason")}
    try:
        revealed = cadre_reveal_id(
            actor=request.user, cadre_id=cadre_id, request=request, password=data["password"], reason=data["reason"]
        )
    except (InvalidInput, TooManyAttempts) as exc:
        _apply_errors(form, exc)
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    response = _detail(
        request,
        person,
        reveal_form=form if revealed is None else RevealForm(),
        post_form=PostForm(),
        end_form=EndPostForm(),
        revealed=revealed,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@web_errors
def filings(request: AuthedRequest) -> HttpResponse:
    """The county filing desk (凡动必报, R-ORG-09): the reported changes with their township, a
    batch 备案 of the ticked ones, and a return to the township with a reason."""
    from touyan.accounts.scope import require

    require(request.user, account_rules.POLICY_WRITE)
    if request.method == "POST":
        action = request.POST.get("action", "file")
        try:
            if action == "return":
                filing_return(
                    actor=request.user,
                    filing_id=_int(request.POST.get("filing")),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("已退回乡镇"))
            elif request.POST.getlist("filings") or "filing" not in request.POST:
                ids = [_int(v) for v in request.POST.getlist("filings")]
                n = filings_file(actor=request.user, filing_ids=ids)
                messages.success(request, _("已备案 %(n)s 项") % {"n": n})
            else:
                filing_file(actor=request.user, filing_id=_int(request.POST.get("filing")))
                messages.success(request, _("已备案"))
        except (InvalidInput, Conflict) as exc:
            messages.error(request, " ".join(m for msgs in exc.field_errors().values() for m in msgs) or exc.text())
        return redirect(f"{reverse('cadres:filings')}?status={request.POST.get('status', '')}")
    status = request.GET.get("status", "")
    qs = scope_filter(
        Filing.objects.select_related("post", "post__person", "post__village", "post__village__parent"),
        request.user,
        "county__code",
    ).order_by("status", "-reported_at")
    if status in Filing.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "cadres/filings.html", {
        "page": page, "status": status, "statuses": Filing.Status.choices,
        "breadcrumbs": crumbs((_("干部档案"), None), (_("备案管理"), None)),
    })  # fmt: skip


def _int(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else 0
