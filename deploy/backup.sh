#!/usr/bin/env bash
# Back up the database and MEDIA_ROOT together into one timestamped folder:
#   database.dump        pg_dump --format=custom of DATABASE_URL
#   media.tar.gz         every file under MEDIA_ROOT (evidence, report files)
#   media-files.sha256   one checksum per media file, relative to MEDIA_ROOT
#   MANIFEST             what was backed up, from where, at which migrations
#   SHA256SUMS           checksums of the four files above
# The folder is written as <name>.partial and renamed at the end: a folder without that suffix
# is complete. Usage (docs/operations.md, "Backups and restore"):
#   DATABASE_URL=postgres://… DJANGO_MEDIA_ROOT=/var/lib/vouchers/media deploy/backup.sh [DEST]
# DEST defaults to $VOUCHERS_BACKUP_DIR or /var/backups/vouchers. Prints the folder's path.
set -euo pipefail
umask 077  # the dump holds every record of the ledger

: "${DATABASE_URL:?DATABASE_URL must name the database to back up (postgres://…)}"
case "$DATABASE_URL" in
    postgres://*|postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL must be a postgres:// or postgresql:// URL" >&2; exit 2 ;;
esac
media_root="${DJANGO_MEDIA_ROOT:-${VOUCHERS_VAR_DIR:-/var/lib/vouchers}/media}"
destination="${1:-${VOUCHERS_BACKUP_DIR:-/var/backups/vouchers}}"
[ -d "$media_root" ] || { echo "backup.sh: no media folder $media_root" >&2; exit 2; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
folder="$destination/vouchers-$stamp"
[ ! -e "$folder" ] || { echo "backup.sh: $folder exists already" >&2; exit 2; }
mkdir -p "$destination"
partial="$folder.partial"
rm -rf "$partial"
mkdir "$partial"
trap 'rm -rf "$partial"' ERR

# The database first, then the files: uploads are only ever added, so every file a row of the
# dump names is in the archive (a file newer than the dump is kept too, unreferenced).
pg_dump --format=custom --file "$partial/database.dump" --dbname "$DATABASE_URL"
(cd "$media_root" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
    > "$partial/media-files.sha256"
tar --create --gzip --file "$partial/media.tar.gz" --directory "$media_root" .

base="${DATABASE_URL%%\?*}"
{
    echo "format: vouchers-backup 1"
    echo "created_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "database: ${base##*/}"
    echo "pg_dump: $(pg_dump --version)"
    echo "server: $(psql --dbname "$DATABASE_URL" -tAc 'SHOW server_version')"
    echo "media_root: $media_root"
    echo "media_files: $(wc -l < "$partial/media-files.sha256")"
    echo "code: $(git -C "$(dirname "$0")/.." rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "migrations (latest applied per app):"
    psql --dbname "$DATABASE_URL" -tA -F ' ' \
        -c 'SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app' \
        | sed 's/^/  /'
} > "$partial/MANIFEST"
(cd "$partial" && sha256sum database.dump media.tar.gz media-files.sha256 MANIFEST > SHA256SUMS)

mv "$partial" "$folder"
trap - ERR
echo "$folder"
