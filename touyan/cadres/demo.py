"""Synthetic cadre files for `make demo` (issue "Cadre files", item 7).

`demo_people` is pure and deterministic: the same villages and seed give the same
people, so the demo is the same on every machine. Every village gets 5–7 people in
its two committees and supervision committee, shaped by the rules they would meet
in real use:

- R-POS-01: three full-time (专职) cadres per village — the secretary (PS), the
  director (VD) and a deputy secretary (PDS) or clerk (CLK); the rest part-time.
- R-ORG-05: in most villages the secretary is also director (一肩挑), some also
  head the collective economic organisation (一肩三挑).
- R-ORG-03: at least one woman on the villagers' committee.
- R-POS-03 / R-PAY-06: about half of each township's secretaries professionalised,
  tiers 1/2/3 in thirds.
- R-PAY-05: some secretaries have one or two earlier consecutive terms, so the
  re-election uplift has data. About one village in sixty has no secretary (the
  last one left), as real rosters do.

ID numbers are synthetic (GB 11643 check character, the village's county code, a
sequence odd for men and even for women) and unique across the demo. Names, ages,
education, ethnicity and origins follow Qianxinan's mix roughly; none of it is
real data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from touyan.core.idnumber import check_char

from .models import Education, EndReason, Origin, PoliticalStatus
from .services import PersonIn, PostIn

TERM_YEAR = 2021
TERM_START = dt.date(2021, 4, 1)
# Earlier terms (start, end) for the re-election uplift: each ends the day before the next starts.
EARLIER_TERMS = ((dt.date(2016, 4, 1), dt.date(2021, 3, 31)), (dt.date(2011, 4, 1), dt.date(2016, 3, 31)))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Surnames common among the Buyei (布依族) and Miao (苗族) of Qianxinan.
LOCAL_SURNAMES = "韦岑罗杨吴龙陆班王黄梁"
MALE_CHARS = "伟强军勇明华建国平志刚林文斌杰涛波辉鹏飞海峰龙云超亮俊磊洪成荣发忠德贵富祥兴学光永昌金江松正才安"
FEMALE_CHARS = "芳娟敏静丽艳霞燕玲红梅琴英兰萍秀婷雪倩莉凤娇慧琳洁珍琼春桂花美丹媛晓蓉颖莲菊"
SHARED_CHARS = "小晓春秋明玉海清新德永国家贤"

ETHNICITIES = (("汉族", 45), ("布依族", 35), ("苗族", 15), ("彝族", 2), ("回族", 1), ("仡佬族", 1), ("瑶族", 1))
PHONE_PREFIXES = tuple(str(n) for n in (*range(130, 140), 150, 151, 152, 155, 157, 158, 159, 166, 173, 175, 176, 177,
                                        *range(180, 190), 191, 198, 199))  # fmt: skip
# (origin, weight) for everyone but returned graduates, who are drawn by age first.
ORIGINS = (
    (Origin.RICH_FARMER, 30),
    (Origin.MIGRANT, 24),
    (Origin.VETERAN, 11),
    (Origin.DISPATCHED, 3),
    (Origin.OTHER, 32),
)
# Education for people who are not returned graduates, by age band: (junior_high, senior_high, vocational, college,
# bachelor). Younger cadres are better schooled; overall about a third have 大专 or more.
EDUCATION_LEVELS = (
    Education.JUNIOR_HIGH,
    Education.SENIOR_HIGH,
    Education.VOCATIONAL,
    Education.COLLEGE,
    Education.BACHELOR,
)
EDUCATION_BY_AGE = ((35, (6, 16, 24, 38, 16)), (45, (14, 24, 24, 28, 10)), (200, (30, 30, 18, 18, 4)))
# Chance that the holder of a post is a woman (R-ORG-03 adds one woman per villagers' committee).
FEMALE_SHARE = {"PS": 0.10, "VD": 0.15, "PDS": 0.25, "CLK": 0.40, "ACC": 0.45}
DEFAULT_FEMALE_SHARE = 0.30
PARTY_POSTS = frozenset({"PS", "PDS", "PCM"})
SIZE_WEIGHTS = ((5, 5), (6, 15), (7, 80))
ONE_SHOULDER_SHARE = 0.70
THREE_SHARE = 0.20  # of one-shoulder secretaries, also heading the collective economic organisation
VACANT_SHARE = 1 / 60
PROF_SHARE = 0.5

T = TypeVar("T")


@dataclass
class _Seat:
    """One person to draw: the posts they hold and whether they are full-time."""

    posts: list[str]
    full_time: bool = False
    female: bool | None = None  # None: drawn by post
    ended: bool = False  # a former secretary whose post ended (vacant village)
    earlier_ps_terms: int = 0


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Drawer:
    """The random draws, with the uniqueness of ID numbers and phones across the demo."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
        self.today = today
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def weighted(self, pairs: Sequence[tuple[T, int]]) -> T:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def seats(self) -> list[_Seat]:
        """The village's seats: the three full-time cadres first, then the part-time members."""
        rng = self.rng
        size = self.weighted(SIZE_WEIGHTS)
        vacant = rng.random() < VACANT_SHARE
        one_shoulder = not vacant and rng.random() < ONE_SHOULDER_SHARE
        seats: list[_Seat]
        fill: list[str]
        if vacant:
            seats = [_Seat(["PS"], ended=True), _Seat(["VD"], True), _Seat(["PDS"], True), _Seat(["CLK"], True)]
            fill = ["VM", "SD", "PCM", "SM"]
        elif one_shoulder:
            head = ["PS", "VD"] + (["CEO"] if rng.random() < THREE_SHARE else [])
            seats = [_Seat(head, True), _Seat(["PDS"], True), _Seat(["CLK"], True)]
            fill = ["VM", "SD", "PCM", rng.choice(["SM", "ACC", "VM"])]
        else:
            third, other = ("PDS", "CLK") if rng.random() < 0.5 else ("CLK", "PDS")
            seats = [_Seat(["PS"], True), _Seat(["VD"], True), _Seat([third], True)]
            fill = ["VM", "SD", other, rng.choice(["PCM", "SM", "ACC"])]
        for i, post in enumerate(fill[: size - len(seats)]):
            seat = _Seat([post], female=True if i == 0 else None)  # R-ORG-03: a woman on the villagers' committee
            if post == "PCM" and rng.random() < 0.3:  # cross-appointment (交叉任职, R-ORG-05)
                seat.posts.append("VM")
            seats.append(seat)
        return seats

    def gender(self, seat: _Seat) -> bool:
        if seat.female is not None:
            return seat.female
        return self.rng.random() < FEMALE_SHARE.get(seat.posts[0], DEFAULT_FEMALE_SHARE)

    def age(self, seat: _Seat) -> int:
        rng = self.rng
        if "PS" in seat.posts:
            age = round(rng.triangular(31, 60, 49))
        elif seat.full_time:
            age = round(rng.triangular(25, 60, 40))
        else:
            age = round(rng.triangular(25, 62, 45))
        return max(25, min(62, age))

    def birth_date(self, age: int) -> dt.date:
        latest = _years_ago(self.today, age)
        earliest = _years_ago(self.today, age + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def id_number(self, county6: str, birth: dt.date, female: bool) -> str:
        while True:
            seq = self.rng.randrange(1, 500) * 2 - (0 if female else 1)  # odd for men, even for women
            body = f"{county6}{birth:%Y%m%d}{seq:03d}"
            if body not in self.ids:
                self.ids.add(body)
                return body + check_char(body)

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def name(self, ethnicity: str, female: bool, taken: set[str]) -> str:
        rng = self.rng
        while True:
            local = rng.random() < (0.6 if ethnicity in ("布依族", "苗族") else 0.15)
            surname = rng.choice(LOCAL_SURNAMES if local else SURNAMES)
            chars = FEMALE_CHARS if female else MALE_CHARS
            first = rng.choice(chars if rng.random() < 0.8 else SHARED_CHARS)
            given = first if rng.random() < 0.25 else first + rng.choice(chars)
            name = surname + given
            if name not in taken:
                taken.add(name)
                return name

    def ethnicity(self, village_main: str) -> str:
        if self.rng.random() < 0.6:
            return village_main
        return self.weighted(ETHNICITIES)

    def origin(self, age: int, female: bool) -> str:
        rng = self.rng
        if age <= 38 and rng.random() < 0.3:
            return Origin.GRADUATE
        origin: str = self.weighted(ORIGINS)
        if origin == Origin.VETERAN and female:
            origin = Origin.OTHER
        return origin

    def education(self, age: int, origin: str) -> tuple[str, bool]:
        rng = self.rng
        if origin in (Origin.GRADUATE, Origin.DISPATCHED):
            return (Education.BACHELOR if rng.random() < 0.45 else Education.COLLEGE), True
        weights = next(w for limit, w in EDUCATION_BY_AGE if age < limit)
        level = rng.choices(EDUCATION_LEVELS, weights=weights)[0]
        if level in (Education.COLLEGE, Education.BACHELOR):
            return level, rng.random() < 0.3  # most earned it part-time (学历提升)
        return level, True

    def political(self, seat: _Seat) -> str:
        if PARTY_POSTS & set(seat.posts) or seat.ended:
            return PoliticalStatus.PARTY_MEMBER
        r = self.rng.random()
        member = 0.85 if seat.posts[0] in ("VD", "SD", "CLK") else 0.5
        if r < member:
            return PoliticalStatus.PARTY_MEMBER
        return PoliticalStatus.PROBATIONARY if r < member + 0.05 else PoliticalStatus.MASSES

    def party_join(self, status: str, birth: dt.date, posts: list[PostIn]) -> dt.date | None:
        """Joined at 19 or later, and at least a year before first holding a Party post."""
        rng = self.rng
        if status == PoliticalStatus.PROBATIONARY:
            return self.today - dt.timedelta(days=rng.randrange(30, 330))
        if status != PoliticalStatus.PARTY_MEMBER:
            return None
        earliest = _years_ago(birth, -19)
        party_starts = [p.start_date for p in posts if p.post in PARTY_POSTS]
        latest = _years_ago(min(party_starts), 1) if party_starts else _years_ago(self.today, 2)
        if earliest >= latest:
            return latest
        span = (latest - earliest).days
        return earliest + dt.timedelta(days=min(span, int(rng.triangular(0, span, span * 0.3))))


def _posts(seat: _Seat, drawer: _Drawer) -> list[PostIn]:
    rng = drawer.rng
    if seat.ended:
        end = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randrange(450))
        reason = rng.choice([EndReason.RESIGNED, EndReason.TRANSFERRED, EndReason.REMOVED])
        return [PostIn("PS", TERM_START, end, full_time=True, term_year=TERM_YEAR, end_reason=reason)]
    posts: list[PostIn] = []
    for start, end in EARLIER_TERMS[: seat.earlier_ps_terms][::-1]:
        posts.append(PostIn("PS", start, end, term_year=start.year, end_reason=EndReason.TERM_END))
    for code in seat.posts:
        start, source = TERM_START, "election"
        if not seat.full_time and rng.random() < 0.05:  # filled later by a by-election (补选)
            start = dt.date(2022, 3, 1) + dt.timedelta(days=rng.randrange(1000))
            source = "by_election"
        posts.append(PostIn(code, start, full_time=seat.full_time, term_year=TERM_YEAR, source=source))
    return posts


def demo_people(
    villages: list[tuple[str, str]], seed: int = 5223, today: dt.date = dt.date(2026, 11, 22)
) -> list[PersonIn]:
    """5–7 synthetic cadres for each (code, name) village, in village order (see the module docstring)."""
    drawer = _Drawer(seed, today)
    rng = drawer.rng
    people: list[PersonIn] = []
    secretaries: dict[str, list[tuple[int, int]]] = defaultdict(list)  # township → (person index, post index)
    villages_per_township: dict[str, int] = defaultdict(int)
    for code, _name in villages:
        township = code[:9]
        villages_per_township[township] += 1
        seats = drawer.seats()
        main_ethnicity = drawer.weighted(ETHNICITIES)
        taken: set[str] = set()
        for seat in seats:
            female = drawer.gender(seat)
            age = drawer.age(seat)
            if "PS" in seat.posts and not seat.ended:
                if age >= 42 and rng.random() < 0.2:
                    seat.earlier_ps_terms = 2
                elif age >= 37 and rng.random() < 0.45:
                    seat.earlier_ps_terms = 1
            birth = drawer.birth_date(age)
            ethnicity = drawer.ethnicity(main_ethnicity)
            origin = drawer.origin(age, female)
            education, full_time_education = drawer.education(age, origin)
            status = drawer.political(seat)
            posts = _posts(seat, drawer)
            if "PS" in seat.posts and not seat.ended:
                secretaries[township].append((len(people), next(i for i, p in enumerate(posts) if p.end_date is None)))
            people.append(
                PersonIn(
                    name=drawer.name(ethnicity, female, taken),
                    id_number=drawer.id_number(code[:6], birth, female),
                    village=code,
                    education=education,
                    political_status=status,
                    full_time_education=full_time_education,
                    phone=drawer.phone(),
                    ethnicity=ethnicity,
                    party_join_date=drawer.party_join(status, birth, posts),
                    origin=origin,
                    posts=posts,
                )
            )
    # R-POS-03 / R-PAY-06: half of each township's villages get a professionalised secretary; tiers rotate
    # across the whole demo so each is about a third.
    tier = 0
    for township in sorted(secretaries):
        chosen = list(secretaries[township])
        rng.shuffle(chosen)
        for person_index, post_index in chosen[: int(villages_per_township[township] * PROF_SHARE)]:
            person = people[person_index]
            person.posts[post_index] = replace(person.posts[post_index], professionalized=True, tier=tier % 3 + 1)
            tier += 1
    return people
