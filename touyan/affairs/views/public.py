"""The public pages of a village (云公开, R-OPEN-03): no login, no staff shell, no scripts.

One page per village at /public/villages/<code>/ with what was published (by category and year,
past years kept, searchable), the 两委 by name and post, villagers' objections with the answers and a
form to file one; the micro-power list with each flow drawn (R-DEC-04); a QR code of the page's
address (PNG, made here by segno) and a printable poster. Never an ID or phone number (R-DATA-05).
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from touyan.cadres.models import PostCode
from touyan.cadres.selectors import current_posts
from touyan.core.errors import InvalidInput, NotFound
from touyan.policy.selectors import policy_resolve

from .. import pagecache, rules, selectors, services, throttle
from ..models import Attachment, DisclosureItem

CATEGORIES = [("", _("全部")), *DisclosureItem.Category.choices]
PAGE_SIZE = 20
BOARD_POSTS = ("PS", "PDS", "PCM", "VD", "VDD", "VM", "CLK", "SD", "SM", "CEO", "FS")


def public_url(request: HttpRequest, code: str) -> str:
    """The page's absolute address, as the QR code holds it (TOUYAN_PUBLIC_BASE_URL behind a proxy)."""
    path = reverse("public:village", args=[code])
    base = getattr(settings, "TOUYAN_PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def _village(code: str) -> Any:
    try:
        return selectors.public_village(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _board(village_code: str) -> list[dict[str, str]]:
    """The village's 两委 and supervision committee: names and posts only."""
    labels = dict(PostCode.choices)
    order = {p: i for i, p in enumerate(BOARD_POSTS)}
    held: dict[str, list[str]] = {}
    for name, post in (
        current_posts().filter(village_id=village_code, post__in=BOARD_POSTS).values_list("person__name", "post")
    ):
        held.setdefault(name, []).append(post)
    rows = [
        (min(order[p] for p in posts), name, "、".join(str(labels[p]) for p in sorted(posts, key=lambda p: order[p])))
        for name, posts in held.items()
    ]
    return [{"name": n, "posts": p} for _o, n, p in sorted(rows)]


def _item_view(i: DisclosureItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": rules.redact_personal(i.title),
        "period": i.period,
        "category": i.get_category_display(),
        "published": i.published_at.date().isoformat() if i.published_at else "",
        "paragraphs": [p for p in rules.redact_personal(i.body).split("\n") if p.strip()],
        "table": rules.redact_table(i.table),
        "files": list(i.files.all()),
    }


@require_GET
def village(request: HttpRequest, code: str) -> HttpResponse:
    """A village's public page (GET /public/villages/{code}/)."""
    v = _village(code)
    cacheable = not (request.GET.get("sent") or request.GET.get("err"))
    key = pagecache.page_key(v.code, request.GET.urlencode()[:300])
    if cacheable:
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)
    category = request.GET.get("c", "")
    category = category if category in DisclosureItem.Category.values else ""
    q = (request.GET.get("q") or "").strip()[:50]
    years = list(
        DisclosureItem.objects.filter(village_id=v.code, state=DisclosureItem.State.PUBLISHED)
        .annotate(y=ExtractYear("period_start"))
        .values("y")
        .annotate(n=Count("id"))
        .order_by("-y")
    )
    year_raw = request.GET.get("y", "")
    year = int(year_raw) if year_raw.isdigit() else (years[0]["y"] if years and not q else None)
    items = selectors.public_items(village_code=v.code, category=category, year=year, q=q).prefetch_related("files")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "v": v,
        "township": v.parent,
        "county": v.parent.parent if v.parent else None,
        "items": [_item_view(i) for i in page.object_list],
        "page": page,
        "years": years,
        "year": year,
        "category": category,
        "categories": CATEGORIES,
        "q": q,
        "board": _board(v.code),
        "objections": [
            {"o": o, "text": rules.redact_personal(o.text), "reply": rules.redact_personal(o.reply)}
            for o in selectors.public_objections(v.code, limit=10)
        ],
        "sent": request.GET.get("sent", ""),
        "error": request.GET.get("err", ""),
        "url": public_url(request, v.code),
    }
    response = render(request, "affairs/public/village.html", context)
    if cacheable:
        cache.set(key, response.content, pagecache.TTL)
    return response


@require_GET
def powers(request: HttpRequest, code: str) -> HttpResponse:
    """The county's micro-power list with each power's flow as a chart (R-DEC-04)."""
    v = _village(code)
    entries = []
    for e in policy_resolve(v.code)["micro_power_catalogue"]:
        boxes = rules.flow_layout(e.steps)
        entries.append({"e": e, "boxes": boxes, "height": rules.flow_height(len(e.steps))})
    return render(request, "affairs/public/powers.html", {"v": v, "entries": entries})


@require_GET
def qr(request: HttpRequest, code: str) -> HttpResponse:
    """A QR code (PNG) of the village page's address, made here (no outside service)."""
    v = _village(code)
    scale = request.GET.get("s", "8")
    size = int(scale) if scale.isdigit() and 2 <= int(scale) <= 20 else 8
    url = public_url(request, v.code)
    key = f"touyan:public:qr:{size}:{url}"
    png = cache.get(key)
    if png is None:
        buf = io.BytesIO()
        segno.make(url, error="m").save(buf, kind="png", scale=size, border=4)
        png = buf.getvalue()
        cache.set(key, png, 86400)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """A printable poster with the QR code, for the notice board and household doors."""
    v = _village(code)
    return render(request, "affairs/public/poster.html", {"v": v, "url": public_url(request, v.code)})


@csrf_exempt  # an anonymous form with no session to ride on; rate-limited per client instead
@require_POST
def objection(request: HttpRequest, code: str) -> HttpResponse:
    """The page's objection form (the same service as POST /api/v1/public/villages/{code}/objections)."""
    v = _village(code)
    target = reverse("public:village", args=[v.code])
    ok, _retry = throttle.allow(request)
    if not ok:
        return redirect(f"{target}?err=rate#objection")
    item = request.POST.get("item", "")
    try:
        o = services.objection_file(
            village_code=v.code,
            text=request.POST.get("text", ""),
            item_id=int(item) if item.isdigit() else None,
            contact=request.POST.get("contact", ""),
        )
    except InvalidInput:
        return redirect(f"{target}?err=text#objection")
    return redirect(f"{target}?sent={o.reply_due.isoformat()}#objection")


@require_GET
def attachment(request: HttpRequest, file_id: int) -> FileResponse:
    """An attachment of a published item (and nothing else) for anyone."""
    att = Attachment.objects.filter(pk=file_id, item__state=DisclosureItem.State.PUBLISHED).first()
    if att is None:
        raise Http404(_("未找到该附件"))
    return FileResponse(att.file.open("rb"), as_attachment=False, filename=att.name)
