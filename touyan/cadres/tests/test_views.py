"""Cadre pages: roster, file, timeline, edit, posts, reveal and the filing desk (R-ORG-09)."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, VILLAGE_A1, VILLAGE_B1, make_id
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Filing, Person, Post
from touyan.core import crypto


@pytest.mark.django_db
def test_roster_queries_do_not_grow_with_page_size(login, personas, make_cadre, django_assert_max_num_queries) -> None:
    for i in range(30):
        make_cadre(village=VILLAGE_A1 if i % 2 else "522301001002", posts=("VM",) if i else ("PS", "VD"))
    c = login(personas["county_a_admin"])
    with django_assert_max_num_queries(14) as small:
        assert c.get("/cadres/?page_size=20").status_code == 200
    with django_assert_max_num_queries(14) as big:
        r = c.get("/cadres/?page_size=200")
    assert len(small.captured_queries) == len(big.captured_queries)
    assert r.content.decode().count('href="/cadres/') >= 30
    assert "一肩挑" in r.content.decode()


@pytest.mark.django_db
def test_roster_filters(login, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",), name="年轻人", birth="19950101")
    make_cadre(village=VILLAGE_A1, posts=("VM",), name="老同志", birth="19600101")
    c = login(personas["township_a1"])
    young = c.get("/cadres/?age=0-34").content.decode()
    assert "年轻人" in young and "老同志" not in young
    secretaries = c.get("/cadres/?post=PS").content.decode()
    assert "年轻人" in secretaries and "老同志" not in secretaries
    # R-DATA-05: a search by the last four digits finds the file; the page does not show them.
    old = Person.objects.get(name="老同志")
    tail = crypto.decrypt(old.id_enc, context="id_number")[-4:]
    found = c.get(f"/cadres/?q={tail}").content.decode()
    results = found[found.index("<tbody") : found.index("</tbody>")]
    assert "老同志" in results and "年轻人" not in results and old.id_masked in results and tail not in results


@pytest.mark.django_db
def test_create_edit_and_timeline(login, personas) -> None:
    c = login(personas["township_a1"])
    number = make_id("522301", "19880808", 11)
    r = c.post("/cadres/new/", {
        "name": "陈志远", "id_number": number, "village": VILLAGE_A1, "ethnicity": "布依族", "phone": "13800001111",
        "political_status": "party_member", "education": "bachelor", "full_time_education": "on",
        "origin": "returned_graduate", "post-post": "VD", "post-start_date": "2021-04-01",
        "post-source": "election", "post-full_time": "on",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    person = Person.objects.get(name="陈志远")
    assert person.gender == "male" and str(person.birth_date) == "1988-08-08"
    r = c.post(
        f"/cadres/{person.pk}/edit/",
        {
            "name": "陈志远",
            "ethnicity": "布依族",
            "political_status": "party_member",
            "education": "master",
            "full_time_education": "on",
            "origin": "returned_graduate",
        },
    )
    assert r.status_code == 302
    page = c.get(f"/cadres/{person.pk}/").content.decode()
    assert "变更记录" in page and "硕士研究生" in page and "本科" in page  # old → new in the timeline
    assert number not in page and "138****1111" in page
    bad = c.post(
        "/cadres/new/",
        {
            "name": "",
            "id_number": number[:-1] + "0",
            "village": VILLAGE_A1,
            "political_status": "masses",
            "education": "college",
            "origin": "other",
            "ethnicity": "汉族",
            "post-post": "VM",
            "post-start_date": "2021-04-01",
            "post-source": "election",
        },
    )
    assert bad.status_code == 200 and "校验位" in bad.content.decode()


@pytest.mark.django_db
def test_end_post_reports_to_the_county_and_county_files_it(login, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    post = Post.objects.get(person=person)
    Post.objects.filter(pk=post.pk).update(full_time=False)  # a full-time post ends through the exit (WF-2)
    c = login(personas["township_a1"])
    r = c.post(f"/cadres/{person.pk}/posts/{post.pk}/end/", {"end_date": "2024-06-30", "end_reason": "resigned"})
    assert r.status_code == 302
    assert Filing.objects.filter(post=post).count() == 2  # the appointment and the end
    assert c.get("/cadres/filings/").status_code == 403  # township officers do not file
    county = login(personas["county_a_admin"])
    assert person.name in county.get("/cadres/filings/").content.decode()
    other = login(personas["county_b_admin"])
    assert person.name not in other.get("/cadres/filings/").content.decode()
    filing = Filing.objects.filter(post=post).earliest("id")
    assert other.post("/cadres/filings/", {"filing": filing.pk}).status_code == 404
    assert county.post("/cadres/filings/", {"filing": filing.pk}).status_code == 302
    filing.refresh_from_db()
    assert filing.status == "filed" and filing.filed_by == personas["county_a_admin"]


@pytest.mark.django_db
def test_reveal_on_the_page(login, personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1, posts=("VM",), id_number=make_id("522301", "19700101", 21))
    c = login(personas["township_a1"])
    wrong = c.post(f"/cadres/{person.pk}/reveal/", {"password": "nope", "reason": "核对信息"})
    assert make_id("522301", "19700101", 21) not in wrong.content.decode() and "密码不正确" in wrong.content.decode()
    ok = c.post(f"/cadres/{person.pk}/reveal/", {"password": PASSWORD, "reason": "核对信息"})
    assert make_id("522301", "19700101", 21) in ok.content.decode()
    assert ok["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="cadres.id.reveal", result="ok").count() == 1
    assert (
        login(personas["township_b1"])
        .post(f"/cadres/{person.pk}/reveal/", {"password": PASSWORD, "reason": "核对信息"})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_outsider_sees_nothing_of_another_township(login, personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_B1, posts=("PS",), name="外乡人")
    page = login(personas["township_a1"]).get("/cadres/").content.decode()
    assert "外乡人" not in page


@pytest.mark.django_db
def test_filing_desk_batch_and_return_with_a_reason(login, personas, make_cadre) -> None:
    """R-ORG-09: the desk shows each change's township; ticked filings are filed together (all or
    none); one is returned to the township with a reason, kept and audited; returning without a
    reason is refused."""
    people = [make_cadre(village=v, posts=("PS",)) for v in (VILLAGE_A1, "522301001002", "522301002001")]
    filings = [Filing.objects.get(post__person=p) for p in people]
    county = login(personas["county_a_admin"])
    page = county.get("/cadres/filings/").content.decode()
    assert "乡镇(街道)" in page and "黄草街道" in page and "丰都街道" in page and "批量备案" in page
    r = county.post("/cadres/filings/", {"action": "file", "filings": [filings[0].pk, filings[1].pk]})
    assert r.status_code == 302
    assert [Filing.objects.get(pk=f.pk).status for f in filings] == ["filed", "filed", "pending"]
    county.post("/cadres/filings/", {"action": "return", "filing": filings[2].pk, "reason": " "})
    assert Filing.objects.get(pk=filings[2].pk).status == "pending"  # a reason is required
    county.post("/cadres/filings/", {"action": "return", "filing": filings[2].pk, "reason": "任免文件缺少党委会议纪要"})
    returned = Filing.objects.get(pk=filings[2].pk)
    assert returned.status == "returned" and returned.return_reason == "任免文件缺少党委会议纪要"
    event = AuditEvent.objects.get(action="cadres.filing.return")
    assert event.reason == "任免文件缺少党委会议纪要"
    assert "任免文件缺少党委会议纪要" in county.get("/cadres/filings/?status=returned").content.decode()
    other = login(personas["county_b_admin"])
    assert other.post("/cadres/filings/", {"action": "file", "filings": [filings[2].pk]}).status_code == 404


@pytest.mark.django_db
def test_batch_filing_is_all_or_nothing(personas, make_cadre) -> None:
    """One filing outside the county in the batch: none is filed."""
    from touyan.cadres.services import filings_file
    from touyan.core.errors import NotFound

    mine = Filing.objects.get(post__person=make_cadre(village=VILLAGE_A1, posts=("PS",)))
    theirs = Filing.objects.get(post__person=make_cadre(village=VILLAGE_B1, posts=("PS",)))
    with pytest.raises(NotFound):
        filings_file(actor=personas["county_a_admin"], filing_ids=[mine.pk, theirs.pk])
    assert Filing.objects.get(pk=mine.pk).status == "pending"
