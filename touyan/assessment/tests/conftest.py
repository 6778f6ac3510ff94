"""The next step may follow in the same minute here: no appeal window, no pay notice period
(the tests of those periods set them on a region)."""

from __future__ import annotations

import pytest

from conftest import use_no_waiting_periods


@pytest.fixture(autouse=True)
def _no_waiting(request: pytest.FixtureRequest) -> None:
    use_no_waiting_periods(request)
