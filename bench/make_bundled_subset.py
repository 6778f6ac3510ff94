"""Regenerate the bundled division subset (touyan/regions/data/qianxinan-5223) from the full 2023 CSVs.

Owns only the subset files. Rows are copied byte for byte (same header, same quoting) and
gzip'ed with a zero timestamp, so a rerun over the same source gives identical files.

    .venv/bin/python bench/make_bundled_subset.py [--source /work/shared/data/divisions-2023] [--city 5223]
"""

from __future__ import annotations

import argparse
import csv
import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/data/divisions-2023")
DEFAULT_OUT = ROOT / "touyan" / "regions" / "data" / "qianxinan-5223"
FILES = ("provinces", "cities", "areas", "streets", "villages")


def open_source(folder: Path, stem: str) -> TextIO:
    for name in (f"{stem}.csv.gz", f"{stem}.csv"):
        path = folder / name
        if path.exists():
            if name.endswith(".gz"):
                return gzip.open(path, "rt", encoding="utf-8", newline="")
            return path.open(encoding="utf-8", newline="")
    raise SystemExit(f"missing {stem}.csv(.gz) in {folder}")


def keep_rule(stem: str, city: str) -> Callable[[dict[str, str]], bool]:
    """Which rows of a file belong to the subset of one prefecture (city)."""
    if stem == "provinces":
        return lambda row: row["code"] == city[:2]
    if stem == "cities":
        return lambda row: row["code"] == city
    return lambda row: row["cityCode"] == city


def subset_lines(text: TextIO, keep: Callable[[dict[str, str]], bool]) -> Iterator[str]:
    """The header line and every raw line whose parsed row passes `keep`."""
    header = text.readline()
    yield header
    fields = next(csv.reader([header]))
    for line in text:
        values = next(csv.reader([line]))
        if keep(dict(zip(fields, values, strict=True))):
            yield line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--city", default="5223", help="4-digit prefecture code")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for stem in FILES:
        with open_source(args.source, stem) as text:
            lines = list(subset_lines(text, keep_rule(stem, args.city)))
        target = args.out / f"{stem}.csv.gz"
        with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write("".join(lines).encode("utf-8"))
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {len(lines) - 1} rows")


if __name__ == "__main__":
    main()
