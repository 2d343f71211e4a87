"""English problem details, by stable error code, for API clients asking for English.

Services phrase their refusals in Chinese (the scheme's language); the code is stable, so an
`Accept-Language: en` client gets this text instead, with the figures still in `extra`.
A code missing here falls back to the Chinese message.
"""

from __future__ import annotations

ENGLISH_DETAILS: dict[str, str] = {
    "permission_denied": "Your role may not do this.",
    "forbidden": "You may not do this.",
    "other_region": "An authority acts only for its own region; programs are applied for in "
    "the enterprise's own region.",
    "organisation_not_approved": "Your organisation has not been approved yet.",
    "enterprise_not_approved": "The enterprise has not been approved yet.",
    "payee_not_approved": "The payee has not been approved.",
    "blacklisted": "The organisation is blacklisted: no applications, orders or redemptions.",
    "already_blacklisted": "The organisation is already blacklisted.",
    "conflict_of_interest": "You are linked to an organisation concerned and must stand aside.",
    "own_submission": "You cannot review what you submitted yourself.",
    "separation_of_duties": "Whoever approved a redemption cannot also mark its payment paid.",
    "not_found": "Not found.",
    "invalid": "The request has invalid fields; see errors.",
    "program_name_taken": "This region already has a program of that name this year; choose "
    "another name.",
    "required": "A required value is missing.",
    "hidden_characters": "The text contains invisible or control characters; remove them.",
    "invalid_credit_code": "The unified social credit code is invalid; see extra.reason.",
    "credit_code_taken": "This credit code is already registered.",
    "username_taken": "This username is taken.",
    "city_not_set": "The organisation's city has not been set yet; set it before approving.",
    "city_outside_region": "The chosen city is not in the organisation's region.",
    "invalid_controller_identifier": "The actual controller's identification number must be a "
    "valid unified social credit code or an 18-digit resident ID number.",
    "division_exists": "This historical division is already recorded.",
    "division_cycle": "The successor cannot lead back to the division itself.",
    "illegal_transition": "The record cannot move from its current state to the one asked.",
    "concurrent_review": "Someone else decided this meanwhile; reload it.",
    "concurrent_update": "The record changed meanwhile; try again.",
    "program_closed": "The program is not open for applications.",
    "application_pending": "You already have an application to this program awaiting review; "
    "wait for its decision before applying again.",
    "program_date_outside_year": "Application dates and the use-by date must lie within the "
    "program's year (Beijing time).",
    "redemption_deadline_too_late": "The redemption deadline may be at most 31 March of the "
    "year after the program's year; see extra.latest.",
    "program_dates_out_of_order": "Dates must run: applications open < applications close "
    "≤ use-by ≤ redemption deadline.",
    "evidence_kinds_invalid": "Required evidence must be a list of evidence kinds.",
    "evidence_kinds_empty": "Choose at least one kind of required evidence.",
    "evidence_kind_unknown": "Unknown evidence kind; known kinds: contract, invoice, "
    "payment_proof, report.",
    "evidence_kind_repeated": "Each evidence kind may be listed once.",
    "program_has_vouchers": "The program has issued vouchers: change its use-by date, "
    "redemption deadline or serving area through the deadlines or serving-area operation.",
    "deadline_in_past": "A new deadline cannot lie in the past.",
    "vouchers_outlive_redemption": "Vouchers keeping their use-by date need a redemption "
    "deadline no earlier than it.",
    "serving_area_empty": "Choose at least one serving city.",
    "city_not_in_common_area": "The city is not in the common-use area.",
    "no_program_chosen": "Choose at least one program.",
    "program_not_offered": "A chosen program does not serve the whole common-use area or "
    "already includes the city.",
    "over_annual_cap": "The amount exceeds the enterprise's remaining annual cap.",
    "over_group_cap": "The amount exceeds the remaining cap of the actual controller's group.",
    "over_per_claim_max": "The amount exceeds the program's maximum per application.",
    "over_budget": "The amount exceeds the program's unallocated budget.",
    "budget_exhausted": "The program's budget is exhausted.",
    "category_not_eligible": "The service category is not eligible in this program.",
    "institution_not_eligible": "The institution may not serve this program's vouchers.",
    "outside_serving_area": "The institution is outside the program's serving area.",
    "service_not_offered": "The institution does not list this service category.",
    "same_legal_entity": "Enterprise and institution are the same legal entity.",
    "related_party": "Enterprise and institution are related (declared ties or one actual "
    "controller).",
    "voucher_not_active": "The voucher is not active.",
    "voucher_expired": "The voucher is past its use-by date.",
    "voucher_exhausted": "The voucher has no available balance.",
    "voucher_share_zero": "At the subsidy ratio the voucher's share of this fee is less than "
    "1 fen, so the voucher cannot pay any of it; the enterprise pays the whole fee.",
    "fee_justification_required": "A fee above the large-fee threshold (extra.threshold_fen) "
    "needs a written fee_justification: what the contract covers and how it was priced.",
    "amount_required": "Enter an amount.",
    "amount_invalid": "Enter an amount in yuan, for example 12345.60.",
    "amount_not_finite": "The amount must be an actual number, not infinity or NaN.",
    "amount_grouping": "Group thousands by three, e.g. 1,234,567.89, and use '.' for decimals.",
    "amount_exponent": "Write the amount out in full; exponent notation such as 1e3 is refused.",
    "amount_sub_fen": "Amounts are exact to the fen: at most two decimals in yuan, whole fen.",
    "amount_not_positive": "The amount must be greater than 0.",
    "amount_too_large": "The amount exceeds the maximum of 1,000,000,000.00 yuan "
    "(100000000000 fen).",
    "amount_not_integer_fen": "Amounts are whole numbers of fen, e.g. 123450 for 1,234.50 yuan.",
    "payment_date_in_future": "The treasury payment date cannot be after today (Shanghai time).",
    "not_your_voucher": "This voucher belongs to another enterprise.",
    "not_your_order": "This order is not your organisation's.",
    "not_your_catalogue": "This catalogue entry is another institution's.",
    "not_payee": "Only the payee may request this redemption.",
    "delivery_not_confirmed": "The delivery has not been confirmed by the enterprise.",
    "evidence_missing": "Evidence the program requires is missing.",
    "order_not_redeemable": "The order cannot be redeemed in its current state.",
    "redemption_deadline_passed": "The program's redemption deadline has passed.",
    "invoice_already_redeemed": "This invoice (the same code and number, or the same fully "
    "digital invoice number) has been redeemed before.",
    "contract_already_redeemed": "This institution's contract has been redeemed before.",
    "invoice_number_required": "Enter the invoice number.",
    "invoice_number_not_digits": "The invoice number may contain digits only.",
    "invoice_code_not_digits": "The invoice code may contain digits only.",
    "invoice_number_length": "The invoice number must have 20 digits (fully digital invoice) or "
    "8 digits (with a 10- or 12-digit invoice code); extra.digits says how many it has.",
    "invoice_code_required": "An 8-digit invoice number needs its 10- or 12-digit invoice code.",
    "invoice_code_length": "The invoice code must have 10 or 12 digits; extra.digits says how "
    "many it has.",
    "invoice_code_not_expected": "A 20-digit number is a fully digital invoice, which has no "
    "invoice code: leave invoice_code empty.",
    "duplicate_claim": "This invoice or contract has been redeemed before.",
    "contract_in_use": "This contract number is already used by another order.",
    "nothing_to_pay": "There is nothing approved and unbatched for this payee.",
    "batch_empty": "Choose at least one redemption for the batch.",
    "redemption_not_batchable": "Some chosen redemptions can no longer be batched (already in "
    "another batch, no longer approved, or not of this payee or region); extra.redemptions "
    "lists them. Choose again.",
    "already_redeemed": "Already redeemed.",
    "already_listed": "Already in the catalogue.",
    "already_removed": "Already removed.",
    "not_yet_expired": "Not yet expired.",
    "before_deadline": "The deadline has not passed yet.",
    "not_in_notice": "The institution is not in its public notice period.",
    "notice_running": "The public notice has not ended yet.",
    "objections_open": "Resolve the open objections first.",
    "needs_reviewer": "A notice that drew objections must be concluded by a reviewer.",
    "invalid_upload": "The file was refused; see extra.reason.",
    "invalid_evidence": "The evidence file was refused; see extra.reason.",
    "idempotency_key_invalid": "The Idempotency-Key header is invalid.",
    "idempotency_key_reused": "This Idempotency-Key was used for a different request.",
    "idempotency_key_in_flight": "The request with this Idempotency-Key is still running.",
    "ledger_insufficient_balance": "The account's available balance is insufficient.",
    "ledger_idempotency_key_reused": "A ledger transfer with this key differs; see extra.field.",
    "ledger_pending_already_posted": "The hold has already been posted.",
    "ledger_pending_already_voided": "The hold has already been voided.",
    "ledger_pending_expired": "The hold has expired.",
    "ledger_amount_exceeds_pending": "The amount exceeds what the hold reserved.",
    "report_not_ready": "The report is not ready yet.",
    "report_in_flight": "The report is still being computed.",
    "treasury_file_invalid": "The treasury file has invalid rows; nothing was imported.",
    "discrepancy_already_resolved": "The discrepancy is already resolved.",
}
