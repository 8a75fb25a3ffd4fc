"""Connection URLs in the two forms we need: libpq's (psql, psycopg) and yoyo's.

libpq (through psycopg's `conninfo_to_dict` and `make_conninfo`) does all the parsing, merging and
checking of parameters; this module only writes the result back as a URL, which neither offers.
libpq reads every parameter from the query string too, so whatever the host part of a URL cannot
carry (a socket directory, a host list for yoyo) goes there: `?host=/run/postgresql`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from agent_loggy_db.errors import ConfigurationError

YOYO_SCHEME = "postgresql+psycopg"
_SCHEMES = ("postgresql", "postgres", YOYO_SCHEME)

YOYO_SCHEMA = "public"
"""Where yoyo keeps its bookkeeping (_yoyo_migration, _yoyo_log, _yoyo_version, yoyo_lock), whatever
the role is called. yoyo uses the connection's current_schema(), which the default search_path
("$user", public) turns into schema agent_loggy for a role named agent_loggy once migration 0002
has created it; so every yoyo URL we build carries ?schema=public (yoyo runs SET search_path TO
public on each of its connections) and the docker init script pins the same schema."""

_HOST_NAME = re.compile(r"[A-Za-z0-9._-]+")  # a DNS name or an IPv4 address
_IPV6 = re.compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")
_PORT = re.compile(r"[0-9]*")


def to_libpq(url: str) -> str:
    """Return url as a postgresql:// URL for psql and psycopg (keyword DSNs are accepted too)."""
    return _build(parse(url), yoyo=False)


def to_yoyo(url: str) -> str:
    """Return url as yoyo-migrations needs it: postgresql+psycopg://, one host at most in the host
    part (a socket directory or a host list goes in ?host=, as yoyo cannot read them there), and
    ?schema=public so that its bookkeeping stays in YOYO_SCHEMA for any role name."""
    return _build({**parse(url), "schema": YOYO_SCHEMA}, yoyo=True)


def with_dbname(url: str, dbname: str) -> str:
    """Return url (libpq form) pointing at database dbname on the same server."""
    return with_params(url, dbname=dbname)


def with_params(url: str, **params: str | None) -> str:
    """Return url (libpq form) with some parameters replaced; None removes one."""
    merged = {**parse(url), **params}
    checked = conninfo_to_dict(_make({k: v for k, v in merged.items() if v is not None}))
    return _build({k: str(v) for k, v in checked.items() if v is not None}, yoyo=False)


def redact(url: str) -> str:
    """Return url with its password replaced by ***, for messages; never raises."""
    try:
        params = parse(url)
    except ConfigurationError:
        return "<invalid database URL>"
    if params.get("password"):
        params["password"] = "***"
    return _build(params, yoyo=False)


def parse(url: str) -> dict[str, str]:
    """Split a URL or keyword DSN (any of our schemes) into libpq parameters.

    yoyo's `schema` query parameter is not libpq's: it is accepted (as `public` only, see
    YOYO_SCHEMA) and left out.
    """
    text = url.strip()
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme not in _SCHEMES:
            raise ConfigurationError(
                f"unsupported database URL scheme {scheme!r}: expected postgresql://, postgres:// "
                f"or {YOYO_SCHEME}://"
            )
        text = "postgresql://" + _without_yoyo_schema(rest)
    try:
        return {k: str(v) for k, v in conninfo_to_dict(text).items() if v is not None}
    except psycopg.Error as exc:
        raise ConfigurationError(f"invalid database URL {_hide_password(url)!r}: {str(exc).strip()}") from None


def _without_yoyo_schema(rest: str) -> str:
    """The part of a URL after `scheme://` without its `schema=public` query parameter."""
    base, sep, query = rest.partition("?")
    if not sep:
        return rest
    kept: list[str] = []
    for item in query.split("&"):
        key, _, value = item.partition("=")
        if unquote(key) != "schema":
            kept.append(item)
        elif unquote(value) != YOYO_SCHEMA:
            raise ConfigurationError(
                f"unsupported yoyo schema {unquote(value)!r} in the database URL: agent_loggy_db keeps "
                f"yoyo's bookkeeping in schema {YOYO_SCHEMA} (use ?schema={YOYO_SCHEMA} or leave it out)"
            )
    return base + ("?" + "&".join(kept) if kept else "")


def _hide_password(text: str) -> str:
    """A URL or DSN that cannot be parsed, for a message: user:password@ and password=... hidden."""
    text = re.sub(r"(://[^:/?#@]*:)[^@/?#]*@", r"\1***@", text)
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", r"\1***", text)


def _make(params: dict[str, str]) -> str:
    try:
        return make_conninfo(**params)
    except psycopg.Error as exc:
        raise ConfigurationError(f"invalid connection parameters: {str(exc).strip()}") from None


def _build(params: dict[str, str], *, yoyo: bool) -> str:
    """params as a URL; empty values are left out (libpq treats them as unset)."""
    rest = {k: v for k, v in params.items() if v != ""}
    user = rest.pop("user", "")
    password = rest.pop("password", "")
    dbname = rest.pop("dbname", "")
    netloc = ""
    if user:
        netloc = quote(user, safe="") + (":" + quote(password, safe="*") if password else "") + "@"
    elif password:
        rest["password"] = password
    hosts = _host_part(rest.get("host"), rest.get("port"), single=yoyo)
    if hosts is not None:
        netloc += hosts
        rest.pop("host", None)
        rest.pop("port", None)
    path = quote(dbname, safe="")
    if yoyo and path != dbname:  # yoyo passes the path on without decoding it
        rest["dbname"], path = dbname, ""
    query = urlencode(sorted(rest.items()), quote_via=quote, safe="/,:")
    return f"{YOYO_SCHEME if yoyo else 'postgresql'}://{netloc}/{path}" + (f"?{query}" if query else "")


def _host_part(host: str | None, port: str | None, *, single: bool) -> str | None:
    """host and port as the URL's host part (`h:5432`, `[::1]:5432`, `h1:5432,h2:5433`), or None when
    they must stay query parameters: no host, a socket directory, more hosts than one where single,
    or a port list that does not pair one port with each host."""
    if host is None:
        return None
    hosts = host.split(",")
    ports = port.split(",") if port is not None else [""]
    if (single and len(hosts) > 1) or len(ports) != len(hosts) or not all(_PORT.fullmatch(p) for p in ports):
        return None
    parts = []
    for h, p in zip(hosts, ports, strict=True):
        if _HOST_NAME.fullmatch(h):
            written = h
        elif _IPV6.fullmatch(h):
            written = f"[{h}]"
        else:
            return None
        parts.append(written + (f":{p}" if p else ""))
    return ",".join(parts)


ROUTING_PARAMETERS = ("host", "hostaddr", "port", "target_session_attrs", "load_balance_hosts")
"""What a replica's URL may set otherwise than the primary's: where it is. Everything else (database,
user, password, TLS) is the primary's, as a replica is a copy of it."""


def split_urls(text: str) -> list[str]:
    """A comma-separated list of URLs (AGENT_LOGGY_REPLICA_URLS): split before each scheme, so that a
    multi-host URL (`postgresql://h1,h2/db`) stays whole."""
    parts = re.split(r",\s*(?=(?:postgres|postgresql|postgresql\+psycopg)://)", text)
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def routed(url: str, replica_urls: list[str] | tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The writers' and the readers' URLs of a primary and its replicas, or (url, None) when there is
    one host only (nothing to route).

    Writers go to whichever host accepts writes (target_session_attrs=read-write) among the primary's and
    the replicas', so that after a standby is promoted new connections follow it. Readers prefer a
    standby (prefer-standby: every host is tried as a standby before any is taken as it is), the replicas
    listed first, every host shuffled (load_balance_hosts=random) when there are several replicas.
    ConfigurationError for a URL without host= (or with hostaddr=), or a replica URL whose other
    parameters (database, user, password, TLS, ...) are not the primary's.
    """
    primary = parse(url)
    replicas = [parse(r) for r in replica_urls]
    if not replicas and "," not in primary.get("host", ""):
        return url, None
    for params, text in [(primary, url), *zip(replicas, replica_urls, strict=True)]:
        if not params.get("host") or "hostaddr" in params:
            raise ConfigurationError(
                f"database URL {redact(text)} names no host= (or uses hostaddr=): to route reads and writes "
                "between servers every URL names its hosts (names, addresses or socket directories); a host "
                "from PGHOST or a service file cannot join a host list")
    for replica, replica_url in zip(replicas, replica_urls, strict=True):
        for key in sorted((set(replica) | set(primary)) - set(ROUTING_PARAMETERS)):
            if replica.get(key) != primary.get(key):
                raise ConfigurationError(f"replica URL {redact(replica_url)} sets {key} otherwise than the primary's: "
                                         f"a replica is reached as the primary is, only its host and port differ")
    hosts = [_hosts(primary, url)] + [_hosts(r, u) for r, u in zip(replicas, replica_urls, strict=True)]
    base = {k: v for k, v in primary.items() if k not in ROUTING_PARAMETERS}
    writers = [h for group in hosts for h in group]
    readers = [h for group in hosts[1:] for h in group] + hosts[0]
    balanced = {"load_balance_hosts": "random"} if len(readers) - len(hosts[0]) > 1 else {}
    return (_build({**base, **_host_list(writers), "target_session_attrs": "read-write"}, yoyo=False),
            _build({**base, **_host_list(readers), "target_session_attrs": "prefer-standby", **balanced}, yoyo=False))


def _hosts(params: dict[str, str], url: str) -> list[tuple[str, str]]:
    """(host, port) of each host a URL names; a port list must pair one port with each host."""
    hosts = params.get("host", "").split(",")
    ports = params.get("port", "").split(",")
    if len(ports) == 1:
        ports = ports * len(hosts)
    if len(ports) != len(hosts):
        raise ConfigurationError(f"database URL {redact(url)} names {len(hosts)} hosts and {len(ports)} ports: "
                                 "expected one port, or one per host")
    return list(zip(hosts, ports, strict=True))


def _host_list(hosts: list[tuple[str, str]]) -> dict[str, str]:
    return {"host": ",".join(h for h, _ in hosts), "port": ",".join(p for _, p in hosts)}
