"""The README's two commands hold on a fresh machine: system packages, bounded and pinned deps."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements() -> list[Requirement]:
    project = _project()
    names = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        names.extend(extra)
    return [Requirement(name) for name in names]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins exact versions only: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_every_dependency_has_an_upper_bound():
    unbounded = [
        str(r)
        for r in _requirements()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert not unbounded, f"a new major release could break these: {unbounded}"


def test_constraints_pin_every_installed_dependency_at_its_installed_version():
    pins, seen, todo = _pins(), set(), _requirements()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        installed = metadata.version(name)
        assert pins.get(name) == installed, f"{name} {installed} is not pinned in constraints.txt"
        for child in metadata.requires(name) or []:
            child_req = Requirement(child)
            if child_req.marker is None or any(
                child_req.marker.evaluate({"extra": extra}) for extra in ("", *requirement.extras)
            ):
                todo.append(Requirement(re.sub(r";.*", "", child)))


def _make_variable(name: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{name}\s*:=\s*(.*)$", makefile, re.MULTILINE)
    assert match, name
    words = match.group(1).split()
    return [p for w in words for p in (_make_variable(w[2:-1]) if w.startswith("$(") else [w])]


def test_make_installs_the_system_libraries_weasyprint_needs():
    """A fresh machine lacks libharfbuzz-subset0: WeasyPrint warns and the suite fails to collect."""
    run = _make_variable("RUN_PACKAGES")
    assert "libharfbuzz-subset0" in run and "libpango-1.0-0" in run
    assert {"postgresql", "redis-server", "chromium", "poppler-utils"} <= set(
        _make_variable("TEST_PACKAGES")
    )
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "OKR_TEST_REQUIRE=postgresql,browser,redis" in ci


def test_make_run_starts_the_job_worker_beside_the_web_server():
    """One command serves everything: the background jobs need a worker running."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "flask --app okr jobs worker &" in recipe and "flask --app okr run" in recipe


def test_system_package_script_is_quiet_when_everything_is_installed():
    result = subprocess.run(
        [str(ROOT / "tools" / "system-packages.sh"), *_make_variable("TEST_PACKAGES")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_weasyprint_imports_without_warnings():
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import weasyprint"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
