"""docker/compose.yaml and docker/Dockerfile, checked structurally (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DOCKER = Path(__file__).resolve().parent.parent / "docker"
IMAGE = "pgvector/pgvector:0.8.6-pg18"
INIT = "/docker-entrypoint-initdb.d/10-agent-loggy-migrations.sh"


@pytest.fixture(scope="module")
def db() -> dict[str, Any]:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    service: dict[str, Any] = compose["services"]["db"]
    return {**service, "_volumes": compose.get("volumes") or {}}


def mounts(db: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """target -> (source, mode) of every short-syntax volume."""
    out: dict[str, tuple[str, str]] = {}
    for entry in db["volumes"]:
        source, target, *mode = entry.split(":")
        out[target] = (source, mode[0] if mode else "rw")
    return out


def test_image_is_pinned_pgvector_on_postgres_18(db: dict[str, Any]) -> None:
    assert db["image"] == IMAGE


def test_dockerfile_builds_on_the_same_image_and_bakes_in_sql_and_init() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert re.findall(r"^FROM\s+(\S+)", text, re.M) == [IMAGE]
    assert re.search(r"^COPY sql/ /agent_loggy/sql/$", text, re.M)
    assert re.search(rf"^COPY docker/initdb/10-agent-loggy-migrations.sh {INIT}$", text, re.M)
    assert re.search(r"^ENV AGENT_LOGGY_SQL_DIR=/agent_loggy/sql$", text, re.M)


def test_credentials_have_defaults_and_come_from_the_environment(db: dict[str, Any]) -> None:
    env = db["environment"]
    for name in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"):
        assert re.fullmatch(rf"\$\{{{name}:-[^}}]+\}}", env[name]), env[name]
    assert env["AGENT_LOGGY_SQL_DIR"] == "/agent_loggy/sql"
    example = (DOCKER / ".env.example").read_text()
    for name in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_PORT"):
        assert re.search(rf"^{name}=", example, re.M), name


def test_data_sql_and_init_script_are_mounted(db: dict[str, Any]) -> None:
    m = mounts(db)
    assert m["/var/lib/postgresql"][0] in db["_volumes"], "the data dir must be a named volume"
    assert m["/agent_loggy/sql"] == ("../sql", "ro")
    assert m[INIT] == ("./initdb/10-agent-loggy-migrations.sh", "ro")
    assert (DOCKER / "initdb" / "10-agent-loggy-migrations.sh").is_file()
    assert not any(target.startswith("/docker-entrypoint-initdb.d") and target != INIT for target in m)


def test_port_is_published_on_localhost_only(db: dict[str, Any]) -> None:
    assert db["ports"], "no port published"
    for port in db["ports"]:
        assert re.fullmatch(r"127\.0\.0\.1:\$\{POSTGRES_PORT:-\d+\}:5432", port), port


def test_healthcheck_uses_pg_isready(db: dict[str, Any]) -> None:
    test = db["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    assert "pg_isready" in " ".join(test[1:])


def test_shared_memory_is_large_enough_for_parallel_hnsw_builds(db: dict[str, Any]) -> None:
    match = re.fullmatch(r"(\d+)([kmg]?)b?", str(db["shm_size"]).lower())
    assert match, db["shm_size"]
    size = int(match.group(1)) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(2)]
    assert size >= 512 * 2**20
