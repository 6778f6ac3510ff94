"""Demo village affairs for `make demo` (issue 19): in the example township's first village with a
secretary and a supervision-committee director, a matter taken through all six steps of 四议两公开,
a large spend linked to it and signed off, a small one waiting for the committee, published
disclosures for several periods (finance monthly, social aid quarterly, Party affairs by half-year),
one objection answered and one waiting, and an admonition talk on a cadre's file — so the village's
public page (/public/villages/<code>/) shows real content. Logins for the secretary, the director,
and a committee member who files spending are made; the national administrator signs as
the township's accountant.

Everything goes through the services, so the audit trail is the real one. A village that already
has a decision is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from touyan.accounts.models import Role, User
from touyan.accounts.services import user_create
from touyan.cadres.models import Person
from touyan.cadres.selectors import current_posts
from touyan.regions import rules as region_rules
from touyan.regions.models import Region

from . import rules, services
from .models import Decision
from .services import StepIn


def _login_for(actor: Any, person_id: int, username: str, password: str, village: str) -> User:
    existing = User.objects.filter(cadre_id=person_id).first()
    if existing is not None:
        return existing
    person = Person.objects.get(pk=person_id)
    return user_create(
        actor=actor,
        username=username,
        password=password,
        role=Role.CADRE,
        region_code=village,
        cadre_id=person_id,
        display_name=person.name,
    )


def _pick_village(township: Region, today: dt.date) -> tuple[str, dict[str, int]] | None:
    """The township's first village with a head (PS), a supervision director (SD) and one more cadre."""
    for code in (
        Region.objects.filter(parent=township, level=region_rules.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        held: dict[str, int] = {}
        for pid, post in (
            current_posts(today).filter(village_id=code).order_by("person_id").values_list("person_id", "post")
        ):
            held.setdefault(post, pid)
        if "PS" in held and "SD" in held:
            others = [pid for post, pid in held.items() if post in ("VM", "PCM", "CLK", "VDD", "PDS")]
            if others:
                return code, {"PS": held["PS"], "SD": held["SD"], "clerk": others[0]}
    return None


def _six_steps(sec: User, village: str, today: dt.date) -> Decision:
    d = services.decision_create(
        actor=sec, village_code=village, title="村组道路硬化工程(2.3公里)", category="project", amount=Decimal("186000")
    )
    day = today - dt.timedelta(days=70)
    meetings = [
        StepIn(step=1, date=day, due=5, present=5, yes=5, note="党组织会议提议实施村组道路硬化"),
        StepIn(step=2, date=day + dt.timedelta(days=3), due=9, present=9, yes=9),
        StepIn(step=3, date=day + dt.timedelta(days=10), due=42, present=33, yes=30, no=2),
        StepIn(
            step=4,
            date=day + dt.timedelta(days=17),
            due=45,
            present=36,
            yes=34,
            no=1,
            kind=rules.REPRESENTATIVES,
            township_present=True,
        ),
        StepIn(
            step=5,
            date=day + dt.timedelta(days=18),
            note="经村民代表会议表决通过,实施村组道路硬化 2.3 公里,预算 18.6 万元。",
        ),
        StepIn(step=6, date=today - dt.timedelta(days=5), note="工程已完工并通过乡镇验收,实际支出 18.6 万元。"),
    ]
    for m in meetings:
        d = services.decision_step(actor=sec, decision_id=d.pk, data=m, today=today)
    return d


def _disclosures(clerk: User, sd: User, sec: User, village: str, today: dt.date, names: list[tuple[str, str]]) -> int:
    made = 0
    month = today.replace(day=1)
    items: list[tuple[str, str, str, str, dict[str, Any] | None]] = []
    for back in range(1, 7):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        income, spend = 8000 + back * 650, 5200 + back * 410
        items.append(
            (
                "F01",
                f"{month.year}-{month.month:02d}",
                f"{month.year}年{month.month}月村级财务收支",
                f"本月收入 {income:.2f} 元,支出 {spend:.2f} 元。",
                {
                    "columns": ["项目", "金额(元)"],
                    "rows": [["集体资产租赁收入", f"{income:.2f}"], ["办公及运转支出", f"{spend:.2f}"]],
                },
            )
        )
    q = (today.month - 1) // 3 + 1
    year = today.year
    for _n in range(4):
        q, year = (q - 1, year) if q > 1 else (4, year - 1)
        items.append(
            (
                "V11",
                f"{year}-Q{q}",
                f"{year}年第{q}季度最低生活保障对象公示",
                "以下对象经民主评议、乡镇审核、县民政局审批。",
                {
                    "columns": ["姓名", "保障人数", "月保障金(元)"],
                    "rows": [["村民甲", "2", "1160.00"], ["村民乙", "1", "580.00"], ["村民丙", "3", "1740.00"]],
                },
            )
        )
    items.append(
        (
            "P03",
            f"{today.year - 1}-H2",
            f"{today.year - 1}年下半年党费收缴情况",
            "本支部党员 42 名,应缴党费 3,240.00 元,实缴 3,240.00 元。",
            None,
        )
    )
    items.append(
        (
            "V01",
            str(today.year),
            "村民委员会及村务监督委员会组成人员",
            "",
            {"columns": ["姓名", "职务"], "rows": [[n, p] for n, p in names]},
        )
    )  # type: ignore[misc]
    for code, period, title, body, table in items:
        item = services.item_create(
            actor=clerk, village_code=village, item=code, period=period, title=title, body=body, table=table
        )
        services.item_review(actor=sd, item_id=item.pk)
        services.item_publish(actor=sec, item_id=item.pk)
        made += 1
    return made


def load_demo_affairs(
    *,
    actor: Any,
    township: Region,
    password: str,
    logins: list[tuple[str, str, str]],
    say: Callable[[str], None] = print,
    today: dt.date | None = None,
) -> str | None:
    """Write the demo (see the module's docstring) once; return the public page's address."""
    day = today or timezone.localdate()
    picked = _pick_village(township, day)
    if picked is None:
        say("  村务公开演示:示例乡镇没有书记和监委会主任都在任的村,已跳过")
        return None
    village, people = picked
    address = f"/public/villages/{village}/"
    name = Region.objects.get(code=village).name
    if Decision.objects.filter(village_id=village).exists():
        say(f"  村务公开演示已就绪: {name} {address}")
        users = [User.objects.filter(cadre_id=people[k]).first() for k in ("PS", "SD", "clerk")]
        if all(users):
            _login_rows(logins, [u.username for u in users if u], address, name)
        return address
    with transaction.atomic():
        sec = _login_for(actor, people["PS"], "affairs_sec", password, village)
        sd = _login_for(actor, people["SD"], "affairs_sd", password, village)
        clerk = _login_for(actor, people["clerk"], "affairs_vm", password, village)
        officer = User.objects.filter(role=Role.TOWNSHIP_OFFICER, region=township).order_by("id").first()
        # The township's accountant signs last (村账乡代管); the demo has one officer per township, so the
        # national administrator (who may act for any township) stands in for the accountant.
        accountant = actor
        d = _six_steps(sec, village, day)
        big = services.expenditure_create(
            actor=clerk,
            village_code=village,
            amount=Decimal("186000"),
            purpose="村组道路硬化工程款",
            payee="某路桥工程有限公司",
            decision_id=d.pk,
            is_works=True,
        )
        for signer in (sd, sec, officer, accountant):
            services.expenditure_sign(actor=signer, expenditure_id=big.pk, approve=True)
        services.expenditure_create(
            actor=clerk, village_code=village, amount=Decimal("1280"), purpose="村委会办公用品", payee="镇上文具店"
        )
        board = list(
            current_posts(day)
            .filter(village_id=village, post__in=("PS", "VD", "SD", "SM", "VM"))
            .order_by("post")
            .values_list("person__name", "post")
        )
        labels = {"PS": "党组织书记", "VD": "村委会主任", "SD": "监委会主任", "SM": "监委会委员", "VM": "村委会委员"}
        n = _disclosures(clerk, sd, sec, village, day, [(nm, labels.get(p, p)) for nm, p in board])
        answered = services.objection_file(village_code=village, text="上个月的办公支出能否列出明细?", today=day)
        services.objection_answer(
            actor=officer, objection_id=answered.pk, reply="已在本月财务收支公开中列出明细,欢迎查阅原始凭证。"
        )
        services.objection_file(village_code=village, text="道路硬化后排水沟什么时候修?", today=day)
        services.supervision_create(
            actor=officer,
            kind="reminder",
            date=day - dt.timedelta(days=20),
            subject="村级财务公开不及时",
            cadre_id=people["PS"],
            findings="第三季度财务公开推迟 10 天",
            follow_up="按月公开,乡镇每月检查",
        )
    say(f"  村务公开演示: {name} 四议两公开 1 件(已办结)、联审联签 2 笔、公开事项 {n + 2} 条、群众异议 2 件")
    say(f"  村务公开页(无需登录): {address}  二维码: {address}qr.png")
    _login_rows(logins, [sec.username, sd.username, clerk.username], address, name)
    return address


def _login_rows(logins: list[tuple[str, str, str]], usernames: list[str], address: str, name: str) -> None:
    sec, sd, clerk = usernames
    rows = [
        (sec, f"村党组织书记(村务: /affairs/ ; 公开页 {address})", name),
        (sd, "村务监督委员会主任(审核公开事项、审签支出)", name),
        (clerk, "村干部(登记支出、起草公开事项)", name),
    ]
    # The phone sign-in example (attendance's cadre_demo) stays the last line the console prints.
    at = len(logins) - 1 if logins and logins[-1][0] == "cadre_demo" else len(logins)
    logins[at:at] = rows
