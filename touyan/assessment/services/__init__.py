"""Writes to assessment: periods, quarterly scores, annual assessments, competency ballots and
their consequences, pledges, targets, pioneer points, stars (R-ASMT-01…09, R-PTY-01…03,
WF-5…7). Every write is audited; every state change goes through `flows.py`."""

from .annual import annual_compute, annual_finalize, consequence_done
from .competency import competency_record
from .periods import period_advance, period_exempt, period_open, period_step
from .pledges import (
    pledge_advance,
    pledge_publicise,
    pledge_report,
    pledge_return,
    pledge_review,
    pledge_save,
    pledge_submit,
    pledge_withdraw,
    target_plan_advance,
    target_plan_save,
    target_plan_step,
)
from .points import pioneer_record, star_rate
from .quarterly import BoardResult, quarterly_board_save, quarterly_correct, quarterly_finalize, quarterly_score

__all__ = [
    "BoardResult",
    "annual_compute",
    "annual_finalize",
    "competency_record",
    "consequence_done",
    "period_advance",
    "period_exempt",
    "period_open",
    "period_step",
    "pioneer_record",
    "pledge_advance",
    "pledge_publicise",
    "pledge_report",
    "pledge_return",
    "pledge_review",
    "pledge_save",
    "pledge_submit",
    "pledge_withdraw",
    "quarterly_board_save",
    "quarterly_correct",
    "quarterly_finalize",
    "quarterly_score",
    "star_rate",
    "target_plan_advance",
    "target_plan_save",
    "target_plan_step",
]
