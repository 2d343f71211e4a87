"""`manage.py bootstrap_operator --username NAME`: the platform operator and its first user.

For a new installation (production settings included): the operator organisation, approved,
and one operator user, through `operator_bootstrap` (audited). The password comes from
BOOTSTRAP_OPERATOR_PASSWORD, or is generated and printed once. Idempotent: once an operator
organisation exists it says so and changes nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.errors import ApplicationError, Conflict
from accounts.models import Organisation, Region
from accounts.services import operator_bootstrap

PASSWORD_VARIABLE = "BOOTSTRAP_OPERATOR_PASSWORD"  # noqa: S105 - the variable's name


def one_time_password() -> str:
    return secrets.token_urlsafe(15)


class Command(BaseCommand):
    help = "Create the platform operator organisation and its first operator user (once)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--username", required=True, help="the first operator's login")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="长三角科技资源共享服务平台",
                            help="the operator organisation's name")
        parser.add_argument("--region", default="SH",
                            help="short code of the region the operator sits in (SH JS ZJ AH)")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Organisation.objects.filter(kind=Organisation.Kind.OPERATOR).first()
        if existing is not None:
            self.stdout.write(f"The platform operator exists already ({existing.name}); "
                              "nothing changed.")
            return
        region = Region.objects.filter(short_code=options["region"].upper()).first()
        if region is None:
            raise CommandError(f"unknown region {options['region']}")
        password = os.environ.get(PASSWORD_VARIABLE) or one_time_password()
        try:
            user = operator_bootstrap(
                name=options["name"], region=region, username=options["username"],
                password=password, email=options["email"], now=timezone.now(),
            )
        except Conflict as error:
            if error.code == "operator_exists":  # made meanwhile by another run
                self.stdout.write("The platform operator exists already; nothing changed.")
                return
            raise CommandError(error.message) from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Created the platform operator {user.organisation} and its user "
                          f"{user.username}.")
        if PASSWORD_VARIABLE not in os.environ:
            self.stdout.write(f"One-time password (shown once; change it after the first "
                              f"login): {password}")
