"""The idempotency key's `varchar_pattern_ops` index, which no query uses, dropped (issue 22).

Django adds it on PostgreSQL beside the UNIQUE of a `unique=True` CharField, for LIKE queries;
the key is only ever looked up whole, through the unique index. The UNIQUE itself stays as it
is (no rebuild of an index over the whole journal): the model now states it as a named
constraint with the name PostgreSQL gave it, and only the model's state changes otherwise.
"""

from django.db import migrations, models


def _pattern_indexes(cursor) -> list[str]:
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        " AND tablename = 'ledger_transfer' AND indexdef LIKE '%%varchar_pattern_ops%%'"
    )
    return [row[0] for row in cursor.fetchall()]


def drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # only PostgreSQL has it
    with schema_editor.connection.cursor() as cursor:
        for name in _pattern_indexes(cursor):
            schema_editor.execute(f'DROP INDEX "{name}"')


def create_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX ledger_transfer_idempotency_key_like"
        " ON ledger_transfer (idempotency_key varchar_pattern_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_transfer_append_only_trigger")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="transfer",
                    name="idempotency_key",
                    field=models.CharField(max_length=200, verbose_name="幂等键"),
                ),
                migrations.AddConstraint(
                    model_name="transfer",
                    constraint=models.UniqueConstraint(
                        fields=("idempotency_key",), name="ledger_transfer_idempotency_key_key"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_pattern_index, create_pattern_index),
            ],
        ),
    ]
