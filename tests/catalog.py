"""A comparable picture of everything a database holds outside PostgreSQL's own catalogs.

Used to prove that a rollback restores exactly the state before its migration. yoyo's own
bookkeeping tables are left out; objects that belong to an extension are represented by the
extension alone.
"""

from __future__ import annotations

from typing import Any

import psycopg

_SNAPSHOT_SQL = r"""
WITH ours AS (
    SELECT n.oid, n.nspname FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
), ext_objects AS (
    SELECT objid FROM pg_depend WHERE deptype = 'e'
), rels AS (
    SELECT c.oid, c.relname, c.relkind, o.nspname FROM pg_class c JOIN ours o ON o.oid = c.relnamespace
    WHERE c.relname NOT LIKE '\_yoyo%' AND c.relname NOT LIKE 'yoyo\_lock%'
      AND c.oid NOT IN (SELECT objid FROM ext_objects)
)
SELECT 'schema ' || nspname || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '') FROM ours
UNION ALL
SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension
UNION ALL
SELECT format('relation %s.%s kind=%s comment=%s', nspname, relname, relkind, obj_description(oid, 'pg_class'))
FROM rels
UNION ALL
SELECT format('column %s.%s.%s %s notnull=%s default=%s identity=%s generated=%s comment=%s acl=%s',
              r.nspname, r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, col_description(r.oid, a.attnum),
              a.attacl)
FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
WHERE r.relkind IN ('r', 'v', 'm', 'p', 'f')
UNION ALL
SELECT format('constraint %s.%s %s %s', r.nspname, r.relname, con.conname, pg_get_constraintdef(con.oid))
FROM pg_constraint con JOIN rels r ON r.oid = con.conrelid
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN rels r ON r.oid = i.indrelid
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN rels r ON r.oid = t.tgrelid
WHERE NOT t.tgisinternal
UNION ALL
SELECT format('function %s.%s(%s) %s comment=%s config=%s', o.nspname, p.proname,
              pg_get_function_identity_arguments(p.oid), md5(pg_get_functiondef(p.oid)),
              obj_description(p.oid, 'pg_proc'), p.proconfig)
FROM pg_proc p JOIN ours o ON o.oid = p.pronamespace
WHERE p.oid NOT IN (SELECT objid FROM ext_objects)
UNION ALL
SELECT format('security %s.%s rls=%s forced=%s acl=%s', r.nspname, r.relname, c.relrowsecurity, c.relforcerowsecurity,
              (SELECT array_agg(x::text ORDER BY x::text)
               FROM unnest(coalesce(c.relacl, acldefault('r', c.relowner))) x))
FROM rels r JOIN pg_class c ON c.oid = r.oid
UNION ALL
SELECT format('policy %s.%s %s %s %s %s %s', r.nspname, r.relname, pol.polname, pol.polcmd, pol.polroles::text,
              pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid))
FROM pg_policy pol JOIN rels r ON r.oid = pol.polrelid
UNION ALL
SELECT format('grants function %s.%s(%s) %s', o.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
              (SELECT array_agg(x::text ORDER BY x::text)
               FROM unnest(coalesce(p.proacl, acldefault('f', p.proowner))) x))
FROM pg_proc p JOIN ours o ON o.oid = p.pronamespace
WHERE p.oid NOT IN (SELECT objid FROM ext_objects)
UNION ALL
SELECT format('grants schema %s %s', o.nspname,
              (SELECT array_agg(x::text ORDER BY x::text)
               FROM unnest(coalesce(n.nspacl, acldefault('n', n.nspowner))) x))
FROM ours o JOIN pg_namespace n ON n.oid = o.oid
UNION ALL
SELECT format('default privileges %s %s %s', d.defaclrole::regrole, d.defaclnamespace::regnamespace, d.defaclacl::text)
FROM pg_default_acl d
UNION ALL
SELECT format('type %s.%s %s', o.nspname, t.typname, t.typtype)
FROM pg_type t JOIN ours o ON o.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0 AND t.oid NOT IN (SELECT objid FROM ext_objects)
"""


_TABLES_SQL = r"""
SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'agent_loggy' AND c.relkind = 'r' AND c.relname <> 'config_changelog'
"""


def snapshot(conn: psycopg.Connection[Any]) -> set[str]:
    """Every user-visible object of the connected database, and the row count of each config
    table (the append-only changelog only grows, so it is left out), as comparable lines."""
    lines = {row[0] for row in conn.execute(_SNAPSHOT_SQL).fetchall()}
    for (table,) in conn.execute(_TABLES_SQL).fetchall():
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        lines.add(f"rows {table} {count[0] if count else 0}")
    return lines


def snapshot_of(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return snapshot(conn)


_ALL_TABLES_SQL = r"""
SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'agent_loggy' AND c.relkind = 'r' ORDER BY 1
"""


def fingerprint(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """Table -> md5 of all its rows (as text, sorted), for every table of schema agent_loggy
    including the changelog: equal fingerprints mean no row was added, removed or changed.
    Read by a connection that sees every project (the owner or a superuser)."""
    result = {}
    for (table,) in conn.execute(_ALL_TABLES_SQL).fetchall():
        row = conn.execute(f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') "
                           f"FROM {table} AS t").fetchone()
        result[table] = row[0] if row else ""
    return result
