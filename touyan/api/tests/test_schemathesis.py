"""schemathesis over /api/v1 (issue 21, item 3): generated requests from the OpenAPI document, a
fixed seed (derandomized), at least 1,000 cases in all, no server error and every answer JSON.

Each operation gets `EXAMPLES` cases (about 60 operations × 20 ≥ 1,000), sent in-process through
the WSGI application with a national administrator's bearer token, so that the handlers and not
only the access table are reached. It is part of the suite (`make test`, `.ci/run`); the marker
`schemathesis` selects it alone: `.venv/bin/pytest -q -m schemathesis`.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from config.wsgi import application  # noqa: E402
from touyan.api.api import api  # noqa: E402

EXAMPLES = 20

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application

_counted: dict[str, int] = {}
_server_errors: list[str] = []
_operations: set[str] = set()


@pytest.fixture
def in_process() -> Any:
    """As Django's test client does: a request's end must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_process: Any, personas: dict[str, Any], make_cadre: Any) -> str:
    from django.test import RequestFactory

    from conftest import PASSWORD
    from touyan.accounts.services import token_issue

    make_cadre()
    raw, _ = token_issue(request=RequestFactory().post("/api/v1/auth/token"), username="national", password=PASSWORD)
    return raw


@pytest.mark.schemathesis
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_a_server_error(case: Any, token: str) -> None:
    """No generated request, however malformed, gets a 5xx; every answer is JSON (issue 21, finding 6)."""
    headers = {"Authorization": f"Bearer {token}"}
    response = case.call(headers=headers)
    key = f"{case.method} {case.path}"
    _counted[key] = _counted.get(key, 0) + 1
    _operations.add(case.operation.label)  # a case may send another method than its operation's
    if response.status_code >= 500:
        _server_errors.append(f"{key} {response.status_code}")
    case.validate_response(response, checks=[not_a_server_error], headers=headers)
    if response.status_code != 204:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/json"), (key, response.status_code, content_type)


@pytest.mark.schemathesis
def test_enough_cases_were_sent(capsys: pytest.CaptureFixture[str]) -> None:
    """The run above sent at least 1,000 cases (skipped when run alone, e.g. with -k), and says
    how many, on the terminal even under pytest's capture."""
    total = sum(_counted.values())
    if not _counted:
        pytest.skip("the schemathesis cases did not run in this session")
    with capsys.disabled():
        print(
            f"\nschemathesis: {total} cases over {len(_operations)} operations ({len(_counted)} method × path), "
            f"seed fixed (derandomize), {len(_server_errors)} server errors"
        )
    assert total >= 1000, f"only {total} cases over {len(_counted)} operations"
    assert not _server_errors, _server_errors[:20]
