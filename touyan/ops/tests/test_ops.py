"""Operations (issue 21): /healthz, the stale-job reaper and upload removal, tries after a killed
worker, an import that answers its client, the shared-strings cap, retention (R-DATA-07), and the
backup → wipe → restore drill on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from conftest import VILLAGE_A1
from touyan.core.jobs import job_fail, job_finish, job_start, job_upload
from touyan.core.models import Job
from touyan.core.queue import job_attempt


@pytest.fixture
def job_root(settings: Any, tmp_path: Path) -> Path:
    settings.TOUYAN_JOB_ROOT = tmp_path / "jobs"
    return settings.TOUYAN_JOB_ROOT


# --- /healthz -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_ok_without_login() -> None:
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_part_that_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from touyan.ops import health

    monkeypatch.setattr(health, "database_up", lambda: False)
    r = Client().get("/healthz")
    assert r.status_code == 503 and r.json()["down"] == ["database"]
    monkeypatch.undo()
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        r = Client().get("/healthz")
    assert r.status_code == 503 and r.json()["down"] == ["broker"]


# --- jobs: uploads removed, stale jobs reaped, tries counted ---------------------------------------


@pytest.mark.django_db
def test_an_upload_is_removed_when_its_job_ends(personas, job_root: Path) -> None:
    """Issue 21 finding 5: the workbook (plaintext ID numbers) goes when the job is done or failed."""
    for end in (lambda j: job_finish(j), lambda j: job_fail(j, message="x")):
        job = job_start(actor=personas["township_a1"], kind="cadres.import")
        upload = job_upload(job)
        upload.write_bytes(b"PK...")
        end(job)
        assert not upload.exists()


@pytest.mark.django_db
def test_the_reaper_fails_stale_jobs_and_removes_their_uploads(personas, job_root: Path) -> None:
    """A job still running two hours after it began had its process killed: failed, upload removed."""
    actor = personas["township_a1"]
    stale, fresh, ended = (job_start(actor=actor, kind="cadres.import") for _ in range(3))
    for job in (stale, fresh, ended):
        job_upload(job).write_bytes(b"PK...")
    Job.objects.filter(pk=stale.pk).update(status=Job.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=3))
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    Job.objects.filter(pk=ended.pk).update(status=Job.Status.DONE)  # ended without its cleanup (killed)
    call_command("reap_jobs", stdout=io.StringIO())
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Job.Status.FAILED and "中断" in stale.message
    assert fresh.status == Job.Status.RUNNING and job_upload(fresh).exists()
    assert not job_upload(stale).exists() and not job_upload(ended).exists()
    from touyan.ops.tasks import reap_stale_jobs_task

    assert reap_stale_jobs_task.delay().get() == {"failed": 0, "uploads_removed": 0}


@pytest.mark.django_db
def test_a_task_delivered_again_is_tried_a_bounded_number_of_times(personas, settings: Any) -> None:
    """acks_late: a killed worker's task comes again; the job counts the tries, skips an ended job,
    and fails on the try after TOUYAN_TASK_MAX_ATTEMPTS — never stuck, never looping."""
    settings.TOUYAN_TASK_MAX_ATTEMPTS = 2
    job = job_start(actor=personas["township_a1"], kind="cadres.export")
    assert job_attempt(job.pk) is not None and job_attempt(job.pk) is not None
    assert job_attempt(job.pk) is None
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.outcome["attempts"] == 3
    assert job_attempt(job.pk) is None  # ended: skipped
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


# --- the import answers its client (SQLite), shared strings capped --------------------------------


def _roster_file(rows: int) -> bytes:
    from touyan.cadres.tests.test_excel import row, xlsx

    return xlsx([row(i, 专职="否") for i in range(1, rows + 1)])  # part-time: no quota (R-POS-01) in one village


@pytest.mark.django_db(transaction=True)
def test_the_import_page_answers_at_once_and_the_job_finishes(personas, job_root: Path, settings: Any) -> None:
    """Issue 21 finding 5: with no broker the page's task runs in a background thread, so the upload
    request answers at once (a long import no longer times the client out); the job ends done and
    its upload is gone."""
    settings.TOUYAN_EAGER_BACKGROUND = True
    c = Client()
    c.force_login(personas["county_a_admin"])
    r = c.post("/cadres/excel/import/", {"file": SimpleUploadedFile("花名册.xlsx", _roster_file(30))})
    assert r.status_code == 302
    job = Job.objects.get(kind="cadres.import")
    for _ in range(200):
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.05)
    assert job.status == Job.Status.DONE, job.message
    assert job.outcome["created"] == 30 and not list(job_root.rglob("upload*"))
    assert c.get(r["Location"]).status_code == 200


def test_shared_strings_are_capped() -> None:
    """A small upload that unpacks to 100 MB of shared strings is refused without reading them (it
    took a server from 257 MB to 836 MB)."""
    from touyan.cadres.excel import MAX_SHARED_BYTES, read_roster
    from touyan.core.errors import InvalidInput

    good = _roster_file(1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(100_000):
                fh.write(chunk)
            fh.write(b"</sst>")
    data = buffer.getvalue()
    assert len(data) < 1_000_000 and MAX_SHARED_BYTES < 100 * 1024 * 1024
    tracemalloc.start()
    with pytest.raises(InvalidInput) as exc:
        read_roster(io.BytesIO(data))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "文字内容过多" in exc.value.text() and peak < 20 * 1024 * 1024


# --- retention (R-DATA-07) ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_older_than_five_years_is_purged_and_others_can_register(make_cadre) -> None:
    """R-DATA-07: leave and attendance older than `attendance_retention_years` (5) go; newer stay; the
    selection app's joint-review purge plugs in through the registry."""
    from touyan.attendance.models import LeaveRequest, Presence
    from touyan.audit.models import AuditEvent
    from touyan.ops import retention

    person = make_cadre()
    today = dt.date(2026, 6, 1)
    for day in (dt.date(2021, 5, 31), dt.date(2021, 6, 2), dt.date(2025, 1, 1)):
        Presence.objects.create(person=person, village_id=VILLAGE_A1, date=day, channel="import")
    LeaveRequest.objects.create(person=person, village_id=VILLAGE_A1, start_date=dt.date(2020, 3, 2),
                                end_date=dt.date(2020, 3, 3), days=2, reason="事假")  # fmt: skip
    calls: list[dt.date] = []

    def joint_review_purge(day: dt.date) -> int:
        calls.append(day)
        return 0

    retention.register("selection.joint_review", joint_review_purge)
    try:
        report = retention.purge_all(today)
    finally:
        retention._REGISTRY.pop("selection.joint_review")
    assert sorted(Presence.objects.values_list("date", flat=True)) == [dt.date(2021, 6, 2), dt.date(2025, 1, 1)]
    assert not LeaveRequest.objects.exists() and report.deleted["attendance"] == 2 and calls == [today]
    assert AuditEvent.objects.filter(action="ops.retention.purge").count() == 1
    from django.conf import settings

    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} >= {"touyan.ops.tasks.retention_purge_task"}


# --- backup → wipe → restore ------------------------------------------------------------------------


def _business_data() -> dict[str, list[Any]]:
    from touyan.accounts.models import User
    from touyan.attendance.models import Presence
    from touyan.audit.models import AuditEvent
    from touyan.cadres.models import Person, Post
    from touyan.regions.models import Region

    return {
        "regions": list(Region.objects.order_by("code").values_list("code", "name", "parent_id")),
        "people": list(Person.objects.order_by("pk").values_list("pk", "name", "id_enc", "id_hash", "id_masked")),
        "posts": list(Post.objects.order_by("pk").values_list("pk", "person_id", "post", "start_date")),
        "presence": list(Presence.objects.order_by("pk").values_list("pk", "person_id", "date")),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password", "role")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "object_id")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_drill(make_cadre, tmp_path: Path) -> None:
    """Issue 21: back up, wipe, restore — business data identical and every ID number decrypts."""
    from touyan.attendance.models import Presence
    from touyan.cadres.models import Person
    from touyan.core import crypto

    people = [make_cadre(name=f"演练{i}") for i in range(5)]
    Presence.objects.create(person=people[0], village_id=VILLAGE_A1, date=dt.date(2026, 3, 2), channel="web")
    before = _business_data()
    numbers = {p.pk: crypto.decrypt(p.id_enc, context="id_number") for p in Person.objects.all()}
    target = tmp_path / "drill.backup"
    call_command("backup", "--output", str(target), stdout=io.StringIO())
    assert target.is_file() and Path(f"{target}.json").is_file()
    call_command("flush", "--noinput", verbosity=0)
    assert not Person.objects.exists()
    with pytest.raises(Exception, match="--yes"):
        call_command("restore", str(target), stdout=io.StringIO())
    call_command("restore", str(target), "--yes", stdout=io.StringIO())
    assert _business_data() == before
    assert {p.pk: crypto.decrypt(p.id_enc, context="id_number") for p in Person.objects.all()} == numbers
    # A backup written under another data key is refused: its numbers would not decrypt.
    other_key = override_settings(TOUYAN_DATA_KEY="b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDA=")
    with other_key, pytest.raises(Exception, match="TOUYAN_DATA_KEY"):
        call_command("restore", str(target), "--yes", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_second_delivery_of_a_running_task_stops(personas) -> None:
    """The broker may deliver a message twice (seen on the national batch over Redis): while one
    delivery holds the job (a PostgreSQL advisory lock), another one does nothing."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    from touyan.core.queue import LOCK_CLASS

    if connection.vendor != "postgresql":
        pytest.skip("the claim is PostgreSQL's (SQLite has one writer)")
    job = job_start(actor=personas["township_a1"], kind="payroll.calculate_fanout.part")
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, job.pk])
        assert job_attempt(job.pk) is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        assert job_attempt(job.pk) is not None
    finally:
        other.close()
