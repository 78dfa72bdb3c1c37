#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a NEW database.
#
#   scripts/restore.sh FILE TARGET_DATABASE_URL
#
# The target database is created (it must not exist: a restore never overwrites data); the
# dump is restored in one transaction, so a failure leaves an empty database, never half of
# one. Point the platform (or a staging copy) at TARGET_DATABASE_URL afterwards, with the same
# FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY. See docs/operations.md, "Restore drill".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/pg_tools.sh
. "$here/pg_tools.sh"

file=${1:?usage: restore.sh FILE TARGET_DATABASE_URL}
target=${2:?usage: restore.sh FILE TARGET_DATABASE_URL}
[ -r "$file" ] || { echo "cannot read $file" >&2; exit 1; }
# The password travels in PGPASSWORD, never on a command line (see pg_tools.sh).
pg_hide_password target

# postgresql://user@host:5432/name?sslmode=require -> name, and the same server's "postgres"
# database to create it from.
url=$target query=""
case "$url" in *\?*) query="?${url#*\?}"; url=${url%%\?*};; esac
name=${url##*/}
maintenance="${url%/*}/postgres$query"
[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "unusual database name: $name" >&2; exit 1; }

pg_restore=$(pg_tool pg_restore "$maintenance")
exists=$(psql "$maintenance" -X -A -t -v ON_ERROR_STOP=1 \
  -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ -n "$exists" ]; then
  echo "database $name already exists: restore into a new one" >&2
  exit 1
fi
psql "$maintenance" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\""
"$pg_restore" --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$target" "$file"
echo "restored $file into $name"
