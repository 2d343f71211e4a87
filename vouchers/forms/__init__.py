"""Plain forms of the voucher pages; business rules stay in the services."""

from vouchers.forms.authority import (
    BatchCancelForm,
    BatchCreateForm,
    BatchPayForm,
    BlacklistForm,
    ClawBackForm,
    DecisionForm,
    ProgramForm,
    ProgramFundForm,
    ProgramUpdateForm,
    SpotCheckDrawForm,
    SpotCheckRecordForm,
    program_fields,
    program_initial,
)
from vouchers.forms.enterprise import (
    ApplicationForm,
    CancelForm,
    DisputeForm,
    InstitutionSearchForm,
    OrderForm,
)
from vouchers.forms.fields import OnceForm, YuanField
from vouchers.forms.institution import CatalogueEntryForm, DeliveryForm, EvidenceForm
from vouchers.forms.operator import CommonAreaForm

__all__ = [
    "ApplicationForm",
    "BatchCancelForm",
    "BatchCreateForm",
    "BatchPayForm",
    "BlacklistForm",
    "CancelForm",
    "CatalogueEntryForm",
    "ClawBackForm",
    "CommonAreaForm",
    "DecisionForm",
    "DeliveryForm",
    "DisputeForm",
    "EvidenceForm",
    "InstitutionSearchForm",
    "OnceForm",
    "OrderForm",
    "ProgramForm",
    "ProgramFundForm",
    "ProgramUpdateForm",
    "SpotCheckDrawForm",
    "SpotCheckRecordForm",
    "YuanField",
    "program_fields",
    "program_initial",
]
