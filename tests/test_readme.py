"""README.md's and SECURITY.md's code blocks, run as their readers would run them.

Every fenced block of both files carries a marker: an HTML comment on the line right before its fence
(GitHub renders it as nothing), saying how the block runs here, or why it cannot:

    <!-- readme-test: sql as=reader -->
    <!-- readme-test: python as=writer -->
    <!-- readme-test: bash as=owner cwd=repo -->
    <!-- readme-test: skip: why it cannot run here -->

A block without a marker fails its test, so a block added later must say how it is checked. Kinds:

- `sql`: statement by statement on an autocommit connection (a block's own BEGIN / COMMIT run as
  written), every statement must succeed and leave no transaction open.
- `python`: the block as a script in a separate interpreter, with `agent_loggy_db.database_url()`
  naming the role's database (AGENT_LOGGY_DATABASE_URL); without `as=` it gets no database.
- `bash`: the block as a bash script (`set -euo pipefail`), `agent-loggy-db`, `.venv/bin/agent-loggy-db`
  and `yoyo` being this interpreter's, `psql` the embedded server's; AGENT_LOGGY_DATABASE_URL names
  the role's database, unless the block names its database itself with a `postgresql://` or
  `postgresql+psycopg://` URL: such a URL stands for the role's database and is replaced by its URL
  in the same form (yoyo's form with `schema=public`).
- `csv`: the file given to the importer it documents (`import=context-rules` / `import=negate-keys`).
- `paths`: a listing of the repository; the first word of every unindented line must exist.
- `skip: REASON`: not run (no Docker engine, installs packages, runs the suite itself); the block must
  still parse (bash -n, compile()).

Options:

- `as=ROLE[,ROLE...]`: who runs it. `reader`, `writer`: a new LOGIN role in agent_loggy_reader /
  agent_loggy_writer granted project default at read / write; `admin`: a LOGIN role in
  agent_loggy_admin (admins may use every project, no grant); `owner`: the database's owner, the
  non-superuser DBA credential that migrated it (has CREATEROLE, as on a managed service);
  `superuser`; `embedded` (bash): no URL at all, the embedded server of a temporary
  AGENT_LOGGY_DATA_DIR, after `agent-loggy-db up` (as the Quickstart does first). For `sql`, one role
  per statement in order, the last one for the rest: `as=owner,admin`.
- `db=empty`: a brand-new database without pgvector instead of a freshly migrated one.
- `roles=NAME,...`: LOGIN roles (in no group) the block names but does not create.
- `env=NAME,...`: variables the block reads: `ANCHOR` is project default's chain head as
  `audit verify` prints it (`project:place:hash`).
- `via=pgbouncer` (python): AGENT_LOGGY_DATABASE_URL goes through a real PgBouncer in transaction
  mode, AGENT_LOGGY_LISTEN_URL straight to the server, AGENT_LOGGY_PREPARED_STATEMENTS=off.
- `cwd=repo` (bash): run from the repository root (default: an empty temporary directory).

Role names a block creates (`CREATE ROLE loggy_agent ...`) or names in `roles=` are cluster-wide: each
test gives them a unique suffix wherever the block names them and drops them afterwards.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent
from typing import Any

import psycopg
import pytest
from markdown_it import MarkdownIt
from psycopg import sql

from agent_loggy_db import audit, migrations, server
from agent_loggy_db.urls import parse, to_libpq, to_yoyo
from tests.conftest import RoleUrl, TestServer
from tests.pgbouncer import running_pgbouncer

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "SECURITY.md")

KINDS = {"sql": "sql", "python": "python", "bash": "bash", "csv": "csv", "paths": ""}
"""Marker kind -> the fence's info string it must carry."""
OPTIONS = {"sql": ("as", "db", "roles"), "python": ("as", "via"), "bash": ("as", "roles", "env", "cwd"),
           "csv": ("as", "import"), "paths": ()}
"""Marker kind -> the options it takes."""
ROLES = ("reader", "writer", "admin", "owner", "superuser", "embedded")
VALUES = {"db": ("empty",), "via": ("pgbouncer",), "cwd": ("repo",), "import": ("context-rules", "negate-keys"),
          "env": ("ANCHOR",)}
"""Option -> the values it takes (each of a comma-separated list, for env)."""

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*readme-test:\s*(?P<body>.*?)\s*-->\s*$")
_URL = re.compile(r"postgresql(?:\+psycopg)?://[^'\"\s]+")
_CREATE_ROLE = re.compile(r"\bCREATE\s+ROLE\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    kind: str
    options: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def roles(self) -> list[str]:
        return self.options["as"].split(",") if "as" in self.options else []

    @property
    def role(self) -> str | None:
        """The one role of a python, bash or csv block (None: no database)."""
        return self.roles[0] if self.roles else None

    def listed(self, option: str) -> list[str]:
        return self.options[option].split(",") if option in self.options else []


@dataclass(frozen=True)
class Block:
    document: str
    line: int  # of the opening fence, 1-based
    info: str
    code: str
    marker_text: str | None  # the marker comment's body, None when the line before the fence is none

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


def parse_marker(text: str) -> Marker:
    """`KIND key=value ...` or `skip: REASON`; ValueError naming what is wrong."""
    if text.startswith("skip"):
        kind, colon, reason = text.partition(":")
        if kind != "skip" or not colon or not reason.strip():
            raise ValueError(f"a skip says why: `skip: REASON`, not {text!r}")
        return Marker("skip", reason=reason.strip())
    kind, *words = text.split() or [""]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected skip or one of {sorted(KINDS)}")
    options: dict[str, str] = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or key not in OPTIONS[kind] or not value or key in options:
            raise ValueError(f"bad option {word!r}: a {kind} block takes one each of {OPTIONS[kind]} as key=value")
        if key in VALUES and not set(value.split(",")) <= set(VALUES[key]):
            raise ValueError(f"bad option {word!r}: {key} takes {VALUES[key]}")
        options[key] = value
    marker = Marker(kind, options)
    unknown = [r for r in marker.roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}: expected {ROLES}")
    if "embedded" in marker.roles and (kind != "bash" or marker.roles != ["embedded"]):
        raise ValueError("as=embedded is for bash blocks, alone")
    if kind in ("bash", "python", "csv") and len(marker.roles) > 1:
        raise ValueError(f"a {kind} block runs as one role")
    if kind in ("sql", "csv") and not marker.roles:
        raise ValueError(f"a {kind} block needs as=ROLE")
    if kind == "csv" and "import" not in options:
        raise ValueError("a csv block names its importer: import=context-rules or import=negate-keys")
    if "via" in options and not marker.roles:
        raise ValueError("via= needs as=ROLE")
    return marker


def code_blocks(document: str, text: str) -> list[Block]:
    """Every fenced block of the document, with the marker on the line right before its fence
    (CommonMark fences: closed by a fence of the same character, at least as long, without an info
    string; the content loses the opening fence's indentation)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if opened is None:
            i += 1
            continue
        indent, fence = len(opened["indent"]), opened["fence"]
        end = i + 1
        while end < len(lines):
            closing = _FENCE.match(lines[end])
            if (closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence)
                    and not closing["info"].strip()):
                break
            end += 1
        body = [line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[i + 1:end]]
        marker = _MARKER.match(lines[i - 1]) if i > 0 else None
        blocks.append(Block(document, i + 1, opened["info"].strip(), "\n".join(body) + "\n",
                            marker["body"] if marker else None))
        i = end + 1
    return blocks


BLOCKS = [block for document in DOCUMENTS for block in code_blocks(document, (ROOT / document).read_text("utf-8"))]


def block_id(block: Block) -> str:
    return f"{block.where}-{block.info or 'text'}"


def marker_of(block: Block) -> Marker:
    """The block's marker; AssertionError when it has none or one of another kind."""
    assert block.marker_text is not None, (
        f"{block.where}: a ```{block.info} block without a marker: put `<!-- readme-test: KIND as=ROLE -->` or "
        f"`<!-- readme-test: skip: REASON -->` on the line right before its fence (see tests/test_readme.py)")
    try:
        marker = parse_marker(block.marker_text)
    except ValueError as e:
        raise AssertionError(f"{block.where}: {e}") from None
    assert marker.kind == "skip" or KINDS[marker.kind] == block.info, (
        f"{block.where}: a `{marker.kind}` marker on a ```{block.info} block")
    return marker


def split_sql(text: str) -> list[str]:
    """The block's statements, split at semicolons outside quotes, comments and dollar quotes, without
    the comment lines before each (a comment after a statement's semicolon goes with the next one)."""
    statements: list[str] = []
    start = i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("--", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        elif c in "'\"":
            i = i + 1
            while True:
                i = text.index(c, i) + 1
                if not text.startswith(c, i):
                    break
                i += 1
        elif c == "$" and (tag := re.match(r"\$[A-Za-z_]*\$", text[i:])):
            i = text.index(tag[0], i + len(tag[0])) + len(tag[0])
        elif c == ";":
            statements.append(text[start:i + 1])
            start = i = i + 1
        else:
            i += 1
    statements.append(text[start:])
    statements = [re.sub(r"^(?:\s*--[^\n]*\n)+", "", s + "\n").strip() for s in statements]  # the comments before
    return [s for s in statements if s and not s.startswith("--")]


# --- the block's environment: its roles, its databases, its processes --------------------------------------


@dataclass
class Context:
    """What one block runs against, built lazily from the test's fixtures."""

    request: pytest.FixtureRequest
    marker: Marker
    scratch: Path
    renamed: dict[str, str] = field(default_factory=dict)
    _urls: dict[str, str] = field(default_factory=dict)

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    def url(self, role: str) -> str:
        """The libpq URL of the block's database as role."""
        if role not in self._urls:
            self._urls[role] = self._make_url(role)
        return self._urls[role]

    def _make_url(self, role: str) -> str:
        empty = self.marker.options.get("db") == "empty"
        if empty and role != "superuser":
            raise AssertionError("db=empty is a database without the schema: only the superuser has a use for it")
        if role == "superuser":
            return str(self.fixture("superuser_empty_db_url" if empty else "superuser_url"))
        if role == "owner":
            return str(self.fixture("db_url"))
        role_url: RoleUrl = self.fixture("role_url")
        if role == "reader":
            return role_url("agent_loggy_reader", "default")
        if role == "writer":
            return role_url("agent_loggy_writer", "default")
        if role == "admin":
            return role_url("agent_loggy_admin")
        raise AssertionError(f"no URL for role {role!r}")

    def rename(self, text: str) -> str:
        for name, unique in self.renamed.items():
            text = re.sub(rf"\b{re.escape(name)}\b", unique, text)
        return text


@pytest.fixture
def context_for(request: pytest.FixtureRequest,
                pg_server: TestServer) -> Iterator[Callable[[Block, Marker], Context]]:
    """context_for(block, marker) -> its Context; the roles the block creates or names are dropped at the end."""
    contexts: list[Context] = []
    scratch = Path(tempfile.mkdtemp(prefix="alr-"))  # our own: a concurrent pytest may prune tmp_path

    def make(block: Block, marker: Marker) -> Context:
        names = [*_CREATE_ROLE.findall(block.code), *marker.listed("roles")]
        ctx = Context(request, marker, scratch, {n: f"{n}_{uuid.uuid4().hex[:8]}" for n in names})
        contexts.append(ctx)
        return ctx

    yield make
    admin = pg_server.url(pg_server.maintenance_dbname)
    try:
        with psycopg.connect(admin, autocommit=True) as c:
            for ctx in contexts:
                for unique in ctx.renamed.values():
                    c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (unique,))
                    c.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(unique)))
            left = c.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                             ([u for ctx in contexts for u in ctx.renamed.values()],)).fetchall()
            assert left == [], f"roles left behind: {left}"
    finally:
        if (scratch / "data").exists():
            server.stop(scratch / "data")
        shutil.rmtree(scratch, ignore_errors=True)


def create_named_roles(ctx: Context) -> None:
    """The LOGIN roles of roles=, created by the superuser as roles the block expects to exist."""
    with psycopg.connect(ctx.url("superuser"), autocommit=True) as c:
        for name in ctx.marker.listed("roles"):
            c.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(ctx.renamed[name])))


def given_env(ctx: Context) -> dict[str, str]:
    env: dict[str, str] = {}
    for name in ctx.marker.listed("env"):  # ANCHOR, the only one (VALUES)
        with psycopg.connect(ctx.url("owner"), autocommit=True) as c:
            (head,) = [chain for chain in audit.check(c).chains if chain.project == "default"]
        assert head.head_seq is not None and head.head_hash is not None, "the seed's changelog rows"
        env[name] = str(audit.Anchor(head.project, head.head_seq, head.head_hash))
    return env


def process_env(**extra: str) -> dict[str, str]:
    """The environment of the block's processes: ours without database or data-dir settings, this
    repository first on the import path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AGENT_LOGGY_") and k not in ("DATABASE_URL", "XDG_DATA_HOME")}
    paths = [str(ROOT), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env |= {"PYTHONPATH": os.pathsep.join(paths), "COLUMNS": "200", **extra}
    return env


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=timeout, check=False)


def shims(scratch: Path) -> Path:
    """A bin directory with agent-loggy-db and yoyo run by this interpreter (with this repository)."""
    bin_dir = scratch / "bin"
    if not bin_dir.exists():
        bin_dir.mkdir()
        for name, module in (("agent-loggy-db", "agent_loggy_db.cli"), ("yoyo", "yoyo")):
            script = bin_dir / name
            script.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m {module} \"$@\"\n")
            script.chmod(0o755)
    return bin_dir


def expect_success(result: subprocess.CompletedProcess[str], block: Block) -> None:
    assert result.returncode == 0, (
        f"{block.where}: exit status {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")


# --- the runners --------------------------------------------------------------------------------------------


def run_sql(block: Block, ctx: Context) -> None:
    statements = split_sql(ctx.rename(block.code))
    roles = ctx.marker.roles
    assert len(roles) <= len(statements), f"{block.where}: more roles than statements"
    if ctx.marker.listed("roles"):
        create_named_roles(ctx)
    conns: dict[str, psycopg.Connection[Any]] = {}
    try:
        for n, statement in enumerate(statements):
            role = roles[min(n, len(roles) - 1)]
            if role not in conns:
                conns[role] = psycopg.connect(ctx.url(role), autocommit=True)
            try:
                cur = conns[role].execute(statement.encode())  # bytes: sent as written
                if cur.description is not None:
                    cur.fetchall()
            except psycopg.Error as e:
                raise AssertionError(f"{block.where}: as {role}: {statement}\n-> {type(e).__name__}: {e}") from None
        for role, conn in conns.items():
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE, (
                f"{block.where}: the block leaves {role}'s transaction open")
    finally:
        for conn in conns.values():
            conn.close()


def run_python(block: Block, ctx: Context) -> None:
    script = ctx.scratch / f"{block.document.replace('.', '_')}_{block.line}.py"  # tracebacks name it
    script.write_text(ctx.rename(block.code), encoding="utf-8")
    env = process_env(AGENT_LOGGY_DATA_DIR=str(ctx.scratch / "data"))
    role = ctx.marker.role
    if role is not None:
        url = ctx.url(role)
        env["AGENT_LOGGY_DATABASE_URL"] = url
        if ctx.marker.options.get("via") == "pgbouncer":
            pg: TestServer = ctx.fixture("pg_server")
            with running_pgbouncer(pg.host, pg.port, admin_user=pg.user, admin_password=pg.password,
                                   pool_size=2) as bouncer:
                env |= {"AGENT_LOGGY_DATABASE_URL": bouncer.via(url), "AGENT_LOGGY_LISTEN_URL": url,
                        "AGENT_LOGGY_PREPARED_STATEMENTS": "off"}
                expect_success(run([sys.executable, str(script)], env, ctx.scratch), block)
                assert f"user={parse(url)['user']}" in bouncer.log(), f"{block.where}: nothing came through PgBouncer"
            return
    expect_success(run([sys.executable, str(script)], env, ctx.scratch), block)


def run_bash(block: Block, ctx: Context) -> None:
    bin_dir = shims(ctx.scratch)
    work = ctx.scratch / "work"
    (work / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    (work / ".venv" / "bin" / "agent-loggy-db").symlink_to(bin_dir / "agent-loggy-db")
    env = bash_env(ctx.scratch)
    code = ctx.rename(block.code)
    role = ctx.marker.role
    if role == "embedded":
        expect_success(run([str(bin_dir / "agent-loggy-db"), "up"], env, work), block)
    elif role is not None:
        url = ctx.url(role)
        if _URL.search(code):
            code = _URL.sub(lambda m: same_form(m, url), code)
        else:
            env["AGENT_LOGGY_DATABASE_URL"] = url
    if ctx.marker.listed("roles"):
        create_named_roles(ctx)
    env |= given_env(ctx)
    cwd = ROOT if ctx.marker.options.get("cwd") == "repo" else work
    script = ctx.scratch / "block.sh"
    script.write_text("set -euo pipefail -x\n" + code)
    expect_success(run(["bash", str(script)], env, cwd), block)


def same_form(found: re.Match[str], url: str) -> str:
    """url in the form of the URL found (yoyo's or libpq's), quoted for the shell unless it is already."""
    replacement = to_yoyo(url) if "+psycopg" in found[0] else to_libpq(url)
    quoted = found.start() > 0 and found.string[found.start() - 1] in "'\""
    return replacement if quoted else shlex.quote(replacement)


def run_csv(block: Block, ctx: Context) -> None:
    importer = ctx.marker.options["import"]
    path = ctx.scratch / f"{importer.replace('-', '_')}.csv"
    path.write_text(block.code, encoding="utf-8")
    env = process_env(AGENT_LOGGY_DATABASE_URL=ctx.url(ctx.marker.roles[0]))
    result = run([sys.executable, "-m", "agent_loggy_db.cli", "import", importer, str(path)], env, ctx.scratch)
    expect_success(result, block)
    rows = len([line for line in block.code.splitlines()[1:] if line.strip()])
    assert f"created\t{rows}" in result.stdout.splitlines(), f"{block.where}: {rows} rows created\n{result.stdout}"


def run_paths(block: Block, ctx: Context) -> None:
    named = [line.split()[0] for line in block.code.splitlines() if line.strip() and not line[0].isspace()]
    missing = [name for name in named if not (ROOT / name).exists()]
    assert named and not missing, f"{block.where}: not in the repository: {missing}"


def bash_env(scratch: Path, **extra: str) -> dict[str, str]:
    """process_env() with the shims first on PATH, then the embedded server's psql."""
    path = os.pathsep.join([str(shims(scratch)), str(server.bin_dir()), os.environ.get("PATH", "")])
    return process_env(PATH=path, AGENT_LOGGY_DATA_DIR=str(scratch / "data"), XDG_DATA_HOME=str(scratch / "xdg"),
                       **extra)


def check_skipped(block: Block, ctx: Context) -> None:
    """Not run here (the marker says why), but it must still parse."""
    if block.info == "bash":
        checked = subprocess.run(["bash", "-n"], input=block.code, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{block.where}: {checked.stderr}"
    elif block.info == "python":
        compile(block.code, block.where, "exec")


RUNNERS: dict[str, Callable[[Block, Context], None]] = {
    "sql": run_sql, "python": run_python, "bash": run_bash, "csv": run_csv, "paths": run_paths, "skip": check_skipped,
}


@pytest.mark.parametrize("block", [pytest.param(b, id=block_id(b)) for b in BLOCKS])
def test_block(block: Block, context_for: Callable[[Block, Marker], Context]) -> None:
    marker = marker_of(block)
    RUNNERS[marker.kind](block, context_for(block, marker))


def test_every_document_has_blocks() -> None:
    for document in DOCUMENTS:
        assert [b for b in BLOCKS if b.document == document], document


def test_a_block_without_its_marker_right_before_it_fails() -> None:
    text = dedent("""\
        Some text:

        ```sql
        SELECT 1;
        ```
        <!-- readme-test: sql as=reader -->

        ```sql
        SELECT 2;
        ```
        <!-- readme-test: bash as=owner -->
        ```sql
        SELECT 3;
        ```
          <!-- readme-test: skip -->
          ```bash
          docker ps
          ```
        <!-- readme-test: sql as=reader -->
        ```sql
        SELECT 4;
        ```
    """)
    *bad, good = code_blocks("X.md", text)
    assert [b.line for b in bad] == [3, 8, 12, 16] and good.code == "SELECT 4;\n"
    for block in bad:
        with pytest.raises(AssertionError, match=r"^X\.md:\d+: "):
            marker_of(block)
    assert marker_of(good) == Marker("sql", {"as": "reader"})


def test_markers_render_as_nothing_and_blocks_as_a_commonmark_renderer_sees_them() -> None:
    """A CommonMark parser (GitHub's flavour extends CommonMark) finds exactly our blocks, with the same
    text, and every marker is an HTML comment block of its own, which GitHub does not show."""
    md = MarkdownIt("commonmark").enable("table")
    for document in DOCUMENTS:
        tokens = md.parse((ROOT / document).read_text(encoding="utf-8"))
        fences = [(t.map[0] + 1 if t.map else 0, t.content) for t in tokens if t.type == "fence"]
        ours = [b for b in BLOCKS if b.document == document]
        assert fences == [(b.line, b.code) for b in ours], document
        comments = {t.map[0] + 1: t.content for t in tokens if t.type == "html_block" and t.map}
        for block in ours:
            if block.marker_text is not None:
                assert _MARKER.match(comments.get(block.line - 1, "")), (
                    f"{block.where}: its marker is not an HTML comment block of its own: it would show on the page")
        shown = [t.content for tok in tokens for t in [tok, *(tok.children or [])]
                 if t.type == "text" and "<!-- readme-test" in t.content]
        assert shown == [], f"{document}: markers shown as text: {shown}"


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT 1; SELECT 2", ["SELECT 1;", "SELECT 2"]),
    ("SELECT ';' -- a; comment\n; SELECT $$;$$; SELECT $q$ ; $q$;", ["SELECT ';' -- a; comment\n;",
                                                                     "SELECT $$;$$;", "SELECT $q$ ; $q$;"]),
    ("SELECT 1;  -- one\n-- and then\nSELECT 2;  -- two\n", ["SELECT 1;", "SELECT 2;"]),
    ("SELECT 'it''s;'; -- trailing; comment only\n", ["SELECT 'it''s;';"]),
    ('SELECT "a;b" FROM t; /* ; */ SELECT 2;', ['SELECT "a;b" FROM t;', "/* ; */ SELECT 2;"]),
])
def test_split_sql(text: str, expected: list[str]) -> None:
    assert split_sql(text) == expected


def test_markers_are_parsed_strictly() -> None:
    assert parse_marker("sql as=owner,admin roles=loggy_agent") == Marker(
        "sql", {"as": "owner,admin", "roles": "loggy_agent"})
    assert parse_marker("skip: no Docker engine") == Marker("skip", reason="no Docker engine")
    for bad in ("skip", "skip:", "sql", "sql as=nobody", "shell as=owner", "sql as=owner as=admin", "bash as=a,b",
                "python as=owner,admin", "sql as=embedded", "sql colour=blue", "python as=reader cwd=repo",
                "csv as=writer", "paths as=owner"):
        with pytest.raises(ValueError):
            parse_marker(bad)



def test_the_dba_sections_database_url_prose_holds(db_url: str) -> None:
    """For DBAs: yoyo reads DATABASE_URL through yoyo.ini, in the postgresql+psycopg:// form; yoyo fails
    to start without it (`--no-config-file -d URL sql` then); the block's commented alternative
    `export DATABASE_URL="$(agent-loggy-db url --yoyo)"` converts any DATABASE_URL; DATABASE_URL may
    carry schema=public for agent-loggy-db too, and no other schema."""
    (dba,) = [b for b in BLOCKS if 'export DATABASE_URL="$(agent-loggy-db url --yoyo)"' in b.code]
    convert = dba.code[dba.code.index('export DATABASE_URL="$('):].splitlines()[0]
    scratch = Path(tempfile.mkdtemp(prefix="alr-"))
    try:
        def bash(script: str, **env: str) -> subprocess.CompletedProcess[str]:
            return run(["bash", "-c", "set -euo pipefail\n" + script], bash_env(scratch, **env), ROOT)

        applied = [f"A         {m}" for m in migrations.migration_ids()]
        unset = bash("yoyo list")
        assert unset.returncode != 0 and "DATABASE_URL" in unset.stderr, unset.stderr
        explicit = bash(f"yoyo list --no-config-file -d {shlex.quote(to_yoyo(db_url))} sql")
        assert explicit.returncode == 0 and all(a in explicit.stdout for a in applied), explicit.stderr
        plain = bash("yoyo list", DATABASE_URL=db_url)
        assert plain.returncode != 0 and "psycopg2" in plain.stderr, plain.stderr
        converted = bash(f"{convert}\necho \"$DATABASE_URL\"\nyoyo list", DATABASE_URL=db_url)
        assert converted.returncode == 0, converted.stderr
        assert converted.stdout.startswith(to_yoyo(db_url) + "\n") and all(a in converted.stdout for a in applied)
        status = bash("agent-loggy-db status", DATABASE_URL=to_yoyo(db_url))
        assert status.returncode == 0 and "0 pending" in status.stdout, status.stderr
        elsewhere = to_yoyo(db_url).replace("schema=public", "schema=agent_loggy")
        other = bash("agent-loggy-db status", DATABASE_URL=elsewhere)
        assert other.returncode == 1 and "schema" in other.stderr and "Traceback" not in other.stderr, other.stderr
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
