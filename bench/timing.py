"""Server time of every request, for the load test only (bench/load_settings.py puts it first in
MIDDLEWARE): the wall time from the first middleware to the response, written per gunicorn worker to
`$TOUYAN_TIMING_DIR/timing-<pid>.tsv` as `METHOD route<TAB>status<TAB>ms`. Never used outside the bench."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

from django.http import HttpRequest, HttpResponse

_files: dict[int, TextIO] = {}


def _out() -> TextIO:
    pid = os.getpid()
    if pid not in _files:
        folder = os.environ.get("TOUYAN_TIMING_DIR", "/tmp")
        _files[pid] = open(os.path.join(folder, f"timing-{pid}.tsv"), "a", buffering=1, encoding="utf-8")  # noqa: SIM115
    return _files[pid]


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        ms = (time.perf_counter() - started) * 1000
        match = request.resolver_match
        route = match.route if match is not None else request.path_info
        _out().write(f"{request.method} /{route}\t{response.status_code}\t{ms:.2f}\n")
        return response
