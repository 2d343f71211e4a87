#!/usr/bin/env bash
# Restore a folder made by deploy/backup.sh into a NEW database and a NEW (or empty) media
# folder; never over the live ones. Usage (docs/operations.md, "Backups and restore"):
#   RESTORE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/vouchers_restored \
#   RESTORE_MEDIA_ROOT=/var/lib/vouchers/media-restored deploy/restore.sh BACKUP_FOLDER
# The database is created on RESTORE_DATABASE_URL's server (through its `postgres` database),
# so that URL's user needs CREATEDB. RESTORE_NO_OWNER=1 restores without the dump's owners and
# grants (for a server without the same roles). Afterwards check it as the runbook says.
set -euo pipefail

backup="${1:?usage: restore.sh BACKUP_FOLDER}"
: "${RESTORE_DATABASE_URL:?RESTORE_DATABASE_URL must name the database to create}"
: "${RESTORE_MEDIA_ROOT:?RESTORE_MEDIA_ROOT must name the media folder to fill}"
[ -f "$backup/SHA256SUMS" ] || { echo "restore.sh: $backup is not a complete backup" >&2; exit 2; }

base="${RESTORE_DATABASE_URL%%\?*}"
query="${RESTORE_DATABASE_URL#"$base"}"
name="${base##*/}"
maintenance="${base%/*}/postgres$query"
[[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || {
    echo "restore.sh: database name '$name' must be lower-case letters, digits and _" >&2; exit 2; }
if [ -e "$RESTORE_MEDIA_ROOT" ] && [ -n "$(ls -A "$RESTORE_MEDIA_ROOT")" ]; then
    echo "restore.sh: $RESTORE_MEDIA_ROOT is not empty" >&2; exit 2
fi

echo "checking the backup's checksums"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

exists="$(psql --dbname "$maintenance" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")"
[ -z "$exists" ] || { echo "restore.sh: database $name exists already" >&2; exit 2; }
psql --dbname "$maintenance" -qc "CREATE DATABASE \"$name\""
owner_options=()
[ "${RESTORE_NO_OWNER:-0}" != 1 ] || owner_options=(--no-owner --no-privileges)
pg_restore --exit-on-error "${owner_options[@]}" --dbname "$RESTORE_DATABASE_URL" \
    "$backup/database.dump"
echo "restored database $name"

mkdir -p "$RESTORE_MEDIA_ROOT"
tar --extract --gzip --file "$backup/media.tar.gz" --directory "$RESTORE_MEDIA_ROOT"
if [ -s "$backup/media-files.sha256" ]; then
    (cd "$RESTORE_MEDIA_ROOT" && sha256sum --check --quiet "$(cd "$backup" && pwd)/media-files.sha256")
fi
echo "restored $(wc -l < "$backup/media-files.sha256") media file(s) into $RESTORE_MEDIA_ROOT"
echo "next, with DATABASE_URL naming $name and DJANGO_MEDIA_ROOT=$RESTORE_MEDIA_ROOT:"
echo "  manage.py migrate --check && manage.py ledger_verify"
