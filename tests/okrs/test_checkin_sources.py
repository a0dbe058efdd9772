"""Values for many key results by their external id (okr.checkins.sources): what is stored is
what one record_checkin per item stores, field by field; every refusal is record_checkin's own;
access is can_edit's; the statements do not grow with the number of items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import insert, select

from okr.checkins.access import editable_objectives
from okr.checkins.services import record_checkin
from okr.checkins.sources import Item, apply_values
from okr.cycles.models import Cycle
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives import access
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.org.models import Person
from tests.factories import approved_objective, build_quarter, kr_row

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)  # a Wednesday of 2026 Q4


@pytest.fixture
def q(make_department, make_person):
    q = build_quarter(make_department, make_person)
    # a second person under the department objective: two chains meet there
    peer_objective = approved_objective(
        q.cycle,
        "内容流量",
        "individual",
        q.peer,
        parent=q.department,
        department=SimpleNamespace(id=q.mine.department_id),
    )
    q.peer_kr = kr_row(peer_objective, "外链数", "100", "0", "500", unit="个")
    q.department_kr = kr_row(q.department, "独立访问量", "50", "30000", "60000", unit="人")
    keys = {q.traffic: "baidu:visits:seo", q.pages: "baidu:pages", q.milestone: "site:launch"}
    keys |= {q.peer_kr: "crm:links", q.department_kr: "baidu:uv:推广组"}
    for kr, key in keys.items():
        kr.source, kr.source_key = "api", key
    db.session.commit()
    return q


ITEMS = [
    ("baidu:visits:seo", "45,000", "on_track", "自然流量稳定"),
    ("baidu:pages", "180", "at_risk", ""),
    ("site:launch", "1", "on_track", "上线了"),
    ("crm:links", "120", "off_track", "外链太少"),
    ("baidu:uv:推广组", "4.2万", "on_track", ""),
]
LATER = [  # a second round, two days later: new values, and some the same as before
    ("baidu:visits:seo", "52000", "on_track", ""),
    ("baidu:pages", "300", "on_track", "达标"),
    ("site:launch", "0", "off_track", "回滚了"),
    ("crm:links", "600", "on_track", "外链太少"),
    ("baidu:uv:推广组", "61,000", "at_risk", ""),
]
ROUNDS = [ITEMS, LATER]
CHECK_IN_FIELDS = ("key_result_id", "value", "confidence", "note", "author_id", "created_at")
CHECK_IN_FIELDS += ("week", "corrects_id", "reason")


def _state() -> dict[str, list[tuple]]:
    """Key results, objectives (but updated_at: both paths stamp it with the wall clock, not
    with `now`) and check-ins (but their id and origin), as this transaction sees them."""
    db.session.flush()
    leave_out = {"objective": {"updated_at"}, "check_in": {"id", "origin", "origin_ref"}}
    found = {}
    for name in ("key_result", "objective", "check_in"):
        table = db.metadata.tables[name]
        columns = [c for c in table.c if c.name not in leave_out.get(name, ())]
        found[name] = sorted((tuple(row) for row in db.session.execute(select(*columns))), key=repr)
    return found


def _one_by_one(q, items, actor, now) -> None:
    by_key = {kr.source_key: kr for kr in db.session.scalars(select(KeyResult))}
    for key, value, confidence, note in items:
        record_checkin(by_key[key], value, confidence, note, actor, None, now=now)
    db.session.flush()


@pytest.mark.parametrize("rounds", [1, 2])
def test_the_batch_stores_exactly_what_one_check_in_per_item_stores(q, rounds):
    """Key results (value, confidence, note, progress, points, version ...), every objective up
    the chains and the check-ins, field by field; a second round starts from the first's state."""
    before = _state()
    for n in range(rounds):
        items = [Item(*i) for i in ROUNDS[n]]
        results = apply_values(items, q.lead, "api", "token 1", NOW + timedelta(days=2 * n))
        assert [r.status for r in results] == ["stored"] * len(ITEMS)
    batched = _state()
    assert all(batched[name] != before[name] for name in before)  # the chains moved too
    stored = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert {(c.origin, c.origin_ref) for c in stored} == {("api", "token 1")}
    assert [r.checkin_id for r in results] == [c.id for c in stored[-len(ITEMS) :]]
    assert [r.kr_id for r in results] == [c.key_result_id for c in stored[-len(ITEMS) :]]
    db.session.rollback()  # the same world again, checked in one by one
    assert _state() == before
    for n in range(rounds):
        _one_by_one(
            q, ROUNDS[n], db.session.get_one(Person, q.lead.id), NOW + timedelta(days=2 * n)
        )
    one_by_one = _state()
    for table, rows in batched.items():
        for mine, theirs in zip(one_by_one[table], rows, strict=True):
            assert mine == theirs, (
                table,
                [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b],
            )


def test_many_items_take_the_same_statements_as_a_few(q, count_queries):
    """1,000 key results under 50 objectives: loading, access, one INSERT, one UPDATE, one roll-up."""
    objectives = [
        approved_objective(q.cycle, f"目标{n}", "individual", q.seo, parent=q.department)
        for n in range(50)
    ]
    rows = [
        {"objective_id": o.id, "title": f"KR{n}", "kind": "increase", "weight": Decimal(5)}
        | {
            "start": Decimal(0),
            "target": Decimal(100),
            "source": "upload",
            "source_key": f"k{o.id}-{n}",
        }
        | {"position": n}
        for o in objectives
        for n in range(20)
    ]
    db.session.execute(insert(KeyResult), rows)
    db.session.commit()
    keys = [row["source_key"] for row in rows]

    def statements(n: int) -> int:
        items = [Item(key, str(i % 90 + 1)) for i, key in enumerate(keys[:n])]
        with count_queries() as counted:
            results = apply_values(items, q.lead, "upload", "周报.xlsx", NOW)
        assert [r.status for r in results] == ["stored"] * n
        db.session.rollback()
        return len(counted.statements)

    assert statements(20) == statements(1000)


def _refusal(q, item: Item, actor=None):
    (result,) = apply_values([item], actor or q.seo, "api", None, NOW)
    assert result.status == "refused" and result.checkin_id is None
    return result


@pytest.mark.parametrize(
    ("key", "value", "confidence"),
    [
        ("baidu:visits:seo", "很多", "on_track"),  # no number
        ("baidu:visits:seo", "50%", "on_track"),  # a percent on a count
        ("site:launch", "2", "on_track"),  # a milestone is 0 or 1
        ("baidu:pages", "150", "great"),  # no such confidence
    ],
)
def test_a_value_is_refused_exactly_as_a_check_in_refuses_it(q, key, value, confidence):
    kr = db.session.scalar(select(KeyResult).where(KeyResult.source_key == key))
    with pytest.raises(Invalid) as raised:
        record_checkin(kr, value, confidence, "", q.seo, None, now=NOW)
    db.session.rollback()
    result = _refusal(q, Item(key, value, confidence))
    assert {result.field: result.message} == raised.value.errors
    assert result.kr_id == kr.id
    assert db.session.scalars(select(CheckIn)).all() == []


def test_a_cycle_not_open_refuses_as_a_check_in_does(q):
    db.session.get_one(Cycle, q.cycle.id).status = "closed"
    db.session.flush()
    with pytest.raises(Invalid) as raised:
        record_checkin(q.traffic, "45000", "on_track", "", q.seo, None, now=NOW)
    result = _refusal(q, Item("baidu:visits:seo", "45000"))
    assert (result.field, result.message) == (None, raised.value.errors["_"])


def test_an_unknown_key_and_a_repeated_key_are_refused(q):
    results = apply_values(
        [
            Item(" baidu:pages ", "150", ref="a"),
            Item("nope", "1", ref="b"),
            Item("baidu:pages", "160"),
        ],
        q.seo,
        "api",
        None,
        NOW,
    )
    assert [(r.status, r.ref, r.field) for r in results] == [
        ("stored", "a", None),
        ("refused", "b", "source_key"),
        ("refused", None, "source_key"),
    ]
    assert "No key result has this external id" in results[1].message
    assert "more than once" in results[2].message
    db.session.expire_all()
    assert db.session.get_one(KeyResult, q.pages.id).current == 150


@pytest.mark.parametrize("who", ["peer", "other_lead"])
def test_a_key_result_the_actor_may_not_check_in_on_is_refused(q, who):
    result = _refusal(q, Item("baidu:visits:seo", "45000"), getattr(q, who))
    assert (result.field, result.message) == (
        "source_key",
        "You may not check in on this key result.",
    )
    db.session.expire_all()
    assert db.session.get_one(KeyResult, q.traffic.id).current is None


def test_access_is_can_edit_objective_by_objective(q, make_person):
    objectives = db.session.scalars(select(Objective)).all()
    admin = make_person("HR", is_admin=True)
    for person in [*db.session.scalars(select(Person)), admin]:
        expected = {o.id for o in objectives if access.can_edit(person, o)}
        assert editable_objectives(person, objectives) == expected, person.name


def test_the_same_value_again_this_week_is_unchanged_and_next_week_stored(q):
    item = Item("baidu:pages", "150", "on_track", "")
    (first,) = apply_values([item], q.seo, "upload", "a.csv", NOW)
    (again,) = apply_values([item], q.seo, "upload", "a.csv", NOW + timedelta(hours=3))
    (other,) = apply_values([Item("baidu:pages", "150", "at_risk")], q.seo, "upload", None, NOW)
    (later,) = apply_values([item], q.seo, "upload", "a.csv", NOW + timedelta(days=7))
    assert [first.status, again.status, other.status, later.status] == [
        "stored",
        "unchanged",
        "stored",
        "stored",
    ]
    assert again.checkin_id is None and again.kr_id == q.pages.id
    assert len(db.session.scalars(select(CheckIn)).all()) == 3


def test_no_confidence_or_note_keeps_the_latest(q):
    record_checkin(q.pages, "120", "at_risk", "慢", q.seo, None, now=NOW)
    apply_values([Item("baidu:pages", "130")], q.seo, "api", None, NOW)
    db.session.expire_all()
    kr = db.session.get_one(KeyResult, q.pages.id)
    assert (kr.current, kr.confidence, kr.last_note) == (130, "at_risk", "慢")
