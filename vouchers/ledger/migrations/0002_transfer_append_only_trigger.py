"""On PostgreSQL the journal refuses UPDATE and DELETE, whatever the code path.

TRUNCATE is left to the database owner (test databases are flushed with it).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ledger_transfer_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_transfer is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_transfer_append_only
    BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_transfer_append_only ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
