"""Structure statistics (队伍结构): every figure against a direct count written out here.

The fixture is modelled on the seeds' figures: S1 (Zhouwang) reports secretaries
profiled, reserves, bachelor+ and college+ shares; S3 (Luzhou) the one-shoulder
share (R-ORG-05) and the average age; S0 the full-time quota per village
(R-POS-01).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import COUNTY_A, COUNTY_B, PREFECTURE, TOWNSHIP_A1, TOWNSHIP_A2
from touyan.cadres.models import POST_ORG, Person, Post
from touyan.cadres.services import PersonIn, PostIn, cadre_create
from touyan.core import idnumber
from touyan.core.errors import NotFound
from touyan.dashboards.structure import structure_stats
from touyan.regions.models import Region

D = Decimal
ON = dt.date(2026, 3, 1)
TERM = dt.date(2021, 3, 1)
V1, V2, V3, V4 = "522301001001", "522301001002", "522301002001", "522301001003"
VB = "522302001001"

_seq = iter(range(1, 1000))


def id_number(birth: str, female: bool) -> str:
    """A valid synthetic ID: the 17th digit is odd for men, even for women."""
    seq = next(_seq) * 2 + (0 if female else 1)
    body = "522301" + birth + f"{seq % 1000:03d}"
    return body + idnumber.check_char(body)


def post(code: str, *, full_time: bool = False, start: dt.date = TERM, end: dt.date | None = None) -> PostIn:
    return PostIn(post=code, start_date=start, end_date=end, full_time=full_time)


def full(code: str) -> PostIn:
    """A current full-time post (R-POS-01) since the 2021 election."""
    return post(code, full_time=True)


# County A on 2026-03-01. Columns: no., village, birth date, woman?, education, political status, origin, posts.
# The "age" comment is the age on ON in completed years.
PEOPLE: list[tuple[int, str, str, bool, str, str, str, list[PostIn]]] = [
    # V1 坪东社区: a one-shoulder secretary
    (1, V1, "19850101", False, "bachelor", "party_member", "migrant_worker", [full("PS"), full("VD")]),  # 41
    (2, V1, "19950615", True, "college", "party_member", "returned_graduate", [full("PDS")]),  # 30
    (3, V1, "19700302", True, "senior_high", "masses", "other", [post("VM")]),  # 55: birthday the day after
    (4, V1, "20000101", False, "bachelor", "masses", "other", [post("RSV")]),  # reserve, not a cadre
    (5, V1, "19880808", False, "master", "party_member", "dispatched", [post("FS")]),  # 第一书记, not a cadre
    (6, V1, "19750505", False, "senior_high", "masses", "other", [post("VDD", end=dt.date(2025, 12, 31))]),  # left
    # V2 栗坪村: secretary and director are two people
    (7, V2, "19910301", False, "college", "party_member", "other", [full("PS")]),  # 35 that very day
    (8, V2, "19910302", True, "college", "probationary_member", "other", [full("VD")]),  # 34
    (9, V2, "19601231", False, "vocational", "masses", "veteran", [full("CLK")]),  # 65
    (10, V2, "19980909", True, "college", "masses", "other", [post("RSV")]),  # reserve, not a cadre
    # V3 丰都社区 (township A2): 一肩三挑
    (11, V3, "19800228", False, "master", "party_member", "rich_farmer",
     [full("PS"), full("VD"), full("CEO")]),  # 46
    (12, V3, "19650101", False, "junior_high", "masses", "other", [post("SD")]),  # 61
    (13, V3, "19900101", False, "senior_high", "masses", "other", [post("VM", start=dt.date(2026, 6, 1))]),  # later
    # V4 新村 has nobody. County B: a one-shoulder secretary who must never count for county A.
    (14, VB, "19820202", False, "doctor", "party_member", "other", [full("PS"), full("VD")]),
]  # fmt: skip


@pytest.fixture
def county(personas: dict[str, Any], tree: dict[str, Region]) -> dict[str, Any]:
    """County A: villages V1, V2, V4 in township A1 and V3 in township A2; PEOPLE filed
    through the cadre service (valid ID numbers, gender and birth date derived from them)."""
    Region.objects.create(code=V4, name="新村", level="village", parent_id=TOWNSHIP_A1)
    for no, village, birth, female, edu, pol, origin, posts in PEOPLE:
        actor = personas["county_b_admin" if village == VB else "county_a_admin"]
        cadre_create(
            actor=actor,
            data=PersonIn(
                name=f"干部{no}",
                id_number=id_number(birth, female),
                village=village,
                education=edu,
                political_status=pol,
                origin=origin,
                posts=posts,
            ),
        )
    return personas


def test_county_figures_match_a_direct_count(county: dict[str, Any]) -> None:
    s = structure_stats(actor=county["county_a_admin"], region_code=COUNTY_A, on=ON)
    # Cadres: 1, 2, 3 (V1), 7, 8, 9 (V2), 11, 12 (V3); not the reserves 4 and 10, the first
    # secretary 5, 6 who left, 13 appointed later, nor 14 in county B.
    assert s.cadres == 8
    ages = [41, 30, 55, 35, 34, 65, 46, 61]  # 1, 2, 3, 7, 8, 9, 11, 12
    assert sum(ages) == 367
    assert s.average_age == D("45.9")  # 367 / 8 = 45.875
    assert s.under_35 == 2 and s.under_35_share == D("25.0")  # 30 and 34; 35 itself is not under 35
    assert [(b.key, b.n) for b in s.age_bands] == [
        ("lt30", 0), ("30_34", 2), ("35_39", 1), ("40_49", 2), ("50_59", 1), ("ge60", 2),
    ]  # fmt: skip
    assert s.women == 3 and s.women_share == D("37.5")  # 3 / 8
    assert s.bachelor_plus == 2 and s.bachelor_plus_share == D("25.0")  # bachelor 1 + master 11
    assert s.college_plus == 5 and s.college_plus_share == D("62.5")  # + college 2, 7, 8
    assert s.party_members == 5 and s.party_share == D("62.5")  # 1, 2, 7, 11 + probationary 8
    education = {b.key: b.n for b in s.education}
    assert education == {
        "primary": 0, "junior_high": 1, "senior_high": 1, "vocational": 1,
        "college": 3, "bachelor": 1, "master": 1, "doctor": 0,
    }  # fmt: skip
    assert {b.key: b.n for b in s.origin} == {
        "rich_farmer": 1, "returned_graduate": 1, "veteran": 1, "migrant_worker": 1, "dispatched": 0, "other": 4,
    }  # fmt: skip
    by_post = {b.key: b.n for b in s.by_post}
    assert by_post["PS"] == 3 and by_post["VD"] == 3  # 1, 7, 11 and 1, 8, 11
    assert by_post["PDS"] == 1 and by_post["VM"] == 1 and by_post["CLK"] == 1
    assert by_post["CEO"] == 1 and by_post["SD"] == 1 and by_post["VDD"] == 0
    assert "FS" not in by_post and "RSV" not in by_post
    assert {b.key: b.share for b in s.by_post}["PS"] == D("37.5")  # 3 of 8 cadres
    # S1: reserves counted apart, with their bachelor+ share.
    assert s.reserves == 2 and s.reserves_bachelor_plus == 1 and s.reserves_bachelor_plus_share == D("50.0")
    assert s.first_secretaries == 1
    # Villages: V1, V2, V3, V4. One-shoulder (R-ORG-05): V1 and V3.
    assert s.villages == 4
    assert s.one_shoulder_villages == 2 and s.one_shoulder_share == D("50.0")
    assert s.vacant_secretary == 1  # V4
    # Full-time (R-POS-01): V1 {1, 2}, V2 {7, 8, 9}, V3 {11}, V4 {} = 6 people; 6 / 4 villages.
    assert s.full_time == 6 and s.full_time_per_village == D("1.50")
    assert s.full_time_quota == 3 and s.villages_below_quota == 3  # V1 (2), V3 (1), V4 (0)


def test_children_rows_match_a_direct_count(county: dict[str, Any]) -> None:
    s = structure_stats(actor=county["county_a_admin"], region_code=COUNTY_A, on=ON)
    rows = {r.code: r for r in s.children}
    assert list(rows) == [TOWNSHIP_A1, TOWNSHIP_A2]
    a1, a2 = rows[TOWNSHIP_A1], rows[TOWNSHIP_A2]
    # A1: cadres 1, 2, 3, 7, 8, 9 in V1, V2, V4.
    assert (a1.cadres, a1.villages) == (6, 3)
    assert a1.average_age == D("43.3")  # (41 + 30 + 55 + 35 + 34 + 65) / 6 = 260 / 6
    assert a1.women_share == D("50.0")  # 2, 3, 8
    assert a1.college_plus_share == D("66.7")  # 1, 2, 7, 8 of 6
    assert a1.one_shoulder_villages == 1 and a1.one_shoulder_share == D("33.3")  # V1 of 3
    assert a1.vacant_secretary == 1
    # A2: cadres 11, 12 in V3.
    assert (a2.cadres, a2.villages) == (2, 1)
    assert a2.average_age == D("53.5") and a2.women_share == D("0.0") and a2.college_plus_share == D("50.0")
    assert a2.one_shoulder_share == D("100.0") and a2.vacant_secretary == 0
    assert sum(r.cadres for r in s.children) == s.cadres
    assert sum(r.villages for r in s.children) == s.villages


def test_scope_township_and_prefecture(county: dict[str, Any]) -> None:
    a1 = structure_stats(actor=county["township_a1"], region_code=TOWNSHIP_A1, on=ON)
    assert (a1.cadres, a1.villages, a1.vacant_secretary) == (6, 3, 1)
    assert [r.name for r in a1.children] == ["坪东社区", "栗坪村", "新村"]
    with pytest.raises(NotFound):
        structure_stats(actor=county["township_a1"], region_code=COUNTY_A, on=ON)
    with pytest.raises(NotFound):
        structure_stats(actor=county["township_b1"], region_code=COUNTY_A, on=ON)
    pref = structure_stats(actor=county["prefecture_admin"], region_code=PREFECTURE, on=ON)
    assert pref.cadres == 8 + 1 and pref.villages == 4 + 1  # county B's one-shoulder secretary
    assert pref.one_shoulder_villages == 3
    assert {r.code: r.cadres for r in pref.children} == {COUNTY_A: 8, COUNTY_B: 1}


def test_the_day_decides_who_is_in_office(county: dict[str, Any]) -> None:
    before = structure_stats(actor=county["county_a_admin"], region_code=COUNTY_A, on=dt.date(2025, 6, 1))
    assert before.cadres == 9  # the VDD who left at the end of 2025 was still in office
    later = structure_stats(actor=county["county_a_admin"], region_code=COUNTY_A, on=dt.date(2026, 7, 1))
    assert later.cadres == 9  # the VM appointed on 2026-06-01 is now in office


def test_quota_comes_from_policy(county: dict[str, Any]) -> None:
    from touyan.policy.models import PolicyDocument

    PolicyDocument.objects.create(
        region_id=COUNTY_A, effective_from=dt.date(2026, 1, 1), params={"full_time_quota_per_village": 2}
    )
    s = structure_stats(actor=county["county_a_admin"], region_code=COUNTY_A, on=ON)
    assert s.full_time_quota == 2 and s.villages_below_quota == 2  # V3 (1), V4 (0)


# --- S1's figures, rebuilt -------------------------------------------------------------------------------------


def bulk_people(villages: list[str], rows: list[tuple[str, str, str, list[tuple[str, bool]]]]) -> None:
    """Person and Post rows written directly (fast): (village, education, birth, [(post, full_time)])."""
    people = [
        Person(
            village_id=v,
            name=f"干部{i}",
            name_search=f"干部{i}",
            id_enc="-",
            id_hash=f"h{v}{i}",
            id_masked="5223**********0000",
            gender="female" if i % 4 == 0 else "male",
            birth_date=dt.date.fromisoformat(birth),
            political_status="party_member",
            education=edu,
        )
        for i, (v, edu, birth, _posts) in enumerate(rows)
    ]
    Person.objects.bulk_create(people)
    Post.objects.bulk_create(
        Post(person=p, village_id=p.village_id, post=code, organisation=POST_ORG[code], start_date=TERM, full_time=ft)
        for p, (_v, _e, _b, posts) in zip(people, rows, strict=True)
        for code, ft in posts
    )


def make_villages(n: int, township: str = TOWNSHIP_A2, start: int = 11) -> list[str]:
    """n new villages numbered from `start` (the tree's own villages are 001 and 002)."""
    codes = [f"{township[:9]}{i:03d}" for i in range(start, start + n)]
    Region.objects.bulk_create(Region(code=c, name=f"村{c[-3:]}", level="village", parent_id=township) for c in codes)
    return codes


def test_s1_zhouwang_style_figures(personas: dict[str, Any]) -> None:
    """S1: 7 secretaries profiled, 11 reserves; 两委 bachelor+ 10.8 %, college+ over 89 %;
    reserves bachelor+ 45 %. Rebuilt with 7 villages and 37 两委 cadres."""
    villages = make_villages(7)
    rows: list[tuple[str, str, str, list[tuple[str, bool]]]] = []
    # Each village: a one-shoulder secretary, a deputy and three members (5 × 7 = 35), plus two clerks = 37.
    for v in villages:
        rows.append((v, "college", "1982-05-01", [("PS", True), ("VD", True)]))
        rows.append((v, "college", "1990-05-01", [("PDS", True)]))
        rows += [(v, "college", "1978-05-01", [("VM", False)]) for _ in range(3)]
    rows += [
        (villages[0], "college", "1995-05-01", [("CLK", True)]),
        (villages[1], "college", "1996-05-01", [("CLK", True)]),
    ]
    # Education of the 37: 4 bachelor (10.8 %), 29 more college (33 college+ = 89.2 %), 4 senior high.
    for i, edu in enumerate(["bachelor"] * 4 + ["senior_high"] * 4):
        v, _e, birth, posts = rows[2 + i * 4]
        rows[2 + i * 4] = (v, edu, birth, posts)
    # 11 reserves, 5 with a bachelor's degree (5 / 11 = 45.5 %, "达45%").
    rows += [(villages[i % 7], "bachelor" if i < 5 else "college", "1998-05-01", [("RSV", False)]) for i in range(11)]
    bulk_people(villages, rows)

    s = structure_stats(actor=personas["county_a_admin"], region_code=TOWNSHIP_A2, on=ON)
    assert {b.key: b.n for b in s.by_post}["PS"] == 7
    assert s.cadres == 7 * 5 + 2 == 37
    assert s.bachelor_plus == 4 and s.bachelor_plus_share == D("10.8")  # 4 / 37 = 10.81 %
    assert s.college_plus == 33 and s.college_plus_share == D("89.2")  # 33 / 37 = 89.19 % (“超89%”)
    assert s.reserves == 11 and s.reserves_bachelor_plus_share == D("45.5")  # 5 / 11
    assert s.villages == 8  # the 7 and the fixture's 丰都社区, which has no cadres
    assert s.one_shoulder_villages == 7 and s.one_shoulder_share == D("87.5")  # 7 / 8
    assert s.vacant_secretary == 1
    # Full-time: 7 secretaries + 7 deputies + 2 clerks = 16 in 8 villages = 2.00 per village. Below the
    # quota of 3: the 5 villages without a clerk (2 each) and 丰都社区 (0) = 6.
    assert s.full_time == 16 and s.full_time_per_village == D("2.00") and s.villages_below_quota == 5 + 1


def test_query_count_does_not_grow_with_villages(personas: dict[str, Any]) -> None:
    actor = personas["county_a_admin"]

    def fill(villages: list[str]) -> None:
        rows = []
        for v in villages:
            rows.append((v, "college", "1982-05-01", [("PS", True), ("VD", True)]))
            rows.append((v, "bachelor", "1992-05-01", [("PDS", True)]))
            rows.append((v, "senior_high", "1970-05-01", [("VM", False), ("RSV", False)]))
        bulk_people(villages, rows)

    fill(make_villages(5))
    with CaptureQueriesContext(connection) as five:
        small = structure_stats(actor=actor, region_code=COUNTY_A, on=ON)
    assert small.villages == 5 + 3 and small.cadres == 15

    fill(make_villages(45, start=16))
    fill(make_villages(50, township=TOWNSHIP_A1, start=100))
    with CaptureQueriesContext(connection) as hundred:
        big = structure_stats(actor=actor, region_code=COUNTY_A, on=ON)
    assert big.villages == 100 + 3 and big.cadres == 300
    assert big.one_shoulder_villages == 100 and big.full_time == 200
    assert len(hundred.captured_queries) == len(five.captured_queries) <= 10


def test_query_count_is_fixed(personas: dict[str, Any], django_assert_num_queries: Any) -> None:
    """The same number of queries for 5 villages as for 50 (django_assert_num_queries)."""
    actor = personas["county_a_admin"]
    codes = make_villages(5)
    bulk_people(codes, [(v, "college", "1982-05-01", [("PS", True), ("VD", True)]) for v in codes])
    with CaptureQueriesContext(connection) as ctx:
        structure_stats(actor=actor, region_code=TOWNSHIP_A2, on=ON)
    expected = len(ctx.captured_queries)
    more = make_villages(45, start=16)
    bulk_people(more, [(v, "college", "1982-05-01", [("PS", True), ("VD", True)]) for v in more])
    with django_assert_num_queries(expected):
        s = structure_stats(actor=actor, region_code=TOWNSHIP_A2, on=ON)
    assert s.villages == 51 and s.one_shoulder_villages == 50


# --- the page, the export, the outsiders ----------------------------------------------------------------------


def chart_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="structure-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the charts' data is on the page"
    return json.loads(found.group(1))


def test_county_page_shows_the_figures_and_chart_data(county: dict[str, Any], login: Any) -> None:
    client = login(county["county_a_admin"])
    r = client.get(f"/stats/structure/{COUNTY_A}/?on=2026-03-01")
    assert r.status_code == 200
    html = r.content.decode()
    for text in ("队伍结构", "兴义市", "45.9", "25.0%", "37.5%", "62.5%", "50.0%", "1.50", "黄草街道", "丰都街道"):
        assert text in html, text
    assert "兴仁市" not in html
    data = chart_data(html)
    posts = dict(zip(data["posts"]["categories"], data["posts"]["values"], strict=True))
    assert posts["党组织书记"] == 3 and posts["村(居)委会主任"] == 3
    assert dict(zip(data["education"]["categories"], data["education"]["values"], strict=True))["大专"] == 3
    assert sum(data["age"]["values"]) == 8
    assert {i["name"]: i["value"] for i in data["gender"]["items"]} == {"男": 5, "女": 3}
    assert "<script>" not in html.replace('<script id="structure-data" type="application/json">', "")  # CSP


def test_current_region_page_redirects_to_the_region(county: dict[str, Any], login: Any) -> None:
    client = login(county["township_a1"])
    r = client.get("/stats/structure/")
    assert r.status_code == 302 and r.url == f"/stats/structure/{TOWNSHIP_A1}/"
    assert client.get(r.url).status_code == 200


def test_export_is_an_xlsx_with_the_figures(county: dict[str, Any], login: Any) -> None:
    r = login(county["county_a_admin"]).get(f"/stats/structure/{COUNTY_A}/export/?on=2026-03-01")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    cells = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "两委干部" in cells and 8 in cells and "黄草街道" in cells


def test_outsiders_get_404_and_anonymous_goes_to_login(county: dict[str, Any], login: Any, client: Any) -> None:
    outsider = login(county["township_b1"])
    assert outsider.get(f"/stats/structure/{COUNTY_A}/").status_code == 404
    assert outsider.get(f"/stats/structure/{COUNTY_A}/export/").status_code == 404
    for url in ("/stats/structure/", f"/stats/structure/{COUNTY_A}/", f"/stats/structure/{COUNTY_A}/export/"):
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith("/login/"), url


def test_a_bad_date_is_refused_in_chinese(county: dict[str, Any], login: Any) -> None:
    r = login(county["county_a_admin"]).get(f"/stats/structure/{COUNTY_A}/?on=2026-13-40")
    assert r.status_code == 200 and "请输入有效的日期" in r.content.decode()


def test_village_page_says_yes_or_no(county: dict[str, Any], login: Any) -> None:
    client = login(county["township_a1"])
    v2 = client.get(f"/stats/structure/{V2}/?on=2026-03-01").content.decode()
    assert "“一肩挑”" in v2 and "否" in v2 and "在任" in v2  # V2: secretary 7 and director 8 are two people
    v4 = client.get(f"/stats/structure/{V4}/?on=2026-03-01").content.decode()
    assert "空缺" in v4 and "没有在任的“两委”干部档案" in v4
    assert 'data-chart="posts"' not in v4  # no empty charts


def fourth_full_time_in_v2(actor: Any) -> None:
    """A fourth full-time cadre in V2 (quota 3, R-POS-01): on file from before the quota was checked
    (the services refuse it now), so written part-time and then set full-time in the table."""
    from touyan.cadres.models import Post

    person = cadre_create(
        actor=actor,
        data=PersonIn(
            name="干部15", id_number=id_number("19920101", True), village=V2, education="college",
            political_status="masses", posts=[post("VDD", full_time=False)],
        ),
    )  # fmt: skip
    Post.objects.filter(person_id=person.pk).update(full_time=True)
