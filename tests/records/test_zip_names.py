"""Record ZIP entry names are plain file names on every unzip tool and system, Windows too."""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from okr.extensions import db
from okr.org.models import Person
from okr.records.zipnames import RESERVED, EntryNames, safe_stem
from okr.reviews.models import Appraisal
from tests.records.batches import run_here, start, stored_zip

HOSTILE = [
    "../../../../evil",
    "..\\..\\Windows\\System32\\evil",
    "/etc/passwd",
    "C:\\evil",
    "C:evil",
    "销售部/华东组/张三",
    'a<b>c:d"e|f?g*h',
    "CON",
    "con.txt",
    "NUL .tar.gz",
    "COM1",
    "lpt9.x",
    "COM¹",
    "  .hidden. . ",
    "...",
    "\x00\x01\x1f\x7f",
    "line\nbreak\ttab\rreturn",
    "evil\u202efdp.exe",
    "zero\u200bwidth",
    "\ufeffbom",
    "-rf",
    "郑" * 200,
    "x" * 400,
    "😀" * 100,
    "ﬁ\u0301",  # decomposed accents normalise to one form
    "",
]


def assert_safe(name: str) -> None:
    """Every rule a name must keep to extract as itself, everywhere."""
    assert name and name == name.strip()
    assert not set(name) & set('<>:"/\\|?*'), name
    assert ".." not in name, name
    assert not any(unicodedata.category(c)[0] == "C" for c in name), repr(name)
    assert not name.startswith((".", " ", "-")) and not name.endswith((".", " ")), name
    assert name.split(".", 1)[0].rstrip(" ").upper() not in RESERVED, name
    assert len(name.encode()) <= 200, name
    assert unicodedata.normalize("NFC", name) == name
    assert PurePosixPath(name).name == name and len(PurePosixPath(name).parts) == 1
    windows = PureWindowsPath(name)
    assert windows.name == name and not windows.drive and not windows.root, name


@pytest.mark.parametrize("person", HOSTILE)
def test_every_hostile_name_gives_a_safe_entry(person):
    assert_safe(EntryNames().take(person, "-12.pdf"))


def test_names_stay_readable():
    names = EntryNames()
    assert names.take("郑堃", "-7.pdf") == "郑堃-7.pdf"
    assert names.take("Zhang Yue", "-8.pdf") == "Zhang Yue-8.pdf"
    assert names.take("销售部/华东组/张三", "-9.pdf") == "销售部_华东组_张三-9.pdf"
    assert names.take("../../../../evil", "-10.pdf") == "evil-10.pdf"
    assert names.take("CON", ".pdf") == "_CON.pdf"
    assert names.take("", ".pdf") == "record.pdf"


def test_long_names_are_cut_on_a_character_boundary():
    stem = safe_stem("郑" * 200)
    assert stem == "郑" * 50 and len(stem.encode()) == 150


def test_collisions_get_a_number_ignoring_case_and_unicode_form():
    names = EntryNames()
    taken = [
        names.take(n, ".pdf")
        for n in ("Anna", "anna", "ANNA", "a/b", "a\\b", "Zoe\u0301", "Zo\u00e9", "all-records")
    ]
    assert taken == [
        "Anna.pdf",
        "anna (2).pdf",
        "ANNA (3).pdf",
        "a_b.pdf",
        "a_b (2).pdf",
        "Zoé.pdf",
        "Zoé (2).pdf",
        "all-records.pdf",
    ]
    assert len({t.casefold() for t in taken}) == len(taken)


def test_a_batch_for_people_with_hostile_names_reads_back_safe(runner, world, tmp_path):
    hostile = ["../../../../evil", "C:\\Windows\\win.ini", "nul.txt", "郑堃/../\u202eexe.pdf"]
    appraisals = db.session.scalars(db.select(Appraisal).order_by(Appraisal.id)).all()
    assert len(appraisals) == len(hostile)
    for appraisal, name in zip(appraisals, hostile, strict=True):
        db.session.get(Person, appraisal.person_id).name = name
    db.session.commit()
    job = run_here(runner, start(world, combined=True).id)
    assert job.status == "done", job.error

    with stored_zip(job) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        for info in infos:
            assert_safe(info.filename)
            if not info.filename.isascii():
                assert info.flag_bits & 0x800, info.filename  # marked UTF-8 for every tool
        assert len({n.casefold() for n in names}) == len(names) == 5
        assert "all-records.pdf" in names
        assert f"evil-{appraisals[0].id}.pdf" in names
        assert f"_nul.txt-{appraisals[2].id}.pdf" in names
        assert f"郑堃_._exe.pdf-{appraisals[3].id}.pdf" in names
        out = tmp_path / "out"
        archive.extractall(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert all(p.is_file() for p in out.iterdir())
    assert not (Path(tmp_path) / "evil").exists()
