"""cadres_bulk_upsert: all or nothing, idempotent, scoped, no query per row (R-ORG-09, R-DATA-03/05)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import COUNTY_B, VILLAGE_A1, VILLAGE_B1
from touyan.audit.models import AuditEvent
from touyan.cadres import bulk
from touyan.cadres.bulk import BulkReport, cadres_bulk_check, cadres_bulk_upsert
from touyan.cadres.models import Filing, Person, Post
from touyan.cadres.services import PersonIn, PostIn, cadre_create, id_hash
from touyan.core import crypto, idnumber
from touyan.core.errors import Conflict, Forbidden, InvalidInput

VILLAGE_A1B = "522301001002"
VILLAGE_A2 = "522301002001"
START = dt.date(2021, 4, 1)


def make_id(seq: int, region: str = "522301", birth: str = "19850101") -> str:
    body = region + birth + f"{seq:03d}"
    return body + idnumber.check_char(body)


def person(seq: int, village: str = VILLAGE_A1, posts: tuple[str, ...] = ("VM",), **extra: Any) -> PersonIn:
    data: dict[str, Any] = {
        "name": f"干部{seq}",
        "id_number": make_id(seq, region=village[:6]),
        "village": village,
        "education": "bachelor",
        "political_status": "party_member",
        "phone": f"138{seq:08d}",
        "posts": [PostIn(post=p, start_date=START, full_time=p in ("PS", "VD")) for p in posts],
    }
    data.update(extra)
    return PersonIn(**data)


def roster(n: int) -> list[PersonIn]:
    """n people over three villages of county A; the first of each village is one-shoulder."""
    villages = (VILLAGE_A1, VILLAGE_A1B, VILLAGE_A2)
    return [person(i, villages[i % 3], ("PS", "VD") if i < 3 else ("VM",)) for i in range(n)]


def history_rows() -> int:
    return Person.history.count() + Post.history.count()


@pytest.mark.django_db
def test_creates_files_posts_filings_history_and_one_audit_event(personas) -> None:
    admin = personas["county_a_admin"]
    report = cadres_bulk_upsert(actor=admin, people=roster(9))
    assert report == BulkReport(created=9, updated=0, unchanged=0)
    assert Person.objects.count() == 9 and Post.objects.count() == 3 * 2 + 6
    one = Person.objects.get(id_hash=id_hash(make_id(0)))
    assert one.id_masked == "522301***********" + make_id(0)[-1]  # R-DATA-05, county default mask
    assert crypto.decrypt(one.id_enc, context="id_number") == make_id(0)
    assert one.phone_masked == "138****0000" and one.gender == "female" and one.birth_date == dt.date(1985, 1, 1)
    # 凡动必报: one filing per new PS and VD post, reported to the county.
    assert Filing.objects.count() == 6
    assert set(Filing.objects.values_list("county_id", "change").distinct()) == {("522301000000", "appointed")}
    assert Person.history.filter(history_type="+").count() == 9 and Post.history.count() == 12
    event = AuditEvent.objects.get(action="cadres.import")
    assert event.changes["created"] == 9 and event.changes["filings"] == 6
    assert make_id(0) not in str(event.changes)


@pytest.mark.django_db
def test_rerun_changes_nothing(personas) -> None:
    admin = personas["county_a_admin"]
    people = roster(9)
    cadres_bulk_upsert(actor=admin, people=people)
    before = (history_rows(), Filing.objects.count(), AuditEvent.objects.count(), Post.objects.count())
    report = cadres_bulk_upsert(actor=admin, people=people)
    assert report == BulkReport(created=0, updated=0, unchanged=9)
    after = (history_rows(), Filing.objects.count(), AuditEvent.objects.count(), Post.objects.count())
    assert after == (before[0], before[1], before[2] + 1, before[3])  # only the import summary


@pytest.mark.django_db
def test_changed_fields_are_updated_and_new_posts_added_old_kept(personas) -> None:
    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(1, posts=("VM",)), person(2, posts=("VM",))])
    changed = person(1, posts=("PCM",), education="master", phone="13900000001")
    report = cadres_bulk_upsert(actor=admin, people=[changed, person(2, posts=("VM",), phone="")])
    assert report == BulkReport(created=0, updated=1, unchanged=1)  # an empty phone keeps the stored one
    p1 = Person.objects.get(id_hash=id_hash(make_id(1)))
    assert p1.education == "master" and p1.phone_masked == "139****0001"
    assert sorted(p1.posts.values_list("post", flat=True)) == ["PCM", "VM"]
    last = p1.history.order_by("-history_id").first()
    assert last is not None and last.history_type == "~" and last.education == "master"


@pytest.mark.django_db
def test_changed_post_attributes_are_updated(personas) -> None:
    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(1, posts=("PS",))])
    ended = person(1, posts=())
    ended.posts = [
        PostIn(post="PS", start_date=START, full_time=True, end_date=dt.date(2024, 1, 1), end_reason="resigned")
    ]
    assert cadres_bulk_upsert(actor=admin, people=[ended]).updated == 1
    post = Post.objects.get()
    assert post.end_date == dt.date(2024, 1, 1) and post.end_reason == "resigned"
    assert list(Filing.objects.order_by("id").values_list("change", flat=True)) == ["appointed", "ended"]
    # An ended post cannot be reopened by an import.
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=admin, people=[person(1, posts=("PS",))])
    assert "rows.0.posts.0.post" in exc.value.errors


@pytest.mark.django_db
def test_one_bad_row_writes_nothing(personas) -> None:
    admin = personas["county_a_admin"]
    people = roster(5)
    people[3] = person(3, id_number=make_id(3)[:17] + ("0" if make_id(3)[-1] != "0" else "1"))
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=admin, people=people)
    assert list(exc.value.errors) == ["rows.3.id_number"]
    assert "校验位" in exc.value.errors["rows.3.id_number"][0]
    assert Person.objects.count() == 0 and Post.objects.count() == 0 and Filing.objects.count() == 0
    assert not AuditEvent.objects.filter(action="cadres.import").exists()


@pytest.mark.django_db
def test_every_row_is_checked_and_reported(personas) -> None:
    admin = personas["county_a_admin"]
    people = [
        person(1, name=""),
        person(2, education="university"),
        person(3, village="522301001000"),  # a township, not a village
        person(4, village="522301009999"),  # no such village
        person(5, posts=("PS", "PS")),
        person(6, ethnicity="很长" * 11),
    ]
    errors = cadres_bulk_check(actor=admin, people=people)
    assert set(errors) == {
        "rows.0.name", "rows.1.education", "rows.2.village", "rows.3.village", "rows.4.posts.1.post",
        "rows.5.ethnicity",
    }  # fmt: skip
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_id_in_file_is_an_error_on_both_rows(personas) -> None:
    people = [person(1), person(2), person(1, name="另一人")]
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=personas["county_a_admin"], people=people)
    assert set(exc.value.errors) == {"rows.0.id_number", "rows.2.id_number"}
    assert all(make_id(1) not in m for msgs in exc.value.errors.values() for m in msgs)


@pytest.mark.django_db
def test_single_seat_twice_in_file_or_against_current_holder(personas) -> None:
    admin = personas["county_a_admin"]
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=admin, people=[person(1, posts=("PS",)), person(2, posts=("PS", "VD"))])
    assert set(exc.value.errors) == {"rows.0.posts.0.post", "rows.1.posts.0.post"}
    assert "只能有一人" in exc.value.errors["rows.0.posts.0.post"][0]
    # A current holder on record: another person cannot take the seat; the holder themself is fine.
    cadre_create(actor=admin, data=person(7, posts=("PS",)))
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=admin, people=[person(8, posts=("PS",))])
    assert "已有在任的党组织书记" in exc.value.errors["rows.0.posts.0.post"][0]
    assert cadres_bulk_upsert(actor=admin, people=[person(7, posts=("PS",))]).unchanged == 1
    # Deputies are not single seats.
    assert cadres_bulk_upsert(actor=admin, people=[person(8, posts=("VM",)), person(9, posts=("VM",))]).created == 2


@pytest.mark.django_db
def test_township_officer_is_refused_rows_outside_their_township(personas) -> None:
    officer = personas["township_a1"]
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=officer, people=[person(1), person(2, village=VILLAGE_B1)])
    assert list(exc.value.errors) == ["rows.1.village"]
    assert "不在您的管辖范围内" in exc.value.errors["rows.1.village"][0]
    assert Person.objects.count() == 0
    # A file on record elsewhere cannot be changed from here.
    cadres_bulk_upsert(actor=personas["county_b_admin"], people=[person(3, village=VILLAGE_B1)])
    moved = person(3, village=VILLAGE_A1)
    moved.id_number = make_id(3, region=COUNTY_B[:6])
    with pytest.raises(InvalidInput) as exc:
        cadres_bulk_upsert(actor=officer, people=[moved])
    assert list(exc.value.errors) == ["rows.0.id_number"]


@pytest.mark.django_db
def test_capability_is_required(personas) -> None:
    with pytest.raises(Forbidden):
        cadres_bulk_upsert(actor=personas["auditor"], people=[person(1)])


@pytest.mark.django_db
def test_queries_do_not_grow_with_rows(personas) -> None:
    admin = personas["county_a_admin"]
    counts = []
    for start, n in ((0, 3), (100, 40)):  # 40: inside one SQLite insert batch
        people = [person(start + i, posts=("VM",)) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            cadres_bulk_upsert(actor=admin, people=people)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as ctx:  # idempotent rerun: reads only, plus the audit event
        cadres_bulk_upsert(actor=admin, people=[person(100 + i, posts=("VM",)) for i in range(40)])
    assert len(ctx.captured_queries) <= 8


@pytest.mark.django_db
def test_mask_policy_resolved_once_per_county(personas) -> None:
    people = [person(i, v) for i, v in enumerate((VILLAGE_A1, VILLAGE_A1B, VILLAGE_A2, VILLAGE_B1) * 3)]
    with mock.patch.object(bulk, "policy_resolve", wraps=bulk.policy_resolve) as spy:
        assert cadres_bulk_upsert(actor=personas["prefecture_admin"], people=people).created == 12
    assert sorted(c.args[0] for c in spy.call_args_list) == ["522301000000", "522302000000"]


@pytest.mark.django_db
def test_progress_reaches_the_end(personas) -> None:
    seen: list[tuple[int, int]] = []
    cadres_bulk_upsert(actor=personas["county_a_admin"], people=roster(7), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (7, 7)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


@pytest.mark.django_db
def test_a_writer_slipping_in_between_gives_a_conflict_and_nothing_written(personas, monkeypatch) -> None:
    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(1)])
    # As if another import created person 1 after this one looked: the database's unique key decides.
    monkeypatch.setattr(bulk, "_match_existing", lambda *args, **kwargs: None)
    with pytest.raises(Conflict):
        cadres_bulk_upsert(actor=admin, people=[person(2), person(1)])
    assert Person.objects.count() == 1 and AuditEvent.objects.filter(action="cadres.import").count() == 1


@pytest.mark.django_db
def test_history_rows_name_the_importer(personas) -> None:
    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(1, posts=("PS",))], source="import")
    record = Person.history.get()
    assert record.history_user == admin and record.history_type == "+" and record.history_change_reason == "import"
    assert record.created_at is not None and record.name == "干部1" and record.village_id == VILLAGE_A1
    post = Post.history.get()
    assert post.history_user == admin and post.post == "PS" and post.organisation == "party_org"


@pytest.mark.django_db
def test_import_inside_locked_months_refreshes_their_stored_results(personas) -> None:
    """R-ATT-01, A4 / WF-8: March 2026 has 22 workdays; township A1 has locked March and April. An import
    adding a full-time post from 9 March stores March prorated (17 workdays in post) and April;
    a second import ending it on 16 March leaves March 6 and drops April. Nothing locked: no
    month recomputed."""
    from conftest import TOWNSHIP_A1
    from touyan.attendance.models import MonthResult
    from touyan.attendance.services import month_lock

    admin = personas["county_a_admin"]
    cadres_bulk_upsert(actor=admin, people=[person(2, village=VILLAGE_A2)])  # township A2: nothing locked
    assert not MonthResult.objects.exists()
    assert AuditEvent.objects.filter(action="cadres.import").last().changes["locked_months"] == 0  # type: ignore[union-attr]
    for month, today in ((dt.date(2026, 3, 1), dt.date(2026, 4, 4)), (dt.date(2026, 4, 1), dt.date(2026, 5, 4))):
        month_lock(actor=personas["township_a1"], region_code=TOWNSHIP_A1, month=month, today=today)
    start = dt.date(2026, 3, 9)
    joined = person(1, posts=())
    joined.posts = [PostIn(post="PS", start_date=start, full_time=True)]
    cadres_bulk_upsert(actor=admin, people=[joined])
    cadre = Person.objects.get(posts__start_date=start)

    def stored() -> dict[dt.date, tuple[int, int]]:
        return {r.month: (r.required_days, r.workdays_in_post) for r in MonthResult.objects.filter(person=cadre)}

    assert stored()[dt.date(2026, 3, 1)] == (17, 17)  # 9–13, 16–20, 23–27, 30–31 March
    assert set(stored()) == {dt.date(2026, 3, 1), dt.date(2026, 4, 1)}
    left = person(1, posts=())
    end = dt.date(2026, 3, 16)
    left.posts = [PostIn(post="PS", start_date=start, full_time=True, end_date=end, end_reason="resigned")]
    cadres_bulk_upsert(actor=admin, people=[left])
    assert stored() == {dt.date(2026, 3, 1): (6, 6)}  # 9–13 and 16 March
