#!/usr/bin/env bash
# Creates the two database roles and the database, owned by the owner role (docs/operations.md,
# "Database roles"). Run it as the PostgreSQL superuser, once per installation; running it again
# changes nothing but the passwords you pass:
#     sudo -u postgres deploy/create-database.sh
# Environment (all optional):
#   VOUCHERS_DATABASE        the database              (default vouchers)
#   VOUCHERS_OWNER_ROLE      owns the schema, migrates  (default vouchers_owner)
#   VOUCHERS_APP_ROLE        the application connects   (default vouchers_app)
#   VOUCHERS_OWNER_PASSWORD  unset: generated; empty: none (peer or trust authentication)
#   VOUCHERS_APP_PASSWORD    likewise
#   VOUCHERS_OWNER_CREATEDB  1: the owner may create databases (pytest's test_ database, CI)
# Prints the two connection URLs: DATABASE_URL (application) and DATABASE_OWNER_URL (migrate).
set -euo pipefail

database="${VOUCHERS_DATABASE:-vouchers}"
owner="${VOUCHERS_OWNER_ROLE:-vouchers_owner}"
app="${VOUCHERS_APP_ROLE:-vouchers_app}"
generate() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
owner_password="${VOUCHERS_OWNER_PASSWORD-$(generate)}"
app_password="${VOUCHERS_APP_PASSWORD-$(generate)}"
if [ "${VOUCHERS_OWNER_CREATEDB:-0}" = 1 ]; then createdb=CREATEDB; else createdb=NOCREATEDB; fi

psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -v database="$database" -v owner="$owner" -v app="$app" -v createdb="$createdb" \
    -v owner_password="$owner_password" -v app_password="$app_password" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner')
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app')
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- Neither role is a superuser: only a superuser may set session_replication_role, and only the
-- owner of a table may ALTER it or disable its triggers.
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS %s PASSWORD %L',
              :'owner', :'createdb', nullif(:'owner_password', '')) \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS NOCREATEDB PASSWORD %L',
              :'app', nullif(:'app_password', '')) \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'database', :'owner', 'UTF8')
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'database', :'app') \gexec
\connect :database
-- The owner creates the tables; the application may only use the schema. Its rights on the
-- tables are granted by the owner after each migrate (config/database_roles.py).
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec
SQL

host="${PGHOST:-localhost}"
case "$host" in /*) host=localhost ;; esac  # a socket directory: the application uses TCP
port="${PGPORT:-5432}"
url() { if [ -n "$2" ]; then echo "postgres://$1:$2@$host:$port/$database"; else echo "postgres://$1@$host:$port/$database"; fi; }
echo "DATABASE_URL=$(url "$app" "$app_password")"
echo "DATABASE_OWNER_URL=$(url "$owner" "$owner_password")"
echo "DATABASE_APP_ROLE=$app"
