"""A liaison's assigned villages (包村, SPEC A1 "assigned villages", issue 16): set on the user's
edit page, audited; the liaison then sees and approves only those villages' leave and files."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import PASSWORD, TOWNSHIP_A1, VILLAGE_A1, VILLAGE_B1
from touyan.accounts.models import LiaisonVillage, Role, User
from touyan.accounts.scope import assigned_villages, in_scope
from touyan.accounts.services_users import liaison_villages_set
from touyan.attendance import services as attendance
from touyan.attendance.selectors import leaves_in_scope
from touyan.audit.models import AuditEvent
from touyan.cadres.selectors import cadres_in_scope
from touyan.core.errors import InvalidInput, NotFound

OTHER_VILLAGE = "522301001002"  # the same township, not assigned
DAY = dt.date(2026, 12, 15)


@pytest.fixture
def liaison(personas) -> User:
    return User.objects.create_user("liaison_a1", password=PASSWORD, role=Role.LIAISON, region_id=TOWNSHIP_A1)


@pytest.mark.django_db
def test_villages_are_assigned_on_the_edit_page(personas, login, liaison) -> None:
    county = login(personas["county_a_admin"])
    page = county.get(f"/accounts/users/{liaison.pk}/edit/").content.decode()
    assert 'name="villages"' in page and "包联村" in page
    r = county.post(
        f"/accounts/users/{liaison.pk}/edit/",
        {"display_name": "包村干部", "role": "liaison", "region": TOWNSHIP_A1, "villages": [VILLAGE_A1]},
    )
    assert r.status_code == 302
    assert list(LiaisonVillage.objects.filter(user=liaison).values_list("village_id", flat=True)) == [VILLAGE_A1]
    assert "包联 1 个村" in county.get("/accounts/users/").content.decode()
    event = AuditEvent.objects.get(action="accounts.user.villages")
    assert event.changes["villages"][0] == []
    # a township officer's edit page has no villages; a village of another township is refused
    assert 'name="villages"' not in county.get(f"/accounts/users/{personas['township_a1'].pk}/edit/").content.decode()
    with pytest.raises(InvalidInput):
        liaison_villages_set(actor=personas["county_a_admin"], user_id=liaison.pk, village_codes=[VILLAGE_B1])


@pytest.mark.django_db
def test_a_liaison_cannot_see_or_approve_a_village_not_assigned(personas, login, cadre_user, liaison) -> None:
    liaison_villages_set(actor=personas["county_a_admin"], user_id=liaison.pk, village_codes=[VILLAGE_A1])
    mine = cadre_user(village=VILLAGE_A1, posts=("PS",))
    other = cadre_user(village=OTHER_VILLAGE, posts=("PS",))
    # a secretary's own day off goes to the liaison (R-ATT-02)
    leave_mine = attendance.leave_submit(actor=mine, cadre_id=mine.cadre_id, start=DAY, end=DAY, reason="体检")
    leave_other = attendance.leave_submit(actor=other, cadre_id=other.cadre_id, start=DAY, end=DAY, reason="体检")
    assert leave_other.route == ["liaison"]
    me = User.objects.get(pk=liaison.pk)  # a fresh login: the assignment is read per request
    assert assigned_villages(me) == frozenset({VILLAGE_A1})
    assert in_scope(me, VILLAGE_A1) and in_scope(me, TOWNSHIP_A1) and not in_scope(me, OTHER_VILLAGE)
    assert list(leaves_in_scope(actor=me).values_list("pk", flat=True)) == [leave_mine.pk]
    assert set(cadres_in_scope(actor=me).values_list("village_id", flat=True)) == {VILLAGE_A1}
    with pytest.raises(NotFound):
        attendance.leave_decide(actor=me, leave_id=leave_other.pk, approve=True)
    done = attendance.leave_decide(actor=me, leave_id=leave_mine.pk, approve=True)
    assert done.status == "approved"
    home = login(me).get("/").content.decode()  # the workbench lists their villages only
    assert f"?code={VILLAGE_A1}" in home and f"?code={OTHER_VILLAGE}" not in home


@pytest.mark.django_db
def test_a_liaison_with_no_village_assigned_reads_the_township(personas, login, cadre_user, liaison) -> None:
    other = cadre_user(village=OTHER_VILLAGE, posts=("PS",))
    attendance.leave_submit(actor=other, cadre_id=other.cadre_id, start=DAY, end=DAY, reason="体检")
    assert assigned_villages(liaison) is None and in_scope(liaison, OTHER_VILLAGE)
    page = login(liaison).get("/attendance/leave/").content.decode()
    assert other.cadre.name in page
    liaison_villages_set(actor=personas["county_a_admin"], user_id=liaison.pk, village_codes=[VILLAGE_A1])
    assert other.cadre.name not in login(User.objects.get(pk=liaison.pk)).get("/attendance/leave/").content.decode()
