"""`manage.py create_authority --region JS --operator NAME [--reviewer U] [--finance U]`.

The platform operator admits a region's science and technology authority and gives it its
first users, through `authority_create` and `authority_user_create` (audited, with the operator
as the actor). Passwords come from AUTHORITY_USER_PASSWORD, or are generated and printed
once. Idempotent: an authority or user that exists is reported and left unchanged.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.errors import ApplicationError
from accounts.management.commands.bootstrap_operator import one_time_password
from accounts.models import Organisation, Region, User
from accounts.services import authority_create, authority_user_create

PASSWORD_VARIABLE = "AUTHORITY_USER_PASSWORD"  # noqa: S105 - the variable's name


class Command(BaseCommand):
    help = "Create a region's authority organisation and its first users, as the operator."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--region", required=True, help="short code: SH JS ZJ AH")
        parser.add_argument("--operator", required=True,
                            help="username of the platform operator who acts (audited)")
        parser.add_argument("--name", default="", help="default: the region's authority name")
        parser.add_argument("--reviewer", default="", help="login of a reviewer user to create")
        parser.add_argument("--finance", default="", help="login of a finance user to create")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(short_code=options["region"].upper()).first()
        if region is None:
            raise CommandError(f"unknown region {options['region']}")
        actor = User.objects.filter(username=options["operator"],
                                    role=User.Role.OPERATOR).first()
        if actor is None:
            raise CommandError(f"no operator user {options['operator']}")
        try:
            authority = self._authority(actor=actor, region=region, name=options["name"])
            for role, username in ((User.Role.AUTHORITY_REVIEWER, options["reviewer"]),
                                   (User.Role.AUTHORITY_FINANCE, options["finance"])):
                if username:
                    self._user(actor=actor, authority=authority, username=username, role=role)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _authority(self, *, actor: User, region: Region, name: str) -> Organisation:
        existing = Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY,
                                               region=region).first()
        if existing is not None:
            self.stdout.write(f"The authority of {region.short_code} exists already "
                              f"({existing.name}); unchanged.")
            return existing
        authority = authority_create(actor=actor, region=region, name=name, now=timezone.now())
        self.stdout.write(f"Created the authority {authority.name} ({region.short_code}).")
        return authority

    def _user(self, *, actor: User, authority: Organisation, username: str, role: str) -> None:
        existing = User.objects.filter(username__iexact=username).first()
        if existing is not None:
            self.stdout.write(f"The user {existing.username} exists already; unchanged.")
            return
        password = os.environ.get(PASSWORD_VARIABLE) or one_time_password()
        authority_user_create(actor=actor, organisation=authority, username=username,
                              password=password, role=role, now=timezone.now())
        self.stdout.write(f"Created the user {username} ({role}) of {authority.name}.")
        if PASSWORD_VARIABLE not in os.environ:
            self.stdout.write(f"  one-time password (shown once): {password}")
