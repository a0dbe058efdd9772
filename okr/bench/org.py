"""The generated company's organisation: a department tree four levels deep and its people.

Levels: the head office (总经办, the CEO and two assistants), divisions (销售中心 ...), their
departments (华东大区 ...) and teams (销售一组 ...). Every department has a head; heads report to
the head of the department above, team members to their team's lead, so every manager has about
8 direct reports (the branching grows with the company: ~10 at 10,000 people, ~5 at 1,000).
销售中心 is the largest division (its head manages 1,000+ people at 10,000) and its first team has
exactly 8 members, so the benchmark's manager of 8 and their people look the same at every size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from okr.bench import words

BENCH_DOMAIN = "bench.example.com"
# Well-known sign-ins of the benchmark (all share okr.bench.seed.BENCH_PASSWORD).
ACCOUNTS = {
    "employee": f"employee@{BENCH_DOMAIN}",  # a member of the manager of 8's team
    "manager": f"manager@{BENCH_DOMAIN}",  # lead of 销售中心 / first department / first team
    "head": f"head@{BENCH_DOMAIN}",  # head of 销售中心 (1,000+ people at 10,000)
    "hr": f"hr@{BENCH_DOMAIN}",  # HR administrator (人事部, no reports)
    "ceo": f"ceo@{BENCH_DOMAIN}",
}
TEAM_SIZE = 8
MINIMUM_PEOPLE = 30


@dataclass(eq=False)
class Dept:
    id: int
    name: str
    parent: Dept | None
    level: int  # 1 head office, 2 division, 3 department, 4 team
    kind: dict  # the division kind from words.DIVISIONS
    key: str  # stable path key ("0/0/0"), the same at every size
    head: Person | None = None
    children: list[Dept] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)


@dataclass(eq=False)
class Person:
    id: int
    name: str
    email: str
    position: str
    dept: Dept
    manager: Person | None
    key: str
    is_admin: bool = False
    trait: float = 0.0  # persistent performance level, ~N(0, 1)
    reports: list[Person] = field(default_factory=list)


@dataclass
class Org:
    departments: list[Dept]
    people: list[Person]
    root: Dept


def _name(rng: random.Random) -> tuple[str, str]:
    surname, pinyin, _weight = rng.choices(words.SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    given = rng.sample(words.GIVEN, 2 if rng.random() < 0.65 else 1)
    return surname + "".join(c for c, _ in given), pinyin + "".join(p for _, p in given)


_SURNAME_WEIGHTS = [w for _s, _p, w in words.SURNAMES]


def _shape(people: int, rng: random.Random) -> tuple[list[int], list[list[int]]]:
    """How many divisions, departments per division and teams per department."""
    teams = people / (TEAM_SIZE + 1)
    branching = max(1.0, teams ** (1 / 3))
    count = min(len(words.DIVISIONS), max(2, round(branching)))
    hr = next(i for i, d in enumerate(words.DIVISIONS) if d["name"] == "人力资源中心")
    others = [i for i in range(1, len(words.DIVISIONS)) if i != hr]
    kinds = [0, *others[: count - 2], hr]  # 销售中心 first, 人力资源中心 always
    layout = []
    for index in kinds:
        weight = words.DIVISIONS[index]["weight"] * (1 if index == 0 else rng.uniform(0.85, 1.15))
        departments = max(1, round(branching * weight))
        layout.append(
            [max(1, round(branching * rng.uniform(0.7, 1.3))) for _ in range(departments)]
        )
    return kinds, layout


def build_org(people: int, seed: int, ids: dict[str, range]) -> Org:
    """Plan the departments and exactly `people` people (ids from `ids`, deterministic by seed)."""
    if people < MINIMUM_PEOPLE:
        raise ValueError(f"the generated company needs at least {MINIMUM_PEOPLE} people")
    rng = random.Random(f"{seed}:org")
    kinds, layout = _shape(people, rng)
    dept_ids = iter(ids["department"])
    departments: list[Dept] = []

    def dept(name: str, parent: Dept | None, level: int, kind: dict, key: str) -> Dept:
        item = Dept(next(dept_ids), name, parent, level, kind, key)
        departments.append(item)
        if parent is not None:
            parent.children.append(item)
        return item

    root = dept("总经办", None, 1, words.DIVISIONS[0], "root")
    teams: list[Dept] = []
    for d_index, (kind_index, division_layout) in enumerate(zip(kinds, layout, strict=True)):
        kind = words.DIVISIONS[kind_index]
        division = dept(kind["name"], root, 2, kind, f"{d_index}")
        for p_index, team_count in enumerate(division_layout):
            names = kind["departments"]
            base = names[p_index % len(names)]
            name = (
                base
                if p_index < len(names)
                else f"{base}{words.numeral(p_index // len(names) + 1)}部"
            )
            department = dept(name, division, 3, kind, f"{d_index}/{p_index}")
            for t_index in range(team_count):
                teams.append(
                    dept(
                        f"{kind['team']}{words.numeral(t_index + 1)}组",
                        department,
                        4,
                        kind,
                        f"{d_index}/{p_index}/{t_index}",
                    )
                )
    staff = {root: 2, **{d: 1 for d in root.children}}
    heads = len(departments)
    members = people - heads - sum(staff.values())
    if members < len(teams) - 1 + TEAM_SIZE:
        raise ValueError(f"{people} people are too few for {len(teams)} teams")
    sizes = _team_sizes(members, len(teams), rng)

    person_ids = iter(ids["person"])
    everyone: list[Person] = []

    def person(
        dept_: Dept, manager: Person | None, position: str, key: str, email: str = ""
    ) -> Person:
        own = random.Random(f"{seed}:person:{key}")
        name, pinyin = _name(own)
        pid = next(person_ids)
        item = Person(
            pid,
            name,
            email or f"{pinyin}.{pid}@{BENCH_DOMAIN}",
            position,
            dept_,
            manager,
            key,
            trait=own.gauss(0, 1),
        )
        everyone.append(item)
        dept_.members.append(item)
        if manager is not None:
            manager.reports.append(item)
        return item

    def head_of(d: Dept) -> Person:
        boss = d.parent.head if d.parent else None
        titles = {1: "总经理", 2: "中心总经理", 3: "部门经理", 4: f"{d.kind['team']}主管"}
        email = {"root": ACCOUNTS["ceo"], "0": ACCOUNTS["head"], "0/0/0": ACCOUNTS["manager"]}
        d.head = person(d, boss, titles[d.level], f"head:{d.key}", email.get(d.key, ""))
        for number in range(staff.get(d, 0)):
            position = "总经理助理" if d.level == 1 else "中心助理"
            person(d, d.head, position, f"staff:{d.key}:{number}")
        for child in d.children:
            head_of(child)
        return d.head

    head_of(root)
    size_of = dict(zip(teams, sizes, strict=True))
    for team in teams:
        for number in range(size_of[team]):
            position = team.kind["positions"][number % len(team.kind["positions"])]
            email = ACCOUNTS["employee"] if team.key == "0/0/0" and number == 0 else ""
            person(team, team.head, position, f"member:{team.key}:{number}", email)
    hr_team = next(t for t in teams if t.kind["name"] == "人力资源中心")
    hr_division = hr_team.parent.parent
    hr_division.head.is_admin = True
    for member in hr_team.members:
        member.is_admin = True
    hr_member = next(m for m in hr_team.members if m is not hr_team.head)
    hr_member.email, hr_member.position = ACCOUNTS["hr"], "人事经理"
    assert len(everyone) == people
    return Org(departments, everyone, root)


def _team_sizes(members: int, teams: int, rng: random.Random) -> list[int]:
    """Sizes around the mean, the first team exactly TEAM_SIZE, every team at least one."""
    rest, others = members - TEAM_SIZE, teams - 1
    if others == 0:
        return [members]
    weights = [rng.uniform(0.75, 1.25) for _ in range(others)]
    total = sum(weights)
    sizes = [max(1, int(rest * w / total)) for w in weights]
    index = 0
    while sum(sizes) != rest:  # hand out (or take back) the rounding remainder
        step = 1 if sum(sizes) < rest else -1
        if sizes[index % others] + step >= 1:
            sizes[index % others] += step
        index += 1
    return [TEAM_SIZE, *sizes]
