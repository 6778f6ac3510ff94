"""Pydantic's (and so ninja's) validation errors in Chinese, by error type, keeping their location.

"Input should be greater than or equal to 1" became "应大于或等于 1" (issue 16): the API's 422 body
and the policy page speak the user's language; an unknown type says 输入无效 rather than English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _


def _ctx(err: Mapping[str, Any], key: str) -> str:
    value = (err.get("ctx") or {}).get(key, "")
    return str(value)


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: _("必填"),
    "greater_than_equal": lambda e: _("应大于或等于 %(v)s") % {"v": _ctx(e, "ge")},
    "greater_than": lambda e: _("应大于 %(v)s") % {"v": _ctx(e, "gt")},
    "less_than_equal": lambda e: _("应小于或等于 %(v)s") % {"v": _ctx(e, "le")},
    "less_than": lambda e: _("应小于 %(v)s") % {"v": _ctx(e, "lt")},
    "int_parsing": lambda e: _("应为整数"),
    "int_type": lambda e: _("应为整数"),
    "int_from_float": lambda e: _("应为整数"),
    "float_parsing": lambda e: _("应为数字"),
    "float_type": lambda e: _("应为数字"),
    "decimal_parsing": lambda e: _("应为数字"),
    "decimal_type": lambda e: _("应为数字"),
    "decimal_max_digits": lambda e: _("数字位数不能超过 %(v)s 位") % {"v": _ctx(e, "max_digits")},
    "decimal_max_places": lambda e: _("小数不能超过 %(v)s 位") % {"v": _ctx(e, "decimal_places")},
    "decimal_whole_digits": lambda e: _("整数部分位数过多"),
    "finite_number": lambda e: _("应为有限的数字"),
    "bool_parsing": lambda e: _("应为是或否(true/false)"),
    "bool_type": lambda e: _("应为是或否(true/false)"),
    "string_type": lambda e: _("应为文字"),
    "string_too_short": lambda e: _("至少 %(v)s 个字符") % {"v": _ctx(e, "min_length")},
    "string_too_long": lambda e: _("最多 %(v)s 个字符") % {"v": _ctx(e, "max_length")},
    "string_pattern_mismatch": lambda e: _("格式不正确"),
    "too_short": lambda e: _("至少 %(v)s 项") % {"v": _ctx(e, "min_length")},
    "too_long": lambda e: _("最多 %(v)s 项") % {"v": _ctx(e, "max_length")},
    "list_type": lambda e: _("应为列表"),
    "tuple_type": lambda e: _("应为列表"),
    "dict_type": lambda e: _("应为键值对象"),
    "model_type": lambda e: _("应为键值对象"),
    "model_attributes_type": lambda e: _("应为键值对象"),
    "date_parsing": lambda e: _("日期无效,应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": lambda e: _("日期无效,应为 YYYY-MM-DD"),
    "date_from_datetime_inexact": lambda e: _("日期无效,应为 YYYY-MM-DD"),
    "date_type": lambda e: _("日期无效,应为 YYYY-MM-DD"),
    "datetime_parsing": lambda e: _("时间无效,应为 YYYY-MM-DDTHH:MM:SS"),
    "datetime_from_date_parsing": lambda e: _("时间无效,应为 YYYY-MM-DDTHH:MM:SS"),
    "datetime_type": lambda e: _("时间无效,应为 YYYY-MM-DDTHH:MM:SS"),
    "time_parsing": lambda e: _("时间无效,应为 HH:MM"),
    "literal_error": lambda e: _("应为以下之一:%(v)s") % {"v": _ctx(e, "expected")},
    "enum": lambda e: _("应为以下之一:%(v)s") % {"v": _ctx(e, "expected")},
    "extra_forbidden": lambda e: _("未知字段"),
    "json_invalid": lambda e: _("JSON 格式错误"),
    "json_type": lambda e: _("JSON 格式错误"),
    "uuid_parsing": lambda e: _("格式不正确"),
    "url_parsing": lambda e: _("网址格式不正确"),
    "none_required": lambda e: _("应为空"),
    "frozen_instance": lambda e: _("不能修改"),
}


def message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `exc.errors()`) as a Chinese message."""
    kind = str(err.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind](err)
    if kind in ("value_error", "assertion_error"):
        # Our own validators raise Chinese messages; pydantic prefixes "Value error, ".
        text = str(err.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return text or _("输入无效")
    return _("输入无效")


def errors(errs: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """ninja/pydantic errors as the API's 422 detail items: the same `loc` and `type`, Chinese `msg`."""
    return [{"loc": list(e.get("loc", [])), "msg": message(e), "type": e.get("type", "value_error")} for e in errs]
