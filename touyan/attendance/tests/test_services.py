"""Attendance on the database: presence channels, leave (WF-4, R-ATT-02/03), duty gaps,
the monthly summary (A4) and month locks (WF-8)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from conftest import COUNTY_A, PASSWORD, TOWNSHIP_A1, VILLAGE_A1
from touyan.attendance import services
from touyan.attendance.models import LeaveRequest, Presence
from touyan.attendance.selectors import duty_gap_list, monthly_summary
from touyan.attendance.workcalendar import month_calendar
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound

D = dt.date
VILLAGE_A1_2 = "522301001002"


@pytest.mark.django_db
def test_channels_make_one_record_per_day(personas, cadre_user) -> None:
    me = cadre_user()
    today = timezone.localdate()
    record, created = services.presence_record(actor=me, cadre_id=me.cadre_id, day=today)
    assert created and record.channel == "web"
    again, created = services.presence_record(actor=me, cadre_id=me.cadre_id, day=today, channel="web")
    assert not created and again.pk == record.pk
    officer = personas["township_a1"]
    _r, created = services.presence_record(actor=officer, cadre_id=me.cadre_id, day=today, channel="duty_book")
    assert not created and Presence.objects.count() == 1
    with pytest.raises(Forbidden):  # a cadre signs in only for today
        services.presence_record(actor=me, cadre_id=me.cadre_id, day=today - dt.timedelta(days=3))


@pytest.mark.django_db
def test_duty_officer_keeps_the_village_duty_book(personas, cadre_user, make_cadre) -> None:
    officer = cadre_user(posts=("VDD",))
    colleague = make_cadre(village=VILLAGE_A1, posts=("VM",))
    today = timezone.localdate()
    with pytest.raises(Forbidden):
        services.presence_record(actor=officer, cadre_id=colleague.pk, day=today, channel="duty_book")
    services.duty_set(actor=personas["township_a1"], village_code=VILLAGE_A1, day=today, cadre_ids=[officer.cadre_id])
    rec, created = services.presence_record(
        actor=officer, cadre_id=colleague.pk, day=today, channel="duty_book", kind="official_business"
    )
    assert created and rec.kind == "official_business"


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_sign_ins_make_exactly_one_record(cadre_user) -> None:
    """A7: the same cadre and date again → 200, no second record, no server error (SQLite and PostgreSQL)."""
    from django.test import RequestFactory

    from touyan.accounts.services import token_issue

    me = cadre_user()
    raw, _token = token_issue(request=RequestFactory().post("/"), username=me.username, password=PASSWORD)
    body = {"cadre": me.cadre_id, "date": timezone.localdate().isoformat(), "kind": "present", "channel": "web"}

    def sign_in(i: int) -> int:
        try:
            c = Client(headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": f"k{i % 7}"})
            return c.post("/api/v1/attendance/records", data=body, content_type="application/json").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(sign_in, range(200)))
    assert Presence.objects.filter(person_id=me.cadre_id).count() == 1
    assert sorted(set(codes)) == [200, 201] and codes.count(201) == 1


@pytest.mark.django_db
def test_five_day_leave_needs_the_township(personas, cadre_user, make_cadre) -> None:
    """R-ATT-02: >3 days → the secretary, then the township Party committee."""
    me = cadre_user(posts=("VM",))
    secretary = cadre_user(posts=("PS",), username="secretary")
    leave = services.leave_submit(
        actor=me, cadre_id=me.cadre_id, start=D(2026, 12, 7), end=D(2026, 12, 11), reason="家中有事"
    )
    assert leave.route == ["secretary", "township"] and leave.next_level == "secretary"
    with pytest.raises(Forbidden):
        services.leave_decide(actor=me, leave_id=leave.pk, approve=True)  # not one's own
    with pytest.raises(NotFound):  # outsiders learn nothing
        services.leave_decide(actor=personas["township_b1"], leave_id=leave.pk, approve=True)
    leave = services.leave_decide(actor=secretary, leave_id=leave.pk, approve=True)
    assert leave.status == "submitted" and leave.next_level == "township"
    with pytest.raises(Forbidden):
        services.leave_decide(actor=secretary, leave_id=leave.pk, approve=True)  # the township's turn
    leave = services.leave_decide(actor=personas["township_a1"], leave_id=leave.pk, approve=True)
    assert leave.status == "approved"
    short = services.leave_submit(
        actor=me, cadre_id=me.cadre_id, start=D(2026, 12, 14), end=D(2026, 12, 15), reason="体检"
    )
    short = services.leave_decide(actor=secretary, leave_id=short.pk, approve=True)
    assert short.status == "approved" and short.approvals.filter(level="liaison_record").exists()


@pytest.mark.django_db
def test_leave_in_a_blocked_period_is_refused(personas, cadre_user) -> None:
    me = cadre_user()
    services.blocked_period_declare(
        actor=personas["county_a_admin"], region_code="522301", start=D(2026, 6, 1), end=D(2026, 8, 31), reason="防汛期"
    )
    with pytest.raises(InvalidInput) as exc:
        services.leave_submit(actor=me, cadre_id=me.cadre_id, start=D(2026, 7, 1), end=D(2026, 7, 2), reason="探亲")
    assert "防汛期" in exc.value.errors["start_date"][0]


@pytest.mark.django_db
def test_leave_caps(personas, cadre_user) -> None:
    """R-ATT-02: max_single 20 days, max_year 60 days."""
    me = cadre_user()
    with pytest.raises(InvalidInput) as exc:
        services.leave_submit(actor=me, cadre_id=me.cadre_id, start=D(2026, 1, 1), end=D(2026, 1, 21), reason="x")
    assert "20" in exc.value.errors["end_date"][0]
    for start in (D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)):
        services.leave_submit(
            actor=me, cadre_id=me.cadre_id, start=start, end=start + dt.timedelta(days=19), reason="病假"
        )
    with pytest.raises(InvalidInput):
        services.leave_submit(actor=me, cadre_id=me.cadre_id, start=D(2026, 5, 4), end=D(2026, 5, 4), reason="x")


@pytest.mark.django_db
def test_not_reporting_back_makes_unexcused_days(personas, cadre_user) -> None:
    """R-ATT-03: leave 2026-03-02…03-06 approved; present every other workday but never back after it
    until 03-11 → the workdays 03-09 and 03-10 are unexcused, the leave's 5 workdays excused."""
    me = cadre_user(posts=("PDS",))
    from touyan.cadres.models import Post

    Post.objects.filter(person_id=me.cadre_id).update(full_time=True)
    leave = services.leave_submit(
        actor=personas["township_a1"], cadre_id=me.cadre_id, start=D(2026, 3, 2), end=D(2026, 3, 6), reason="探亲"
    )
    services.leave_decide(actor=personas["township_a1"], leave_id=leave.pk, approve=True)
    services.leave_decide(actor=personas["county_a_admin"], leave_id=leave.pk, approve=True)  # another user
    workdays = sorted(month_calendar(2026, 3).workdays)
    absent = {D(2026, 3, d) for d in (2, 3, 4, 5, 6, 9, 10)}
    Presence.objects.bulk_create(
        [
            Presence(person_id=me.cadre_id, village_id=VILLAGE_A1, date=d, channel="import")
            for d in workdays
            if d not in absent
        ]
    )
    row = next(r for r in monthly_summary(prefix="522301001", year=2026, month=3) if r.person_id == me.cadre_id)
    assert row.result.excused_days == 5
    assert row.result.required_days == 22 - 5
    assert row.result.present_days == 22 - 7
    assert row.result.unexcused_days == 2
    assert row.result.shortfall_days == 2


@pytest.mark.django_db
def test_monthly_summary_by_region_prefix_agrees_with_one_by_one(personas, make_cadre) -> None:
    """A4, set-based (issue #4): the region prefix selects cadres by the village of their full-time post,
    a part month is prorated, the whole country ("") has everyone, and every row equals `cadre_month`."""
    from touyan.attendance.selectors import cadre_month
    from touyan.cadres.models import Post

    whole = make_cadre(village=VILLAGE_A1, posts=("PS",))
    appointed = make_cadre(village="522301002001", posts=("VD",))  # township A2, from 03-11
    elsewhere = make_cadre(village="522302001001", posts=("VD",))  # county B
    make_cadre(village=VILLAGE_A1, posts=("VM",))  # not full-time: no A4 requirement
    Post.objects.filter(person_id=appointed.pk).update(start_date=D(2026, 3, 11))
    workdays = sorted(month_calendar(2026, 3).workdays)
    Presence.objects.bulk_create(
        [Presence(person_id=whole.pk, village_id=VILLAGE_A1, date=d, channel="import") for d in workdays[:20]]
        + [Presence(person_id=appointed.pk, village_id="522301002001", date=d, channel="import")
           for d in workdays if d >= D(2026, 3, 11)]
        + [Presence(person_id=elsewhere.pk, village_id="522302001001", date=d, channel="import") for d in workdays[:3]]
        + [Presence(person_id=whole.pk, village_id=VILLAGE_A1, date=D(2026, 2, 27), channel="import")]
    )  # fmt: skip
    county = monthly_summary(prefix="522301", year=2026, month=3)
    assert [r.person_id for r in county] == [whole.pk, appointed.pk]
    everyone = monthly_summary(prefix="", year=2026, month=3)
    assert {r.person_id for r in everyone} == {whole.pk, appointed.pk, elsewhere.pk}
    for r in everyone:
        assert r.result == cadre_month(person_id=r.person_id, village_code=r.village_id, year=2026, month=3).result
    by_id = {r.person_id: r.result for r in everyone}
    assert (by_id[whole.pk].required_days, by_id[whole.pk].present_days, by_id[whole.pk].shortfall_days) == (22, 20, 2)
    assert by_id[appointed.pk].workdays_in_post == len([d for d in workdays if d >= D(2026, 3, 11)])
    assert by_id[appointed.pk].shortfall_days == 0 and by_id[elsewhere.pk].present_days == 3


@pytest.mark.django_db
def test_monthly_summary_sql_path_agrees_with_cadre_month_for_part_months_and_leave(personas, make_cadre) -> None:
    """A4 / R-ATT-01, issue #4: the summary's plain-SQL path (posts grouped per cadre into the span in
    post, presence counted per cadre) equals `cadre_month` for part months (a post starting or ending in
    the month, two posts), leave (approved, returned, still waiting), presence on rest days and outside
    the month, no presence at all, and for every prefix (whole country "", county, township, village);
    rows come in village, then cadre order."""
    from touyan.attendance.selectors import cadre_month
    from touyan.cadres.models import Post

    status = LeaveRequest.Status
    whole = make_cadre(village=VILLAGE_A1, posts=("PS",))
    starts = make_cadre(village=VILLAGE_A1, posts=("VD",))
    ends = make_cadre(village="522301001002", posts=("PS",))
    two = make_cadre(village="522301002001", posts=("PS", "VD"))
    on_leave = make_cadre(village="522301001002", posts=("VD",))
    returned = make_cadre(village="522302001001", posts=("PS",))
    waiting = make_cadre(village="522302001001", posts=("VD",))
    make_cadre(village=VILLAGE_A1, posts=("VM",))  # not full-time
    Post.objects.filter(person_id=starts.pk).update(start_date=D(2026, 3, 11))
    Post.objects.filter(person_id=ends.pk).update(end_date=D(2026, 3, 16))
    ps, vd = Post.objects.filter(person_id=two.pk).order_by("post")
    Post.objects.filter(pk=ps.pk).update(end_date=D(2026, 3, 6))
    Post.objects.filter(pk=vd.pk).update(start_date=D(2026, 3, 20))
    absent = make_cadre(village="522301001002", posts=("PS",))  # the seat `ends` left; no presence
    for person, start, end, state in (
        (on_leave, D(2026, 3, 2), D(2026, 3, 6), status.APPROVED),
        (on_leave, D(2026, 2, 25), D(2026, 3, 3), status.APPROVED),  # overlaps the previous one and February
        (returned, D(2026, 3, 27), D(2026, 4, 3), status.RETURNED),
        (waiting, D(2026, 3, 9), D(2026, 3, 13), status.SUBMITTED),
        (starts, D(2026, 3, 2), D(2026, 3, 12), status.APPROVED),  # partly before the post starts
    ):
        LeaveRequest.objects.create(
            person=person,
            village_id=person.village_id,
            start_date=start,
            end_date=end,
            days=1,
            reason="事假",
            status=state,
        )
    days = [D(2026, 3, d) for d in range(1, 32)]
    Presence.objects.bulk_create(
        [
            Presence(person_id=p.pk, village_id=p.village_id, date=d, channel="import")
            for i, p in enumerate((whole, starts, ends, two, on_leave, returned, waiting))
            for d in days
            if (d.day + i) % 4
        ]
        + [
            Presence(person_id=p.pk, village_id=p.village_id, date=D(2026, 4, 1), channel="import")
            for p in (whole, two)
        ]
    )
    everyone = monthly_summary(prefix="", year=2026, month=3)
    assert {r.person_id for r in everyone} == {
        p.pk for p in (whole, starts, ends, two, on_leave, returned, waiting, absent)
    }
    assert [(r.village_id, r.person_id) for r in everyone] == sorted((r.village_id, r.person_id) for r in everyone)
    for r in everyone:
        assert r.result == cadre_month(person_id=r.person_id, village_code=r.village_id, year=2026, month=3).result
        assert r.village_name and r.name
    by_id = {r.person_id: r.result for r in everyone}
    assert by_id[absent.pk].present_days == 0 and by_id[absent.pk].unexcused_days == 22
    assert by_id[on_leave.pk].excused_days == 5 and by_id[starts.pk].excused_days == 2
    assert by_id[waiting.pk].excused_days == 0 and by_id[returned.pk].excused_days == 3
    assert by_id[two.pk].workdays_in_post == 22  # the span in post runs from the first post's start to the last's end
    for prefix in ("522301", "522301001", VILLAGE_A1, "522302001001"):
        assert monthly_summary(prefix=prefix, year=2026, month=3) == [
            r for r in everyone if r.village_id.startswith(prefix)
        ]
    assert monthly_summary(prefix="522303", year=2026, month=3) == []


@pytest.mark.django_db
def test_duty_gap_appears_on_the_township_list(personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("VM",))
    officer = personas["township_a1"]
    for day in month_calendar(2026, 3).workdays | {D(2026, 3, d) for d in range(1, 32)}:
        if day != D(2026, 3, 10):
            services.duty_set(actor=officer, village_code=VILLAGE_A1, day=day, cadre_ids=[person.pk])
            Presence.objects.get_or_create(
                person=person, date=day, defaults={"village_id": VILLAGE_A1, "channel": "import"}
            )
    gaps = duty_gap_list(
        prefix="522301001", year=2026, month=3, villages=[(VILLAGE_A1, "坪东社区"), ("522301001002", "栗坪村")]
    )
    mine = next(g for g in gaps if g["village"] == VILLAGE_A1)
    assert mine["gaps"] == [(D(2026, 3, 10), 0)]
    assert any(g["village"] == "522301001002" and len(g["gaps"]) == 31 for g in gaps)


@pytest.mark.django_db
def test_month_lock_after_day_three_and_corrections(personas, cadre_user) -> None:
    officer = personas["township_a1"]
    with pytest.raises(InvalidInput):
        services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 3, 1), today=D(2026, 4, 3))
    services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 3, 1), today=D(2026, 4, 4))
    with pytest.raises(Conflict):
        services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 3, 1), today=D(2026, 4, 5))
    me = cadre_user()
    with pytest.raises(Conflict):
        services.presence_record(actor=officer, cadre_id=me.cadre_id, day=D(2026, 3, 9), channel="duty_book")
    _rec, created = services.presence_record(
        actor=officer, cadre_id=me.cadre_id, day=D(2026, 3, 9), channel="duty_book", correction_reason="补录值班簿"
    )
    assert created
    from touyan.audit.models import AuditEvent

    assert AuditEvent.objects.get(action="attendance.presence.correct").reason == "补录值班簿"
    with pytest.raises(Forbidden):
        services.month_lock(actor=me, region_code=TOWNSHIP_A1, month=D(2026, 4, 1), today=D(2026, 5, 4))


@pytest.mark.django_db
def test_presence_import_is_all_or_nothing_and_idempotent(personas, make_cadre) -> None:
    a = make_cadre(village=VILLAGE_A1)
    b = make_cadre(village="522302001001")
    officer = personas["township_a1"]
    rows = [services.ImportRow(a.pk, D(2026, 3, 2)), services.ImportRow(b.pk, D(2026, 3, 2))]
    with pytest.raises(InvalidInput) as exc:
        services.presence_import(actor=officer, rows=rows)
    assert "rows.1.cadre" in exc.value.errors and Presence.objects.count() == 0
    assert services.presence_import(actor=officer, rows=rows[:1]) == (1, 0)
    assert services.presence_import(actor=officer, rows=rows[:1]) == (0, 1)
    assert LeaveRequest.objects.count() == 0


@pytest.mark.django_db
def test_month_lock_stores_each_cadres_month_and_corrections_update_it(personas, make_cadre) -> None:
    """WF-8 / issue #6: the lock keeps every full-time cadre's month (MonthResult) equal to the
    monthly summary; a correction after the lock (late presence, leave approved) updates it."""
    from touyan.attendance.models import MonthResult

    officer = personas["township_a1"]
    a = make_cadre(village=VILLAGE_A1, posts=("PS",))
    b = make_cadre(village=VILLAGE_A1, posts=("VD",))
    make_cadre(village=VILLAGE_A1, posts=("VM",))  # part-time: no month kept
    days = sorted(month_calendar(2026, 3).workdays)
    Presence.objects.bulk_create(
        [Presence(person=a, village_id=VILLAGE_A1, date=d, channel="import") for d in days[:18]]
    )
    Presence.objects.bulk_create(
        [Presence(person=b, village_id=VILLAGE_A1, date=d, channel="import") for d in days[3:]]
    )
    services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 3, 1), today=D(2026, 4, 4))

    def stored() -> dict[int, tuple[int, ...]]:
        return {
            r.person_id: (r.required_days, r.present_days, r.excused_days, r.shortfall_days, r.unexcused_days)
            for r in MonthResult.objects.filter(month=D(2026, 3, 1))
        }

    def summary() -> dict[int, tuple[int, ...]]:
        return {
            row.person_id: (
                row.result.required_days,
                row.result.present_days,
                row.result.excused_days,
                row.result.shortfall_days,
                row.result.unexcused_days,
            )
            for row in monthly_summary(prefix=TOWNSHIP_A1[:9], year=2026, month=3)
        }

    assert stored() == summary() and set(stored()) == {a.pk, b.pk}
    assert stored()[a.pk][1] == 18
    services.presence_record(
        actor=officer, cadre_id=a.pk, day=days[18], channel="duty_book", correction_reason="补录值班簿"
    )
    assert stored()[a.pk][1] == 19 and stored() == summary()
    leave = services.leave_submit(actor=officer, cadre_id=b.pk, start=days[0], end=days[2], reason="补办病假")
    while leave.status == LeaveRequest.Status.SUBMITTED:
        leave = services.leave_decide(actor=officer, leave_id=leave.pk, approve=True)
    assert stored()[b.pk][2] == 3 and stored() == summary()


@pytest.mark.django_db
def test_record_post_hot_path_statements(personas, make_cadre, api_client) -> None:
    """Issue #4: with the token remembered from the first request (accounts.services.token_user), a
    new record costs one read (cadre in scope and the month lock), the record and its audit event;
    a repeat, the read, the failed insert and one read of the existing record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cadre = make_cadre(posts=("PS",))
    client = api_client(personas["township_a1"])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": str(yesterday - dt.timedelta(days=1))},
                content_type="application/json")  # fmt: skip
    body = {"cadre": cadre.pk, "date": str(yesterday), "channel": "duty_book"}
    with CaptureQueriesContext(connection) as new:
        response = client.post("/api/v1/attendance/records", body, content_type="application/json")
    assert response.status_code == 201
    statements = [q["sql"] for q in new.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 3, statements
    with CaptureQueriesContext(connection) as repeat:
        response = client.post("/api/v1/attendance/records", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["cadre"] == cadre.pk
    assert Presence.objects.filter(person_id=cadre.pk, date=yesterday).count() == 1
    assert (
        len([q for q in repeat.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]) == 3
    )


@pytest.mark.django_db(transaction=True)
def test_check_in_fast_path_writes_what_the_ordinary_path_writes(personas, make_cadre, cadre_user, api_client) -> None:
    """Issue #4, the hot path on PostgreSQL outside a transaction: a plainly allowed new record is
    one statement once the token is remembered (cadre in reach, month unlocked, record, audit event); everything
    else falls back to the ordinary path and gets its answer (404 out of reach, 409 locked, 200 a
    repeat, 403 not one's own). The rows equal those the ordinary path writes (A4)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.attendance.models import MonthLock
    from touyan.audit.models import AuditEvent

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's; elsewhere the ordinary path runs")
    cadre = make_cadre(posts=("PS",))
    officer = personas["township_a1"]
    client = api_client(officer)
    day = timezone.localdate() - dt.timedelta(days=1)
    body = {"cadre": cadre.pk, "date": str(day), "channel": "duty_book"}
    client.post(
        "/api/v1/attendance/records", {**body, "date": str(day - dt.timedelta(days=1))}, content_type="application/json"
    )  # fmt: skip  (the token's first use checks and touches it; later uses find it remembered)
    with CaptureQueriesContext(connection) as new:
        response = client.post("/api/v1/attendance/records", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert len(new.captured_queries) == 1, [q["sql"] for q in new.captured_queries]
    record = Presence.objects.get(pk=response.json()["id"])
    assert (record.person_id, record.village_id, record.date, record.kind, record.channel, record.recorded_by_id) == (
        cadre.pk, VILLAGE_A1, day, "present", "duty_book", officer.pk,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="attendance.presence", object_id=str(record.pk))
    assert (event.actor_id, event.region_code, event.object_type) == (officer.pk, VILLAGE_A1, "attendance.presence")
    assert event.changes == {"date": [None, str(day)], "kind": [None, "present"], "channel": [None, "duty_book"]}

    # The same record through the ordinary path (inside a transaction) writes the same columns.
    twin = make_cadre(posts=("VM",))
    with transaction.atomic():
        slow, created = services.presence_record(actor=officer, cadre_id=twin.pk, day=day, channel="duty_book")
    slow_event = AuditEvent.objects.get(action="attendance.presence", object_id=str(slow.pk))
    assert created and slow.village_id == record.village_id and slow.kind == record.kind
    assert (slow_event.region_code, slow_event.changes, slow_event.actor_username) == (
        event.region_code, event.changes, event.actor_username,
    )  # fmt: skip

    repeat = client.post("/api/v1/attendance/records", body, content_type="application/json")
    assert repeat.status_code == 200 and repeat.json()["id"] == record.pk
    outsider = api_client(personas["township_b1"])
    far = outsider.post("/api/v1/attendance/records", {**body, "date": str(day - dt.timedelta(days=5))},
                        content_type="application/json")  # fmt: skip
    assert far.status_code == 404
    month = (day - dt.timedelta(days=40)).replace(day=1)
    MonthLock.objects.create(region_id=TOWNSHIP_A1, month=month, locked_by=officer)
    locked = client.post("/api/v1/attendance/records", {**body, "date": str(month)}, content_type="application/json")
    assert locked.status_code == 409
    assert not Presence.objects.filter(date__in=[month, day - dt.timedelta(days=5)]).exists()

    me = cadre_user()
    mine = api_client(me)
    today = str(timezone.localdate())
    with CaptureQueriesContext(connection) as own:
        signed = mine.post("/api/v1/attendance/records", {"cadre": me.cadre_id, "date": today},
                           content_type="application/json")  # fmt: skip
    assert signed.status_code == 201 and len(own.captured_queries) <= 3  # token (+ its first touch) and one
    other = mine.post("/api/v1/attendance/records", {"cadre": cadre.pk, "date": today}, content_type="application/json")
    assert other.status_code == 403
    assert Presence.objects.filter(person_id=cadre.pk).count() == 2  # the two days above, nothing from the others


# --- location fences for web sign-in (A4 Compliance, R-ATT-04, R-DATA-01) ---

# 坪东社区 (VILLAGE_A1)'s fence: centre 25.0918 N 104.8954 E, 500 m. The cadres' positions below use
# digits that appear nowhere else, so a search of the whole database for them means something.
CENTRE = (Decimal("25.091800"), Decimal("104.895400"))
NEAR = (Decimal("25.096300"), Decimal("104.895400"))  # 0.0045° north: 500 m, on the boundary
FAR = (Decimal("25.117345"), Decimal("104.871234"))  # about 3.7 km north-west
POSITION_TEXT = ("25.0963", "25.117345", "104.871234", "25.117", "104.871")


def _location_on(personas, code: str = COUNTY_A) -> None:
    from touyan.policy.services import policy_put

    policy_put(actor=personas["county_a_admin"], region_code=code, effective_from=D(2026, 1, 1),
               params={"location_check": True})  # fmt: skip


def _fence(personas, village: str = VILLAGE_A1, radius: int = 500) -> None:
    services.fence_set(
        actor=personas["township_a1"], village_code=village, latitude=CENTRE[0], longitude=CENTRE[1], radius_m=radius
    )


def _every_stored_value() -> str:
    """Every value of every row of every table, as text (the position must be in none of them)."""
    from django.db import connection

    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(parts)


@pytest.mark.django_db
def test_sign_in_inside_and_outside_the_fence_keeps_only_the_result(personas, cadre_user, caplog) -> None:
    """A4 / R-ATT-04: location on and a fence: the record keeps inside/outside and the distance;
    the position is in no table (record, audit event, anything else) and in no log line."""
    import logging

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from touyan.audit.models import AuditEvent

    _location_on(personas)
    _fence(personas)
    near, far = cadre_user(), cadre_user()
    today = timezone.localdate()
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as sent:  # also logs every statement to django.db.backends
        a, created_a = services.presence_record(actor=near, cadre_id=near.cadre_id, day=today, position=NEAR)
        b, created_b = services.presence_record(actor=far, cadre_id=far.cadre_id, day=today, position=FAR)
    assert created_a and created_b
    assert (a.inside_fence, a.distance_m) == (True, 500)
    assert b.inside_fence is False and b.distance_m is not None and 3500 < b.distance_m < 4000
    stored = Presence.objects.values_list("person_id", "inside_fence", "distance_m")
    assert set(stored) == {(near.cadre_id, True, 500), (far.cadre_id, False, b.distance_m)}
    events = AuditEvent.objects.filter(action="attendance.presence").order_by("id")
    assert [e.changes["inside_fence"] for e in events] == [[None, True], [None, False]]
    assert [e.changes["distance_m"] for e in events] == [[None, 500], [None, b.distance_m]]
    everything = _every_stored_value() + "\n".join(q["sql"] for q in sent.captured_queries) + caplog.text
    assert "25.0918" in everything  # the search works: the fence's own centre is stored, and audited
    for text in POSITION_TEXT:
        assert text not in everything, text


@pytest.mark.django_db
def test_location_off_no_fence_or_no_position_keeps_nothing_and_the_sign_in_stands(personas, cadre_user) -> None:
    """A4: location is a check, not a gate. Off: the position is ignored even with a fence; on
    without a fence: nothing kept; on with a fence but no position (refused, no GPS): accepted, null."""
    from touyan.audit.models import AuditEvent

    today = timezone.localdate()
    _fence(personas)
    off = cadre_user()
    record, created = services.presence_record(actor=off, cadre_id=off.cadre_id, day=today, position=NEAR)
    assert created and (record.inside_fence, record.distance_m) == (None, None)

    _location_on(personas)
    unfenced = cadre_user(village=VILLAGE_A1_2)
    record, created = services.presence_record(actor=unfenced, cadre_id=unfenced.cadre_id, day=today, position=NEAR)
    assert created and (record.inside_fence, record.distance_m) == (None, None)

    refused = cadre_user()
    record, created = services.presence_record(actor=refused, cadre_id=refused.cadre_id, day=today)
    assert created and (record.inside_fence, record.distance_m) == (None, None)

    assert Presence.objects.filter(inside_fence__isnull=True, distance_m__isnull=True).count() == 3
    assert not AuditEvent.objects.filter(action="attendance.presence", changes__has_key="inside_fence").exists()
    # The control: the same village, policy and fence do check a position sent with the sign-in.
    checked = cadre_user()
    record, _created = services.presence_record(actor=checked, cadre_id=checked.cadre_id, day=today, position=NEAR)
    assert record.inside_fence is True


@pytest.mark.django_db
def test_position_counts_only_for_the_cadres_own_web_sign_in(personas, cadre_user, make_cadre) -> None:
    """A position sent with the duty book, or by an officer recording for someone else, is not the
    cadre's: it is ignored (A4)."""
    _location_on(personas)
    _fence(personas)
    officer = personas["township_a1"]
    today = timezone.localdate()
    a, b = make_cadre(), make_cadre()
    record, created = services.presence_record(
        actor=officer, cadre_id=a.pk, day=today, channel="duty_book", position=NEAR
    )
    assert created and record.inside_fence is None and record.distance_m is None
    record, created = services.presence_record(actor=officer, cadre_id=b.pk, day=today, channel="web", position=NEAR)
    assert created and record.inside_fence is None
    me = cadre_user()
    record, _created = services.presence_record(actor=me, cadre_id=me.cadre_id, day=today, channel="web", position=FAR)
    assert record.inside_fence is False


@pytest.mark.django_db
def test_a_position_out_of_range_is_refused_by_field(personas, cadre_user) -> None:
    me = cadre_user()
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as exc:
        services.presence_record(actor=me, cadre_id=me.cadre_id, day=today, position=(Decimal("91"), Decimal("-181")))
    assert set(exc.value.errors) == {"latitude", "longitude"} and "-90" in exc.value.errors["latitude"][0]
    assert Presence.objects.count() == 0


@pytest.mark.django_db
def test_without_a_position_the_sign_in_reads_neither_fence_nor_policy(personas, cadre_user) -> None:
    """Issue #4: the hot path without a position sends the statements it sent before fences
    existed (the cadre-and-lock read, the record with its audit event), even where location is on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _location_on(personas)
    _fence(personas)
    me, other = cadre_user(), cadre_user()
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as plain:
        services.presence_record(actor=me, cadre_id=me.cadre_id, day=today)
    sql = [q["sql"] for q in plain.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert not [s for s in sql if "villagefence" in s or "policydocument" in s], sql
    with CaptureQueriesContext(connection) as located:
        services.presence_record(actor=other, cadre_id=other.cadre_id, day=today, position=NEAR)
    assert any("villagefence" in q["sql"] for q in located.captured_queries)  # the control
    assert len(located.captured_queries) > len(plain.captured_queries)


@pytest.mark.django_db
def test_fence_set_and_clear_are_scoped_validated_and_audited(personas, cadre_user) -> None:
    from touyan.attendance.models import VillageFence
    from touyan.audit.models import AuditEvent

    officer = personas["township_a1"]
    fence = services.fence_set(
        actor=officer, village_code=VILLAGE_A1, latitude=Decimal("25.09180049"), longitude=Decimal("104.8954"),
        radius_m=800,
    )  # fmt: skip
    assert (fence.latitude, fence.longitude, fence.radius_m) == (Decimal("25.091800"), Decimal("104.895400"), 800)
    assert fence.updated_by == officer
    event = AuditEvent.objects.get(action="attendance.fence.set")
    assert event.object_id == VILLAGE_A1 and event.region_code == VILLAGE_A1
    assert event.changes == {
        "latitude": [None, "25.091800"], "longitude": [None, "104.895400"], "radius_m": [None, 800]
    }  # fmt: skip
    services.fence_set(actor=officer, village_code=VILLAGE_A1, latitude=CENTRE[0], longitude=CENTRE[1], radius_m=800)
    assert AuditEvent.objects.filter(action="attendance.fence.set").count() == 1  # nothing changed, nothing audited
    services.fence_set(actor=officer, village_code=VILLAGE_A1, latitude=CENTRE[0], longitude=CENTRE[1], radius_m=600)
    assert AuditEvent.objects.filter(action="attendance.fence.set").order_by("-id")[0].changes == {
        "latitude": ["25.091800", "25.091800"], "longitude": ["104.895400", "104.895400"], "radius_m": [800, 600]
    }  # fmt: skip

    with pytest.raises(InvalidInput) as exc:
        services.fence_set(actor=officer, village_code=VILLAGE_A1, latitude=CENTRE[1], longitude=CENTRE[0],
                           radius_m=10)  # fmt: skip
    assert set(exc.value.errors) == {"latitude", "longitude", "radius_m"}
    with pytest.raises(InvalidInput) as exc:
        services.fence_set(actor=officer, village_code=TOWNSHIP_A1, latitude=CENTRE[0], longitude=CENTRE[1],
                           radius_m=500)  # fmt: skip
    assert "village" in exc.value.errors
    with pytest.raises(NotFound):  # another county's officer learns nothing
        services.fence_set(actor=personas["township_b1"], village_code=VILLAGE_A1, latitude=CENTRE[0],
                           longitude=CENTRE[1], radius_m=500)  # fmt: skip
    with pytest.raises(NotFound):
        services.fence_clear(actor=personas["township_b1"], village_code=VILLAGE_A1)
    with pytest.raises(Forbidden):  # a village cadre does not set their own fence
        me = cadre_user()
        services.fence_set(actor=me, village_code=VILLAGE_A1, latitude=CENTRE[0], longitude=CENTRE[1], radius_m=500)
    assert VillageFence.objects.get().radius_m == 600

    assert services.fence_clear(actor=officer, village_code=VILLAGE_A1) is True
    assert not VillageFence.objects.exists()
    assert AuditEvent.objects.get(action="attendance.fence.clear").changes == {
        "latitude": ["25.091800", None], "longitude": ["104.895400", None], "radius_m": [600, None]
    }  # fmt: skip
    assert services.fence_clear(actor=officer, village_code=VILLAGE_A1) is False
    assert AuditEvent.objects.filter(action="attendance.fence.clear").count() == 1


@pytest.mark.django_db
def test_post_begun_or_ended_inside_locked_months_updates_their_stored_results(personas, make_cadre) -> None:
    """R-ATT-01, A4 / WF-8: March 2026 has 22 workdays. A full-time post ended on 16 March after the township
    locked March and April keeps March's 11 workdays in post and loses April's row; a full-time
    post added back-dated to 9 March gets March prorated (17 workdays in post) and April whole."""
    from touyan.attendance.models import MonthResult
    from touyan.attendance.selectors import cadre_month
    from touyan.cadres.models import Post
    from touyan.cadres.services import PostIn, post_add, post_end_for_exit

    officer = personas["township_a1"]
    a = make_cadre(posts=("PS",))
    b = make_cadre(posts=("VM",))
    services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 3, 1), today=D(2026, 4, 4))
    services.month_lock(actor=officer, region_code=TOWNSHIP_A1, month=D(2026, 4, 1), today=D(2026, 5, 4))

    def stored(person_id: int, month: dt.date) -> tuple[int, int] | None:
        row = MonthResult.objects.filter(person_id=person_id, month=month).first()
        return None if row is None else (row.required_days, row.workdays_in_post)

    def computed(person_id: int, month: dt.date) -> tuple[int, int]:
        r = cadre_month(person_id=person_id, village_code=VILLAGE_A1, year=month.year, month=month.month).result
        return r.required_days, r.workdays_in_post

    assert stored(a.pk, D(2026, 3, 1)) == (22, 22) and stored(b.pk, D(2026, 3, 1)) is None
    post_end_for_exit(
        actor=officer, post_id=Post.objects.get(person=a).pk, end_date=D(2026, 3, 16), end_reason="resigned"
    )
    assert stored(a.pk, D(2026, 3, 1)) == computed(a.pk, D(2026, 3, 1))
    assert stored(a.pk, D(2026, 3, 1)) == (11, 11)  # 2–6, 9–13 and 16 March
    assert stored(a.pk, D(2026, 4, 1)) is None
    post_add(actor=officer, cadre_id=b.pk, data=PostIn(post="VD", start_date=D(2026, 3, 9), full_time=True))
    assert stored(b.pk, D(2026, 3, 1)) == computed(b.pk, D(2026, 3, 1))
    assert stored(b.pk, D(2026, 3, 1)) == (17, 17)  # 9–13, 16–20, 23–27, 30–31 March
    assert stored(b.pk, D(2026, 4, 1)) == computed(b.pk, D(2026, 4, 1)) != (0, 0)


@pytest.mark.django_db
def test_one_user_does_not_approve_two_levels_of_a_leave(personas, cadre_user, api_client) -> None:
    """R-ATT-02 (separation of duties): a 5-day leave goes secretary → township; the township
    officer who signed for the secretary is refused the township's level (403, page and API
    alike), and nothing changes; a colleague then approves it."""
    me = cadre_user(posts=("VM",))
    officer, colleague = personas["township_a1"], personas["county_a_admin"]
    leave = services.leave_submit(
        actor=me, cadre_id=me.cadre_id, start=D(2026, 12, 7), end=D(2026, 12, 11), reason="家中有事"
    )
    leave = services.leave_decide(actor=officer, leave_id=leave.pk, approve=True)
    assert (leave.status, leave.next_level) == ("submitted", "township")
    assert not services.can_decide(officer, leave) and services.can_decide(colleague, leave)
    with pytest.raises(Forbidden, match="同一人不能连续办理两级审批"):
        services.leave_decide(actor=officer, leave_id=leave.pk, approve=True)
    api = api_client(officer)
    response = api.post(f"/api/v1/leave-requests/{leave.pk}/approve", {}, content_type="application/json")
    assert response.status_code == 403
    leave.refresh_from_db()
    assert (leave.status, leave.next_level, leave.approvals.count()) == ("submitted", "township", 1)
    leave = services.leave_decide(actor=colleague, leave_id=leave.pk, approve=True)
    assert leave.status == "approved"
