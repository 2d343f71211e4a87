"""Plain forms of the voucher pages; business rules stay in the services."""

from vouchers.forms.authority import (
    BatchCancelForm,
    BatchCreateForm,
    BatchPayForm,
    BlacklistForm,
    CityProgramsForm,
    ClawBackForm,
    DecisionForm,
    ProgramDeadlinesForm,
    ProgramForm,
    ProgramFundForm,
    ProgramServingAreaForm,
    ProgramUpdateForm,
    SpotCheckDrawForm,
    SpotCheckRecordForm,
    deadline_fields,
    program_fields,
    program_initial,
)
from vouchers.forms.enterprise import (
    ApplicationForm,
    CancelForm,
    DisputeForm,
    InstitutionSearchForm,
    OrderForm,
    RatingForm,
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
    "CityProgramsForm",
    "ClawBackForm",
    "CommonAreaForm",
    "DecisionForm",
    "DeliveryForm",
    "DisputeForm",
    "EvidenceForm",
    "InstitutionSearchForm",
    "OnceForm",
    "OrderForm",
    "ProgramDeadlinesForm",
    "ProgramForm",
    "ProgramFundForm",
    "ProgramServingAreaForm",
    "ProgramUpdateForm",
    "RatingForm",
    "SpotCheckDrawForm",
    "SpotCheckRecordForm",
    "YuanField",
    "deadline_fields",
    "program_fields",
    "program_initial",
]
