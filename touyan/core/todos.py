"""What waits for a user (待办): a small registry the workbench reads.

Each app registers a provider in its `AppConfig.ready`:

    from touyan.core import todos
    todos.register(my_todos)          # my_todos(user) or my_todos(user, ctx) -> list[Todo]

A provider returns only what this user can act on, each with a count, a link and (when there is
one) a due date; it returns [] for a role it does not concern. `ctx` carries the region the user is
looking at and today's date. A lower app never imports a higher one: the registry lives here in core.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Todo:
    label: str  # Chinese, as the user reads it: "待审批的请假"
    count: int
    url: str
    due: dt.date | None = None
    icon: str = "list-check"
    note: str = ""  # a second line: "3 个村(社区)共 12 天"
    urgent: bool = False  # shown red rather than amber when the count is not zero
    group: str = ""  # the module it belongs to ("日常管理", "报酬待遇" …)


@dataclass(frozen=True)
class TodoContext:
    region: Any  # the region the user is looking at (Region or None)
    today: dt.date
    extra: dict[str, Any] = field(default_factory=dict)


Provider = Callable[..., list[Todo]]
_PROVIDERS: dict[str, tuple[Provider, bool]] = {}


def register(fn: Provider, *, key: str | None = None) -> Provider:
    """Add a provider (once per key: the module-qualified name unless given). Usable as a decorator."""
    name = key or f"{fn.__module__}.{fn.__qualname__}"
    params = [
        p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    _PROVIDERS[name] = (fn, len(params) >= 2)
    return fn


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers() -> list[str]:
    return list(_PROVIDERS)


def for_user(user: Any, ctx: TodoContext) -> list[Todo]:
    """Every provider's to-dos for the user: the ones with something waiting first, then by due date."""
    found: list[Todo] = []
    for fn, wants_ctx in _PROVIDERS.values():
        found.extend(fn(user, ctx) if wants_ctx else fn(user))
    return sorted(found, key=lambda t: (t.count == 0, t.due or dt.date.max, t.group))
