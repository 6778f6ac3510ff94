"""Input formats for Simplified Chinese: ISO first.

Django's own zh_Hans list starts with "%Y/%m/%d", which a DateInput renders and an
`<input type="date">` cannot show (the browser leaves it blank, and saving erased the date).
Every date widget renders ISO YYYY-MM-DD; the other forms are still accepted on input.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
]
