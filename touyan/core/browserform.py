"""What a browser would post back from a page's form, for round-trip tests of edit pages.

A browser drops a value an input of its type cannot hold: an `<input type="date">` with
"2015/11/04" shows empty and posts "" (the cause of issue 16's erased 入党时间). This parser
applies the same rule, so a test that posts a form back unchanged sees what a user's browser sends.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VALID = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "number": re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
}
_SKIP = {"submit", "button", "reset", "image", "file"}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.dropped: list[list[str]] = []
        self.heads: list[tuple[str, str]] = []  # (method, action) of each form
        self._in_form = False
        self._select: str | None = None
        self._select_values: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.forms[-1].append((name, value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._in_form = True
            self.forms.append([])
            self.dropped.append([])
            self.heads.append((a.get("method", "get").lower(), a.get("action", "")))
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in _SKIP:
                return
            value = a.get("value", "")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, value or "on")
                return
            pattern = _VALID.get(kind)
            if pattern and value and not pattern.match(value):
                self.dropped[-1].append(f"{name}={value!r}")
                value = ""
            self._add(name, value)
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._select_values = name, []
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._text += data

    def _close_option(self) -> None:
        if self._option is not None:
            value, selected = self._option
            self._select_values.append((value if value is not None else self._option_text.strip(), selected))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = [v for v, s in self._select_values if s] or [v for v, _s in self._select_values[:1]]
            for v in chosen[:1]:
                self._add(self._select, v)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


Posted = dict[str, str | list[str]]


def post_forms(html: str) -> list[tuple[Posted, list[str]]]:
    """Every form of the page that posts to the page itself (no action, or action ""), as
    (what a browser posts, the values it dropped). The menu's language and logout forms post elsewhere."""
    parser = _FormParser()
    parser.feed(html)
    out = []
    for (method, action), fields, dropped in zip(parser.heads, parser.forms, parser.dropped, strict=True):
        if method != "post" or action:
            continue
        data: dict[str, str | list[str]] = {}
        for name, value in fields:
            if name in data:
                prev = data[name]
                data[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
            else:
                data[name] = value
        out.append((data, dropped))
    return out


def post_form(html: str, *, having: str = "csrfmiddlewaretoken", index: int = 0) -> tuple[Posted, list[str]]:
    """The `index`-th form posting to the page that has a field `having` (default: the first)."""
    forms = [f for f in post_forms(html) if having in f[0]]
    return forms[index]
