"""The township's quarterly board (R-ASMT-01, S0 季评价): every full-time cadre, the quarter's
attendance beside the score; drafts saved in bulk, finalized with confirmation, final ones
corrected with a reason. Each button posts to its own address; each batch is one transaction
(`services.quarterly_board_save`): a score that cannot be saved leaves every score unsaved."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.requests import AuthedRequest
from touyan.accounts.scope import require
from touyan.core.errors import NotFound
from touyan.core.views import web_errors

from .. import selectors, services
from ..forms import CorrectionForm, QuarterlyScoresForm
from ..selectors import QuarterlyBoard, QuarterRow
from .common import (
    FORM_ERRORS,
    UNITS,
    action_view,
    apply_errors,
    back,
    check_year,
    dispatch,
    head,
    listed,
    page_region,
    positive_int,
    posted_cadre,
)


def _board(request: AuthedRequest, code: str, year: int, quarter: int) -> QuarterlyBoard:
    require(request.user, account_rules.ASSESS)
    township = page_region(request.user, code, *UNITS)
    check_year(year)
    if quarter not in (1, 2, 3, 4):
        raise NotFound(_("季度为 1–4"))
    today = timezone.localdate()
    return selectors.quarterly_board(actor=request.user, township=township, year=year, quarter=quarter, today=today)


def _url(board: QuarterlyBoard, name: str = "quarterly") -> str:
    return reverse(f"assessment:{name}", args=(board.township.code, board.year, board.quarter))


def _scores(board: QuarterlyBoard, data: Any = None) -> QuarterlyScoresForm:
    return QuarterlyScoresForm(data, person_ids=board.editable, initial_scores=board.drafts)


@dataclass(frozen=True)
class Line:
    """A board row with its score box and whether its correction form is open."""

    row: QuarterRow
    field: BoundField | None
    open_correction: bool


def _render(
    request: AuthedRequest,
    board: QuarterlyBoard,
    *,
    scores: QuarterlyScoresForm | None = None,
    correction: CorrectionForm | None = None,
    correcting: int | None = None,
) -> HttpResponse:
    scores = scores or _scores(board)
    lines = [
        Line(r, scores[f"score-{r.m.person_id}"] if r.editable else None, correcting == r.m.person_id)
        for r in board.rows
    ]
    return render(
        request,
        "assessment/quarterly.html",
        {
            "board": board,
            "township": board.township,
            "year": board.year,
            "quarter": board.quarter,
            "lines": lines,
            "scores": scores,
            "correction": correction or CorrectionForm(),
            "quarters": list(selectors.QUARTER_LABEL.items()),
            "urls": {n: _url(board, n) for n in ("quarterly_save", "quarterly_finalize", "quarterly_finalize_all")},
            "correct_url": _url(board, "quarterly_correct"),
            "breadcrumbs": head(board.township, _("季度评价")),
        },
    )


@login_required
@web_errors
def quarterly(request: AuthedRequest, code: str, year: int, quarter: int) -> HttpResponse:
    """R-ASMT-01: the board; a form posted here with `action=` (or a row's `finalize=`) is that action."""
    board = _board(request, code, year, quarter)
    if request.method == "POST":
        action = "finalize" if request.POST.get("finalize") else None
        return dispatch(request, ACTIONS, _url(board), board, action)
    return _render(request, board)


def _submit(
    request: AuthedRequest, board: QuarterlyBoard, finalize: Collection[int], single: selectors.Member | None = None
) -> HttpResponse:
    """Save the typed scores and finalize `finalize`'s drafts, all or nothing."""
    scores = _scores(board, request.POST)
    if scores.is_valid():
        try:
            result = services.quarterly_board_save(
                actor=request.user,
                year=board.year,
                quarter=board.quarter,
                scores=scores.changed_scores(board.drafts),
                finalize=finalize,
            )
        except FORM_ERRORS as exc:
            apply_errors(scores, exc)
        else:
            if single is not None and result.unscored:
                messages.error(request, _("%(n)s 还没有分数,请先填写并保存") % {"n": single.name})
            if result.saved:
                messages.success(request, _("已保存 %(n)s 人的分数(草稿)") % {"n": result.saved})
            if result.finalized:
                messages.success(request, _("已定稿 %(n)s 人") % {"n": result.finalized})
            if not finalize and not result.saved:
                messages.info(request, _("没有修改的分数"))
            return back(request, _url(board))
    messages.error(request, _("分数均未保存,请检查标红的输入框"))
    return _render(request, board, scores=scores)


def _save(request: AuthedRequest, board: QuarterlyBoard) -> HttpResponse:
    return _submit(request, board, finalize=())


def _finalize(request: AuthedRequest, board: QuarterlyBoard) -> HttpResponse:
    """A row's 定稿 (its button carries the cadre): the typed scores are saved too."""
    raw = request.POST.get("finalize") or request.POST.get("cadre") or ""
    member = listed(board.people, positive_int(raw))
    return _submit(request, board, finalize=[member.person_id], single=member)


def _finalize_all(request: AuthedRequest, board: QuarterlyBoard) -> HttpResponse:
    """保存并全部定稿: the typed scores are saved and every draft on the board finalized."""
    return _submit(request, board, finalize=[m.person_id for m in board.people])


def _correct(request: AuthedRequest, board: QuarterlyBoard) -> HttpResponse:
    """更正 a final evaluation: a new draft version with a reason; the final one is kept."""
    correction = CorrectionForm(request.POST)
    if not correction.is_valid():
        return _render(request, board, correction=correction, correcting=posted_cadre(request))
    member = listed(board.people, correction.cleaned_data["cadre"])
    row = next(r for r in board.rows if r.m == member)
    if row.s.current is None or not row.s.is_final:
        correction.add_error("score", _("该季度评价尚未定稿,可直接在分数栏修改"))
    else:
        try:
            d = correction.cleaned_data
            services.quarterly_correct(
                actor=request.user, evaluation_id=row.s.current.pk, score=d["score"], reason=d["reason"]
            )
        except FORM_ERRORS as exc:
            apply_errors(correction, exc, {"version": "score", "status": "score"})
        else:
            messages.success(request, _("已提交更正(新版本为草稿,核对后请再定稿)"))
            return back(request, _url(board))
    return _render(request, board, correction=correction, correcting=member.person_id)


ACTIONS = {"save": _save, "finalize": _finalize, "finalize_all": _finalize_all, "correct": _correct}


quarterly_save = action_view("quarterly_save", _save, _board)
quarterly_finalize = action_view("quarterly_finalize", _finalize, _board)
quarterly_finalize_all = action_view("quarterly_finalize_all", _finalize_all, _board)
quarterly_correct = action_view("quarterly_correct", _correct, _board)
