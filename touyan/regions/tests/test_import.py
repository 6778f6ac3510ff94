"""Tests of the division importer (regions.importer) and the import_divisions command."""

from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from touyan.regions import rules
from touyan.regions.importer import BUNDLED_SOURCE, DivisionImportError, import_divisions
from touyan.regions.models import Region

pytestmark = pytest.mark.django_db

HEADERS = {
    "provinces": "code,name",
    "cities": "code,name,provinceCode",
    "areas": "code,name,cityCode,provinceCode",
    "streets": "code,name,areaCode,provinceCode,cityCode",
    "villages": "code,name,streetCode,provinceCode,cityCode,areaCode",
}
TINY = {
    "provinces": ['52,"贵州省"'],
    "cities": ['5223,"黔西南布依族苗族自治州",52'],
    "areas": ['522301,"兴义市",5223,52'],
    "streets": ['522301001,"黄草街道",522301,52,5223', '522301002,"兴泰街道",522301,52,5223'],
    "villages": [
        '522301001001,"街心社区居民委员会",522301001,52,5223,522301',
        '522301001002,"向阳社区居民委员会",522301001,52,5223,522301',
        '522301002001,"兴泰社区居民委员会",522301002,52,5223,522301',
    ],
}


def write_set(folder: Path, **overrides: list[str]) -> Path:
    """Five plain CSVs in `folder`: the TINY set with some files' rows replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, header in HEADERS.items():
        rows = overrides.get(stem, TINY[stem])
        (folder / f"{stem}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def snapshot() -> list[tuple[str, str, str, str | None]]:
    return list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_id"))


def test_bundled_import_builds_the_qianxinan_tree() -> None:
    report = import_divisions()

    by_level = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert by_level == {
        rules.PROVINCE: 1,
        rules.PREFECTURE: 1,
        rules.COUNTY: 8,
        rules.TOWNSHIP: 140,
        rules.VILLAGE: 1294,
    }
    assert [c.created for c in report.levels] == [1, 1, 8, 140, 1294]
    assert report.updated == report.unchanged == 0

    xingyi = Region.objects.get(code="522301000000")
    assert (xingyi.name, xingyi.level, xingyi.parent_id) == ("兴义市", rules.COUNTY, "522300000000")
    assert Region.objects.get(code="522300000000").parent_id == "520000000000"
    assert Region.objects.get(code="520000000000").parent_id is None
    village = Region.objects.get(code="522301001001")
    assert (village.name, village.level, village.parent_id) == ("街心社区居民委员会", rules.VILLAGE, "522301001000")
    # Every region's parent is exactly one level up, and its code is what rules derive.
    for region in Region.objects.exclude(level=rules.PROVINCE).select_related("parent"):
        assert region.parent is not None
        assert region.parent.code == rules.parent_code(region.code, region.level)
        assert rules.LEVELS.index(region.parent.level) == rules.LEVELS.index(region.level) - 1
        assert rules.level_of(region.code) == region.level


def test_second_run_changes_nothing() -> None:
    import_divisions()
    before = snapshot()

    report = import_divisions()

    assert report.created == report.updated == 0
    assert [c.unchanged for c in report.levels] == [1, 1, 8, 140, 1294]
    assert snapshot() == before


def test_renamed_village_is_updated(tmp_path: Path) -> None:
    import_divisions(write_set(tmp_path / "v1"))
    villages = [TINY["villages"][0], '522301001002,"向阳村村民委员会",522301001,52,5223,522301', TINY["villages"][2]]

    report = import_divisions(write_set(tmp_path / "v2", villages=villages))

    assert report[rules.VILLAGE].updated == 1
    assert report[rules.VILLAGE].unchanged == 2
    assert report.created == 0
    assert report.unchanged == 1 + 1 + 1 + 2 + 2
    assert Region.objects.get(code="522301001002").name == "向阳村村民委员会"


def test_stored_row_with_wrong_name_level_or_parent_is_corrected(tmp_path: Path) -> None:
    """A stored row with a wrong parent or level is corrected, not duplicated."""
    import_divisions(write_set(tmp_path))
    Region.objects.filter(code="522301002001").update(name="旧名", level=rules.TOWNSHIP, parent_id="522301001000")

    report = import_divisions(write_set(tmp_path))

    assert report[rules.VILLAGE].updated == 1
    fixed = Region.objects.get(code="522301002001")
    assert (fixed.name, fixed.level, fixed.parent_id) == ("兴泰社区居民委员会", rules.VILLAGE, "522301002000")


def test_gzip_and_plain_files_mix(tmp_path: Path) -> None:
    folder = write_set(tmp_path)
    plain = folder / "villages.csv"
    with gzip.open(folder / "villages.csv.gz", "wt", encoding="utf-8") as gz:
        gz.write(plain.read_text(encoding="utf-8"))
    plain.unlink()

    assert import_divisions(folder)[rules.VILLAGE].created == 3


@pytest.mark.parametrize(
    ("villages", "line", "fragment"),
    [
        (
            [TINY["villages"][0], '52230100100,"短码村",522301001,52,5223,522301'],
            3,
            "应为 12 位数字",
        ),
        (
            [TINY["villages"][0], TINY["villages"][1], '522301009001,"孤村",522301009,52,5223,522301'],
            4,
            "上级区划 522301009 不存在",
        ),
        (
            [TINY["villages"][0], '522301001001,"重复村",522301001,52,5223,522301'],
            3,
            "重复",
        ),
    ],
    ids=["wrong-length", "missing-township", "duplicate"],
)
def test_bad_village_row_names_the_line_and_writes_no_village(
    tmp_path: Path, villages: list[str], line: int, fragment: str
) -> None:
    folder = write_set(tmp_path, villages=villages)

    # batch_size=1 writes the good first row before the bad one is read: the level must roll back.
    with pytest.raises(DivisionImportError) as caught:
        import_divisions(folder, batch_size=1)

    message = str(caught.value)
    assert f"villages.csv 第 {line} 行" in message
    assert fragment in message
    assert not Region.objects.filter(level=rules.VILLAGE).exists()
    assert Region.objects.filter(level=rules.TOWNSHIP).count() == 2  # the levels above were loaded


def test_bad_row_leaves_a_loaded_level_as_it_was(tmp_path: Path) -> None:
    import_divisions(write_set(tmp_path / "good"))
    before = snapshot()
    villages = ['522301001001,"改名村",522301001,52,5223,522301', '5223010010021,"长码村",522301001,52,5223,522301']

    with pytest.raises(DivisionImportError, match="第 3 行"):
        import_divisions(write_set(tmp_path / "bad", villages=villages), batch_size=1)

    assert snapshot() == before


def test_bad_township_row_stops_before_villages(tmp_path: Path) -> None:
    streets = ['522301001,"黄草街道",522301,52,5223', '522302001,"错挂街道",522301,52,5223']
    with pytest.raises(DivisionImportError, match=r"streets\.csv 第 3 行"):
        import_divisions(write_set(tmp_path, streets=streets))
    assert Region.objects.filter(level=rules.COUNTY).count() == 1
    assert not Region.objects.filter(level__in=[rules.TOWNSHIP, rules.VILLAGE]).exists()


def test_missing_file_or_column_is_reported(tmp_path: Path) -> None:
    folder = write_set(tmp_path)
    (folder / "streets.csv").unlink()
    with pytest.raises(DivisionImportError, match=r"streets\.csv"):
        import_divisions(folder)
    assert not Region.objects.exists()

    write_set(tmp_path, streets=[])
    (folder / "areas.csv").write_text("code,name\n522301,兴义市\n", encoding="utf-8")
    with pytest.raises(DivisionImportError, match="缺少列 cityCode"):
        import_divisions(folder)


def test_placeholder_row_with_its_parents_code_is_merged(tmp_path: Path) -> None:
    """Like 东莞市: area 441900 pads to its city's code; its streets hang on the city."""
    folder = write_set(
        tmp_path,
        provinces=['44,"广东省"'],
        cities=['4419,"东莞市",44'],
        areas=['441900,"东莞市",4419,44'],
        streets=['441900003,"东城街道",441900,44,4419'],
        villages=['441900003001,"东城社区居委会",441900003,44,4419,441900'],
    )

    report = import_divisions(folder)

    assert report[rules.COUNTY].merged == 1
    assert report[rules.COUNTY].created == 0
    assert Region.objects.get(code="441900000000").level == rules.PREFECTURE
    assert Region.objects.get(code="441900003000").parent_id == "441900000000"
    assert Region.objects.get(code="441900003001").parent_id == "441900003000"
    assert import_divisions(folder).created == 0


def test_within_a_county_loads_its_subtree_and_ancestors() -> None:
    report = import_divisions(within="522301")

    assert [c.created for c in report.levels] == [1, 1, 1, 32, 238]
    assert set(Region.objects.filter(level=rules.COUNTY).values_list("code", flat=True)) == {"522301000000"}
    assert (
        not Region.objects.exclude(level__in=[rules.PROVINCE, rules.PREFECTURE])
        .exclude(code__startswith="522301")
        .exists()
    )

    # Widening the scope afterwards adds the rest and keeps what is there.
    report = import_divisions()
    assert report[rules.COUNTY].unchanged == 1
    assert report[rules.COUNTY].created == 7
    assert report[rules.VILLAGE].unchanged == 238


@pytest.mark.parametrize(
    ("within", "fragment"), [("5223011", "范围代码"), ("522399", "areas.csv.gz 中没有区划代码 522399")]
)
def test_bad_within_is_refused(within: str, fragment: str) -> None:
    with pytest.raises(DivisionImportError, match=fragment):
        import_divisions(within=within)
    assert not Region.objects.filter(level__in=[rules.COUNTY, rules.TOWNSHIP, rules.VILLAGE]).exists()


def test_command_prints_progress_and_counts() -> None:
    out = StringIO()
    call_command("import_divisions", stdout=out)
    text = out.getvalue()
    assert "村(社区): 新增 1294, 更新 0, 未变 0" in text
    assert "合计: 新增 1444, 更新 0, 未变 0; 用时" in text

    out = StringIO()
    call_command("import_divisions", "--source", str(BUNDLED_SOURCE), "--within", "5223", stdout=out)
    assert "村(社区): 新增 0, 更新 0, 未变 1294" in out.getvalue()


def test_command_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--source"):
        call_command("import_divisions", "--source", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="范围代码"):
        call_command("import_divisions", "--within", "abc")
    with pytest.raises(CommandError, match=r"缺少 provinces\.csv"):
        call_command("import_divisions", "--source", str(tmp_path))
