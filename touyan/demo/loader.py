"""Demo data for `make demo`: Qianxinan's real regions, demo statistics, logins, and
synthetic cadre files (≈8,800 people across the 1,294 villages, `touyan.cadres.demo`).

The top of the layers (docs/app-shape.md): it may import every app and calls each app's own
`demo.py`. Everything is written through the services, by a national administrator the
demo creates, so the demo leaves the same audit trail real use would. Running
it again changes nothing that is already there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from touyan.accounts.models import Role, User
from touyan.accounts.services import liaison_villages_set, user_create
from touyan.affairs.demo import load_demo_affairs
from touyan.attendance.demo import load_demo_attendance
from touyan.cadres.bulk import cadres_bulk_upsert
from touyan.cadres.demo import demo_people
from touyan.cadres.models import Person, Post
from touyan.regionadmin.services import region_stat_put
from touyan.regions import rules as region_rules
from touyan.regions.importer import import_divisions
from touyan.regions.models import Region, RegionStat
from touyan.selection.demo import demo_step as selection_demo_step
from touyan.training.demo import demo_step as training_demo_step

DEMO_PASSWORD = "Touyan@2026"
PREFECTURE = "522300000000"
EXAMPLE_COUNTY = "522301"  # 兴义市: the example cadre file is shown to its county admin
YEARS = (2024, 2025)


@dataclass
class DemoLogins:
    """The logins `load_demo` prints: every row a demo step appended (a step of another app appends
    its own, e.g. the selection reviewers), and for each what to try first."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, region name)
    tries: dict[str, str] = field(default_factory=dict)  # username → what to try, in a line

    def add(self, username: str, role: str, region: str, tries: str = "") -> None:
        """Append a row before the phone sign-in example, which stays the last line."""
        at = len(self.rows) - 1 if self.rows and self.rows[-1][0] == "cadre_demo" else len(self.rows)
        self.rows.insert(at, (username, role, region))
        if tries:
            self.tries[username] = tries


# The demo steps of the later apps, run after the ones above in this order:
# fn(*, actor, township, password, logins: DemoLogins, say) -> None.
DemoStep = Callable[..., None]
LATER_STEPS: tuple[DemoStep, ...] = (training_demo_step, selection_demo_step)


# What each role can try, printed under its login (SPEC A1, A2's year of a county).
TRIES: dict[str, str] = {
    "admin": "全国管理员:各模块打开时默认在黔西南州;系统设置 → 用户管理",
    "admin_5223": "州委组织部:工作台待办、统计分析 → 队伍结构、政策参数",
    "audit_5223": "安全审计员(只读):审计日志",
    "secadmin_5223": "安全管理员:安全管理(账号锁定、双因素认证、令牌),不能管理业务数据",
    "admin_522301": "县委组织部:备案管理、考核定稿、工资批次、政策参数(本县可调)",
    "finance_522301": "县财政:工资发放 → 县财政审批 → 一卡通发放(下载代发文件)→ 关闭批次",
    "cadre_demo": "村干部:手机打开 / 即签到;我的工资条、我的考核、请假",
}


def _national_admin() -> User:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            username="admin", password=DEMO_PASSWORD, display_name="全国管理员(演示)", role=Role.ADMIN
        )
    return admin


def _ensure_user(actor: User, username: str, role: str, region: Region, display_name: str) -> None:
    if not User.objects.filter(username=username).exists():
        user_create(
            actor=actor,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region_code=region.code,
            display_name=display_name,
        )


def _stats(actor: User, say: Callable[[str], None]) -> None:
    """Plausible, clearly marked demo figures (not official statistics)."""
    rng = random.Random(5223)  # noqa: S311 - demo figures, not security
    have = set(RegionStat.objects.filter(region__code__startswith="5223").values_list("region_id", "year"))
    regions = list(Region.objects.filter(code__startswith="5223").exclude(level=region_rules.VILLAGE).order_by("code"))
    villages = list(Region.objects.filter(code__startswith="5223", level=region_rules.VILLAGE).order_by("code"))
    for year in YEARS:
        growth = Decimal("1.00") if year == 2024 else Decimal("1.075")
        for region in regions:
            if (region.code, year) in have:
                continue
            income = (Decimal(rng.randint(12800, 15200)) * growth).quantize(Decimal("1"))
            staff = (Decimal(rng.randint(4200, 4800)) * growth).quantize(Decimal("1"))
            region_stat_put(
                actor=actor,
                code=region.code,
                year=year,
                rural_income_per_capita=income,
                ref_new_staff_monthly=staff,
                is_demo=True,
            )
        with transaction.atomic():
            for village in villages:
                if (village.code, year) in have:
                    continue
                collective = Decimal(rng.choice([rng.randint(3000, 9999), rng.randint(20000, 400000)]))
                region_stat_put(
                    actor=actor,
                    code=village.code,
                    year=year,
                    rural_income_per_capita=None,
                    collective_income=collective,
                    is_demo=True,
                )
        say(f"  {year} 年演示统计数据已就绪")


def _cadres(actor: User, say: Callable[[str], None]) -> Person | None:
    """≈8,800 synthetic cadre files, written once through the bulk service (the roster import's path,
    so validation, encryption, history, filing and audit are the real ones). Returns an example file:
    a one-shoulder, professionalised secretary re-elected twice, in 兴义市."""
    prefix = PREFECTURE[:4]
    if not Person.objects.filter(village__code__startswith=prefix).exists():
        villages = list(
            Region.objects.filter(code__startswith=prefix, level=region_rules.VILLAGE)
            .order_by("code")
            .values_list("code", "name")
        )
        people = demo_people(villages)
        report = cadres_bulk_upsert(actor=actor, people=people, source="demo")
        say(f"  演示干部档案已写入: 新建 {report.created} 人")
    in_office = Post.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    cadres = Person.objects.filter(village__code__startswith=prefix)
    say(
        f"  干部档案: {cadres.count()} 人, 其中在任 {cadres.filter(Exists(in_office)).count()} 人"
        f"(演示数据,姓名和身份证号均为虚构)"
    )
    current_ps = in_office.filter(post="PS", professionalized=True)
    return (
        cadres.filter(village__code__startswith=EXAMPLE_COUNTY)
        .filter(Exists(current_ps), Exists(in_office.filter(post="VD")))
        .filter(Exists(Post.objects.filter(person=OuterRef("pk"), post="PS", start_date__year=2011)))
        .select_related("village")
        .order_by("village_id", "id")
        .first()
    )


def load_demo(say: Callable[[str], None] = print) -> DemoLogins:
    say("导入黔西南州行政区划(2023 年统计用区划代码)…")
    report = import_divisions(source=None)
    say(f"  {report.summary()}")
    admin = _national_admin()
    logins = DemoLogins()
    logins.rows.append(("admin", "全国管理员", "全国"))
    prefecture = Region.objects.get(code=PREFECTURE)
    _ensure_user(admin, "admin_5223", Role.ADMIN, prefecture, "州委组织部管理员")
    _ensure_user(admin, "audit_5223", Role.AUDITOR, prefecture, "州安全审计员")
    _ensure_user(admin, "secadmin_5223", Role.SECURITY_ADMIN, prefecture, "州安全管理员")
    logins.rows.append(("admin_5223", "州组织部管理员", prefecture.name))
    logins.rows.append(("audit_5223", "安全审计员", prefecture.name))
    logins.rows.append(("secadmin_5223", "安全管理员", prefecture.name))
    counties = Region.objects.filter(parent=prefecture).order_by("code")
    for county in counties:
        _ensure_user(admin, f"admin_{county.code[:6]}", Role.ADMIN, county, f"{county.name}委组织部管理员")
        logins.rows.append((f"admin_{county.code[:6]}", "县组织部管理员", county.name))
    example_county = Region.objects.get(code=region_rules.normalize_code(EXAMPLE_COUNTY))
    _ensure_user(admin, f"finance_{EXAMPLE_COUNTY}", Role.FINANCE, example_county, f"{example_county.name}财政局")
    logins.rows.append((f"finance_{EXAMPLE_COUNTY}", "县财政(审批、发放工资批次)", example_county.name))
    townships = Region.objects.filter(code__startswith="5223", level=region_rules.TOWNSHIP).order_by("code")
    for township in townships:
        _ensure_user(admin, f"town_{township.code[:9]}", Role.TOWNSHIP_OFFICER, township, f"{township.name}党委干部")
    first_township = townships.first()
    assert first_township is not None  # the bundled divisions hold the prefecture's 140 townships
    logins.rows.append(
        (
            f"town_{first_township.code[:9]}",
            "乡镇党委干部(每个乡镇一个: town_乡镇9位代码; 本乡镇有演示考勤 /attendance/monthly/)",
            first_township.name,
        )
    )
    say(f"  演示账号已就绪: {4 + counties.count() + townships.count()} 个")
    _stats(admin, say)
    example = _cadres(admin, say)
    if example is not None:
        logins.rows.append(
            (
                f"admin_{EXAMPLE_COUNTY}",
                f"示例干部档案 /cadres/{example.pk}/ (一肩挑书记, 连任两届, 专业化管理)",
                f"{example.village.name} {example.name}",
            )
        )
    cadre = load_demo_attendance(
        actor=admin, township=first_township, today=timezone.localdate(), password=DEMO_PASSWORD, say=say
    )
    if cadre is not None:
        logins.rows.append(
            (cadre.username, "村干部(手机签到 /attendance/me/, 今日值班)", f"{cadre.village_name} {cadre.person_name}")
        )
    _liaison(admin, first_township, cadre.username if cadre is not None else None, logins)
    load_demo_affairs(actor=admin, township=first_township, password=DEMO_PASSWORD, logins=logins.rows, say=say)
    for step in LATER_STEPS:
        step(actor=admin, township=first_township, password=DEMO_PASSWORD, logins=logins, say=say)
    for username, text in TRIES.items():
        logins.tries.setdefault(username, text)
    town = f"town_{first_township.code[:9]}"
    logins.tries.setdefault(
        town, "乡镇党委:工作台待办(请假、值班缺口、出勤不足)、月度考勤锁定、工资批次计算与公示、季度评价"
    )
    return logins


def _liaison(admin: User, township: Region, cadre_username: str | None, logins: DemoLogins) -> None:
    """The liaison official (包村干部) of the township, with two villages assigned (包村): the demo
    cadre's and the next one. They co-approve those villages' leave, score and sign spending there
    (R-ATT-02, R-FIN-02) and see no other village of the township (the ASSIGNED reach)."""
    villages = list(
        Region.objects.filter(parent=township, level=region_rules.VILLAGE).order_by("code").values_list("code", "name")
    )
    if not villages:
        return
    own = None
    if cadre_username:
        own = User.objects.filter(username=cadre_username).values_list("region_id", flat=True).first()
    codes = [c for c, _n in villages]
    first = codes.index(own) if own in codes else 0
    assigned = codes[first : first + 2] or codes[:1]
    username = f"liaison_{township.code[:9]}"
    _ensure_user(admin, username, Role.LIAISON, township, f"{township.name}包村干部")
    user = User.objects.get(username=username)
    if not user.liaison_villages.exists():
        liaison_villages_set(actor=admin, user_id=user.pk, village_codes=assigned)
    names = "、".join(n for c, n in villages if c in assigned)
    logins.add(
        username,
        "包村干部(包联 2 个村)",
        f"{township.name}:{names}",
        "包村干部:工作台 → 待我审批的请假(包联村的请假)、季度评价录入、村务联审联签;其他村看不到",
    )
