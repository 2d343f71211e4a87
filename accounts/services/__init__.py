"""Use cases of accounts. Each public service is one durable transaction."""

from __future__ import annotations

from accounts.services.admission import region_rules_set
from accounts.services.notices import (
    notices_conclude_due,
    objection_lodge,
    objection_resolve,
    organisation_conclude_notice,
)
from accounts.services.organisations import (
    organisation_approve,
    organisation_register,
    organisation_reject,
    organisation_set_actual_controller,
    organisation_set_city,
    user_create,
)
from accounts.services.platform import (
    authority_create,
    authority_user_create,
    operator_bootstrap,
)
from accounts.services.reference import (
    city_set_common_area,
    historical_division_record,
    historical_division_set_successor,
)
from accounts.services.tokens import api_token_create, api_token_revoke

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "authority_create",
    "authority_user_create",
    "city_set_common_area",
    "historical_division_record",
    "historical_division_set_successor",
    "notices_conclude_due",
    "objection_lodge",
    "objection_resolve",
    "operator_bootstrap",
    "organisation_approve",
    "organisation_conclude_notice",
    "organisation_register",
    "organisation_reject",
    "organisation_set_actual_controller",
    "organisation_set_city",
    "region_rules_set",
    "user_create",
]
