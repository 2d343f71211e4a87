#!/usr/bin/env bash
# Runs manage.py as the service user with the production environment file loaded
# (docs/operations.md, "Installing for production"):
#     sudo deploy/manage.sh bootstrap_operator --username platform_admin
# VOUCHERS_ENV_FILE (default /etc/vouchers/vouchers.env), VOUCHERS_USER (vouchers) and
# VOUCHERS_VENV (/srv/vouchers/venv) may be overridden.
set -euo pipefail
app="$(cd "$(dirname "$0")/.." && pwd)"
set -a
# shellcheck source=/dev/null
. "${VOUCHERS_ENV_FILE:-/etc/vouchers/vouchers.env}"
set +a
cd "$app"
exec runuser -u "${VOUCHERS_USER:-vouchers}" -- "${VOUCHERS_VENV:-/srv/vouchers/venv}/bin/python" \
    manage.py "$@"
