"""The selection demo: reviewers of every department of 兴义市, cases in various states, once."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, TOWNSHIP_A1, VILLAGE_A1
from touyan.accounts.models import Role, User
from touyan.demo.loader import DemoLogins
from touyan.regions.models import Region
from touyan.selection.demo import load_demo_selection
from touyan.selection.models import Case

pytestmark = pytest.mark.django_db


def test_demo_cases_in_various_states(personas, make_cadre) -> None:
    for i in range(4):
        make_cadre(village=VILLAGE_A1 if i % 2 else "522301001002", posts=("VM",))
    logins = DemoLogins(rows=[("cadre_demo", "", "")])
    township = Region.objects.get(code=TOWNSHIP_A1)
    n = load_demo_selection(actor=personas["national"], township=township, password=PASSWORD, logins=logins)
    assert n == 4
    assert User.objects.filter(role=Role.REVIEWER, region_id="522301000000").count() == 10
    assert sorted(Case.objects.values_list("state", flat=True)) == [
        "joint_review",
        "nominated",
        "publicity",
        "soft_flag",
    ]
    assert logins.rows[-1][0] == "cadre_demo" and logins.rows[0][0] == "review_police_522301"
    again = load_demo_selection(actor=personas["national"], township=township, password=PASSWORD, logins=logins)
    assert again == 4 and Case.objects.count() == 4 and len(logins.rows) == 2
