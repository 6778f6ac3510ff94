"""Assessment pages (考核评价): periods (WF-5), the township's quarterly board (R-ASMT-01), the annual
assessment with ballot tallies (R-ASMT-02…05), competency ballots (R-ASMT-07, WF-7), pledges and
targets (R-ASMT-06/08, WF-6), the cadre's own page, pioneer points (R-PTY-01/02), stars (R-PTY-03)
and the county's grade distribution (R-ASMT-03).

Thin: page data are selectors (plain dataclasses), writes are services, one view per POST
address (a form posted to the page itself with `action=` is dispatched to the same view, so the
older addresses keep working). Every page is scoped through `access_region` (404 outside the
scope) and the services' own checks. Rankings appear only on officers' pages (SPEC A4): never on
the cadre's page, never by attendance or points.
"""

from .annual import annual, annual_compute, annual_finalize, consequence_done
from .competency import competency, competency_record
from .distribution import distribution
from .entry import entry
from .me import me, me_midyear, me_pledge_save, me_pledge_submit, me_target_save, me_yearend
from .periods import period_advance, period_exempt, period_open, periods
from .pledges import (
    pledge_publicise,
    pledge_return,
    pledge_review,
    pledge_withdraw,
    pledges,
    target_advance,
    target_assess,
)
from .points import pioneer, pioneer_record, star_rate, stars
from .quarterly import quarterly, quarterly_correct, quarterly_finalize, quarterly_finalize_all, quarterly_save

__all__ = [
    "annual",
    "annual_compute",
    "annual_finalize",
    "competency",
    "competency_record",
    "consequence_done",
    "distribution",
    "entry",
    "me",
    "me_midyear",
    "me_pledge_save",
    "me_pledge_submit",
    "me_target_save",
    "me_yearend",
    "period_advance",
    "period_exempt",
    "period_open",
    "periods",
    "pioneer",
    "pioneer_record",
    "pledge_publicise",
    "pledge_return",
    "pledge_review",
    "pledge_withdraw",
    "pledges",
    "quarterly",
    "quarterly_correct",
    "quarterly_finalize",
    "quarterly_finalize_all",
    "quarterly_save",
    "star_rate",
    "stars",
    "target_advance",
    "target_assess",
]
