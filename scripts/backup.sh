#!/usr/bin/env bash
# Back up the database in PostgreSQL's custom format (compressed, restorable table by table).
#
#   scripts/backup.sh [FILE]        # DATABASE_URL names the database; FILE defaults to
#                                   # baanbrekers-YYYYmmddTHHMMSSZ.dump in the current directory
#
# The dump holds personal data (names, addresses; BSNs only encrypted): keep it encrypted and
# access-controlled, like the database. It is useless without FIELD_ENCRYPTION_KEYS and
# BLIND_INDEX_KEY, which are NOT in it: keep those in the secret store, backed up separately.
# See docs/operations.md, "Backup and restore".
set -euo pipefail
# The dump is personal data: readable by its owner only, and no half-written one left behind.
umask 077
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/pg_tools.sh
. "$here/pg_tools.sh"

: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
# The password travels in PGPASSWORD, never on a command line (see pg_tools.sh).
pg_hide_password DATABASE_URL
file=${1:-baanbrekers-$(date -u +%Y%m%dT%H%M%SZ).dump}
pg_dump=$(pg_tool pg_dump "$DATABASE_URL")
trap 'rm -f -- "$file.partial"' EXIT

# A consistent snapshot of the running database (pg_dump works in one repeatable-read
# transaction); no owner or grants, so it restores under whatever role the target uses.
"$pg_dump" --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" \
  --dbname="$DATABASE_URL"
mv -- "$file.partial" "$file"
# A dump that pg_restore cannot list is no backup.
"$(pg_tool pg_restore "$DATABASE_URL")" --list "$file" >/dev/null
echo "$file"
