"""Notification e-mails survive the broker going away (issue 20): the change and its message
commit without the broker; the e-mail waits in the outbox and the beat's sweep sends it, once,
when the broker and a worker are back.

A real worker with beat (NOTIFICATION_EMAIL_SWEEP_SECONDS=1) on a private Redis and a private
PostgreSQL cluster; mail goes to files under the stack's var/mail/ (no EMAIL_URL).
"""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import FAULTS_DATABASE
from tests.faults.servers import Process, celery_worker, manage, stack_environment, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

APPROVE = """
import time
from django.utils import timezone
from accounts.models import Organisation, User
from accounts.services import organisation_approve
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory
reviewer = build.authority("JS")
enterprise = OrganisationFactory(region_code="JS", status=Organisation.Status.PENDING)
UserFactory(organisation=enterprise, role=User.Role.ENTERPRISE, email="li@example.cn")
started = time.monotonic()
organisation_approve(actor=reviewer, organisation=enterprise, now=timezone.now())
print(enterprise.pk, round(time.monotonic() - started, 2))
"""


@pytest.fixture
def environment(private_postgres, migrated_database, private_redis, var_dir) -> dict[str, str]:
    private_postgres.psql("DELETE FROM accounts_notification;", database=FAULTS_DATABASE)
    return stack_environment(
        database_url=migrated_database, redis=private_redis, var_dir=var_dir,
        EMAIL_URL="", NOTIFICATION_EMAIL_SWEEP_SECONDS="1",
    )


def test_a_message_written_while_the_broker_is_down_is_mailed_once_it_is_back(
    environment, private_postgres, private_redis, var_dir
):
    def email_states() -> list[str]:
        rows = private_postgres.psql(
            "SELECT email FROM accounts_notification ORDER BY id", database=FAULTS_DATABASE)
        return rows.split()

    # Given the broker is down
    private_redis.stop()
    # When a registration is approved, Then the change commits at once with its message
    _organisation, seconds = manage("shell", "-c", APPROVE, env=environment).split()[-2:]
    assert float(seconds) < 5, f"the approval waited {seconds} s for the broker"
    assert email_states() == ["pending"]
    mail = var_dir / "mail"
    assert not mail.exists() or not any(mail.iterdir())

    # And once the broker is back, the beat's sweep has a worker send the e-mail, once
    private_redis.start()
    worker: Process = celery_worker(env=environment, log=var_dir / "worker.log", beat=True)
    try:
        wait_until(lambda: email_states() == ["sent"], timeout=45, what="the e-mail sent")
        time.sleep(3)  # three more sweeps: nothing is sent again
        files = list(mail.iterdir())
        assert len(files) == 1
        text = files[0].read_text()
        assert "To: li@example.cn" in text
        assert "的注册申请审核结果为：通过。" in text  # in the recipient's language
    finally:
        worker.kill()
