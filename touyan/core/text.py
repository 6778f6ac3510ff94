"""The one text check for names and free text, shared by forms, the API and imports (issue 21, item 3).

Refused everywhere: NUL and the other control characters (tab, line feed and carriage return are
allowed in free text), lone surrogates (not text: the database cannot store them), and the
bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make a name read
differently from what it holds. Refused in names as well: zero-width characters and marks
(U+200B–U+200F, U+2060, U+FEFF) and any line break.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")


def text_problem(value: str, *, name: bool = False) -> str | None:
    """Why the text is refused, or None. `name`: a one-line name (no zero-width, no line breaks)."""
    if _SURROGATE.search(value):
        return _("含有无效字符(不成对的代理字符)")
    if "\x00" in value or _CONTROL.search(value):
        return _("含有控制字符")
    if _BIDI.search(value):
        return _("含有改变文字方向的控制字符")
    if name and (_ZERO_WIDTH.search(value) or _BREAK.search(value)):
        return _("姓名或名称中含有零宽字符或换行")
    return None


class TextRefused(ValueError):
    def __init__(self, message: str, loc: list[str | int]) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


def scan(data: Any, loc: list[str | int]) -> None:
    """Raise TextRefused at the first string (key or value) anywhere in a parsed body that the
    free-text check refuses."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem:
            raise TextRefused(problem, loc)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and text_problem(key):
                raise TextRefused(text_problem(key) or "", [*loc, "__key__"])
            scan(value, [*loc, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            scan(value, [*loc, i])


def _check_name(value: str) -> str:
    problem = text_problem(value, name=True)
    if problem:
        raise ValueError(problem)
    if not value.strip():
        raise ValueError(_("不能为空"))
    return value


def _check_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# pydantic (API schemas): `name: Name = Field(max_length=50)`
Name = Annotated[str, AfterValidator(_check_name)]
Text = Annotated[str, AfterValidator(_check_text)]


def validate_name(value: str) -> None:
    """A Django form/model validator: the same check for names."""
    problem = text_problem(value or "", name=True)
    if problem:
        raise ValidationError(problem, code="bad_text")


def validate_text(value: str) -> None:
    problem = text_problem(value or "")
    if problem:
        raise ValidationError(problem, code="bad_text")
