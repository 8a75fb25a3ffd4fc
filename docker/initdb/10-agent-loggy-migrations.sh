#!/usr/bin/env bash
# Applies every forward migration of agent_loggy_db's sql/ directory to a brand-new database and
# records each one in yoyo-migrations' bookkeeping tables (_yoyo_migration, _yoyo_log,
# _yoyo_version row 2, yoyo_lock), exactly as `yoyo apply` would have, so that yoyo carries on
# from here: `yoyo list` shows everything applied, `yoyo apply` applies only later migrations,
# `yoyo rollback` works.
#
# Run by the official postgres image's docker-entrypoint.sh from /docker-entrypoint-initdb.d
# (sourced when not executable, executed when it is), against the temporary unix-socket-only
# server, with POSTGRES_USER and POSTGRES_DB set. Needs only bash and psql.
#
#   AGENT_LOGGY_SQL_DIR   the migrations (default /agent_loggy/sql); only NNNN_name.sql files,
#                         applied in name order (LC_ALL=C), never *.rollback.sql.
#
# A transactional migration runs in ONE transaction together with its bookkeeping rows: it is
# applied and recorded, or neither. A migration whose leading comment says
# `-- transactional: false` runs statement by statement (like yoyo), then is recorded. The first
# error stops everything with the file named and a non-zero status, as does a `-- depends:` on a
# migration that is not applied before it (yoyo orders by dependencies; here name order must
# agree). Migrations already recorded are skipped, so the script can be run again by hand.
# Python migrations (*.py) and yoyo's post-apply hooks are not supported: they need yoyo.
#
# The bookkeeping goes to schema public, and every psql session runs with search_path = public,
# as yoyo's connections do with `?schema=public` in their URL (which `agent-loggy-db url --yoyo`
# prints): yoyo keeps its tables in current_schema(), and the default search_path ("$user", public)
# makes that schema agent_loggy for a POSTGRES_USER named agent_loggy (the compose default) once
# migration 0002 has created it. Pinned on both sides, init and yoyo share one set of tables
# whatever the role is called.

_agent_loggy_migrate() (
    set -Eeuo pipefail
    export LC_ALL=C

    local sql_dir="${AGENT_LOGGY_SQL_DIR:-/agent_loggy/sql}"
    local -a psql=(psql -X -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}"
                   --dbname "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" --no-password --quiet)
    export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c search_path=public"
    local who="${USER:-$(id -un 2>/dev/null || echo postgres)}"
    local host="${HOSTNAME:-localhost}"

    fail() { echo "agent-loggy init: $*" >&2; exit 1; }

    [[ -d "$sql_dir" ]] || fail "no migrations directory $sql_dir (set AGENT_LOGGY_SQL_DIR)"
    if compgen -G "$sql_dir/*.py" >/dev/null || compgen -G "$sql_dir/post-apply*.sql" >/dev/null; then
        fail "$sql_dir holds Python migrations or post-apply hooks, which this script cannot run: use yoyo"
    fi

    # yoyo's own tables, as yoyo 9 creates them (internalmigrations/v2.py, backends/base.py).
    "${psql[@]}" --single-transaction <<'SQL' || fail "could not create yoyo's bookkeeping tables"
CREATE TABLE IF NOT EXISTS public.yoyo_lock (
    locked INT DEFAULT 1, ctime TIMESTAMP, pid INT NOT NULL, PRIMARY KEY (locked));
CREATE TABLE IF NOT EXISTS public._yoyo_log (
    id VARCHAR(36), migration_hash VARCHAR(64), migration_id VARCHAR(255), operation VARCHAR(10),
    username VARCHAR(255), hostname VARCHAR(255), comment VARCHAR(255), created_at_utc TIMESTAMP,
    PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS public._yoyo_version (version INT NOT NULL PRIMARY KEY, installed_at_utc TIMESTAMP);
CREATE TABLE IF NOT EXISTS public._yoyo_migration (
    migration_hash VARCHAR(64), migration_id VARCHAR(255), applied_at_utc TIMESTAMP,
    PRIMARY KEY (migration_hash));
INSERT INTO public._yoyo_version VALUES (2, clock_timestamp() AT TIME ZONE 'UTC') ON CONFLICT DO NOTHING;
SQL

    # The rows `yoyo apply` writes for one migration (psql variables al_init_*: named so that no
    # migration's SQL can collide with them).
    local bookkeeping
    IFS= read -r -d '' bookkeeping <<'SQL' || true  # read returns 1 at the end of the text
INSERT INTO public._yoyo_migration (migration_hash, migration_id, applied_at_utc)
VALUES (encode(sha256(convert_to(:'al_init_mid', 'UTF8')), 'hex'), :'al_init_mid', clock_timestamp() AT TIME ZONE 'UTC');
INSERT INTO public._yoyo_log (id, migration_hash, migration_id, operation, username, hostname, created_at_utc)
VALUES (gen_random_uuid()::text, encode(sha256(convert_to(:'al_init_mid', 'UTF8')), 'hex'), :'al_init_mid', 'apply',
        :'al_init_who', :'al_init_host', clock_timestamp() AT TIME ZONE 'UTC');
SQL

    local file name mid applied transactional depends dep line count=0
    local -A done_ids=()
    for file in "$sql_dir"/*.sql; do
        [[ -e "$file" ]] || continue
        name=${file##*/}
        [[ "$name" == *.rollback.sql ]] && continue
        mid=${name%.sql}
        applied=$("${psql[@]}" -tA -v al_init_mid="$mid" <<'SQL'
SELECT count(*) FROM public._yoyo_migration WHERE migration_hash = encode(sha256(convert_to(:'al_init_mid', 'UTF8')), 'hex');
SQL
        ) || fail "could not read yoyo's bookkeeping before $name"
        if [[ "$applied" != 0 ]]; then
            done_ids[$mid]=1
            continue
        fi
        # The leading comment block, as yoyo reads it: `-- transactional: false`, `-- depends: ID...`.
        transactional=true
        depends=""
        while IFS= read -r line || [[ -n "$line" ]]; do
            line=${line%$'\r'}
            [[ "$line" =~ ^[[:space:]]*(--.*)?$ ]] || break
            if [[ "$line" =~ ^[[:space:]]*--[[:space:]]*(transactional|depends)[[:space:]]*:[[:space:]]*(.*)$ ]]; then
                case "${BASH_REMATCH[1]}" in
                    transactional) [[ "${BASH_REMATCH[2],,}" == false ]] && transactional=false ;;
                    depends) depends+=" ${BASH_REMATCH[2]}" ;;
                esac
            fi
        done < "$file"
        for dep in $depends; do
            [[ -n "${done_ids[$dep]:-}" ]] \
                || fail "$name depends on $dep, which is not applied before it (migrations run in name order)"
        done
        if [[ "$transactional" == true ]]; then
            echo "agent-loggy init: applying $name" >&2
            printf '%s\n' "$bookkeeping" | "${psql[@]}" --single-transaction -v al_init_mid="$mid" \
                -v al_init_who="$who" -v al_init_host="$host" -f "$file" -f - \
                || fail "migration $name failed: nothing of it was applied or recorded"
        else
            echo "agent-loggy init: applying $name (non-transactional)" >&2
            "${psql[@]}" -f "$file" \
                || fail "non-transactional migration $name failed: check what it left behind"
            printf '%s\n' "$bookkeeping" | "${psql[@]}" --single-transaction -v al_init_mid="$mid" \
                -v al_init_who="$who" -v al_init_host="$host" -f - \
                || fail "migration $name was applied but could not be recorded for yoyo"
        fi
        done_ids[$mid]=1
        count=$((count + 1))
    done
    echo "agent-loggy init: $count migration(s) applied from $sql_dir" >&2
)

# Sourced by an entrypoint running with `set -e`, a failure ends the entrypoint right here;
# otherwise the status is returned (sourced) or is the script's exit status (executed).
_agent_loggy_migrate
_agent_loggy_rc=$?
unset -f _agent_loggy_migrate
if [[ "$_agent_loggy_rc" != 0 ]]; then
    return "$_agent_loggy_rc" 2>/dev/null || exit "$_agent_loggy_rc"
fi
unset _agent_loggy_rc
