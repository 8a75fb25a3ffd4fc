"""Connection URLs in the two forms we need: libpq's (psql, psycopg) and yoyo's."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlencode

from psycopg.conninfo import conninfo_to_dict

from agent_loggy_db.errors import ConfigurationError

YOYO_SCHEME = "postgresql+psycopg"
_SCHEMES = ("postgresql", "postgres", YOYO_SCHEME)

YOYO_SCHEMA = "public"
"""Where yoyo keeps its bookkeeping (_yoyo_migration, _yoyo_log, _yoyo_version, yoyo_lock), whatever
the role is called. yoyo uses the connection's current_schema(), which the default search_path
("$user", public) turns into schema agent_loggy for a role named agent_loggy once migration 0002
has created it; so every yoyo URL we build carries ?schema=public (yoyo runs SET search_path TO
public on each of its connections) and the docker init script pins the same schema."""


def to_libpq(url: str) -> str:
    """Return url as a postgresql:// URL for psql and psycopg (keyword DSNs are accepted too)."""
    return _build("postgresql", parse(url))


def to_yoyo(url: str) -> str:
    """Return url as yoyo-migrations needs it: postgresql+psycopg://, a socket dir as ?host=, and
    ?schema=public so that its bookkeeping stays in YOYO_SCHEMA for any role name."""
    return _build(YOYO_SCHEME, {**parse(url), "schema": YOYO_SCHEMA})


def with_dbname(url: str, dbname: str) -> str:
    """Return url (libpq form) pointing at database dbname on the same server."""
    return with_params(url, dbname=dbname)


def with_params(url: str, **params: str | None) -> str:
    """Return url (libpq form) with some parameters replaced; None removes one."""
    merged = {**parse(url), **params}
    return _build("postgresql", {k: v for k, v in merged.items() if v is not None})


def redact(url: str) -> str:
    """Return url with its password replaced by ***, for messages; never raises."""
    try:
        params = parse(url)
    except ConfigurationError:
        return "<invalid database URL>"
    if params.get("password"):
        params["password"] = "***"
    return _build("postgresql", params)


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
    except Exception as exc:
        raise ConfigurationError(f"invalid database URL: {exc}".strip()) from None


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


def _build(scheme: str, params: dict[str, str]) -> str:
    rest = dict(params)
    user = rest.pop("user", "")
    password = rest.pop("password", "")
    host = rest.pop("host", "")
    port = rest.pop("port", "")
    dbname = rest.pop("dbname", "")
    netloc = ""
    if user:
        netloc = quote(user, safe="") + (":" + quote(password, safe="*") if password else "") + "@"
    if host and not host.startswith("/") and "," not in host:
        netloc += host + (f":{port}" if port else "")
    else:
        rest.update({k: v for k, v in (("host", host), ("port", port)) if v})
    query = urlencode(sorted(rest.items()), safe="/")
    return f"{scheme}://{netloc}/{quote(dbname, safe='')}" + (f"?{query}" if query else "")
