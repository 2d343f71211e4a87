"""Routes of the voucher life cycle under /api/v1/: one view per operation."""

from __future__ import annotations

from django.urls import path

from vouchers.api import (
    applications,
    deliveries,
    ledger,
    orders,
    organisations,
    program_changes,
    programs,
    ratings,
    recovery,
    redemptions,
    reviews,
    sanctions,
    settlements,
    vouchers,
)

urlpatterns = [
    path("programs/", programs.ProgramListApi.as_view(), name="program-list"),
    path("programs/create/", programs.ProgramCreateApi.as_view(), name="program-create"),
    path("programs/<int:program_id>/", programs.ProgramDetailApi.as_view(), name="program-detail"),
    path(
        "programs/<int:program_id>/update/",
        programs.ProgramUpdateApi.as_view(),
        name="program-update",
    ),
    path("programs/<int:program_id>/fund/", programs.ProgramFundApi.as_view(), name="program-fund"),
    path(
        "programs/<int:program_id>/deadlines/",
        program_changes.ProgramDeadlinesApi.as_view(),
        name="program-deadlines",
    ),
    path(
        "programs/<int:program_id>/materials/",
        program_changes.ProgramMaterialsApi.as_view(),
        name="program-materials",
    ),
    path(
        "programs/<int:program_id>/serving-area/",
        program_changes.ProgramServingAreaApi.as_view(),
        name="program-serving-area",
    ),
    path(
        "cities/<int:city_id>/programs/",
        program_changes.CityProgramsAddApi.as_view(),
        name="city-programs",
    ),
    path("applications/", applications.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/submit/",
        applications.ApplicationSubmitApi.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<int:application_id>/",
        applications.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:application_id>/approve/",
        applications.ApplicationApproveApi.as_view(),
        name="application-approve",
    ),
    path(
        "applications/<int:application_id>/return/",
        applications.ApplicationReturnApi.as_view(),
        name="application-return",
    ),
    path(
        "applications/<int:application_id>/resubmit/",
        applications.ApplicationResubmitApi.as_view(),
        name="application-resubmit",
    ),
    path(
        "applications/<int:application_id>/reject/",
        applications.ApplicationRejectApi.as_view(),
        name="application-reject",
    ),
    path("claw-backs/", recovery.ClawBackListApi.as_view(), name="claw-back-list"),
    path("claw-backs/<int:claw_back_id>/", recovery.ClawBackDetailApi.as_view(),
         name="claw-back-detail"),
    path("claw-backs/<int:claw_back_id>/repayments/", recovery.ClawBackRepayApi.as_view(),
         name="claw-back-repay"),
    path("vouchers/", vouchers.VoucherListApi.as_view(), name="voucher-list"),
    path("vouchers/<int:voucher_id>/", vouchers.VoucherDetailApi.as_view(), name="voucher-detail"),
    path("institutions/", vouchers.InstitutionListApi.as_view(), name="institution-list"),
    path(
        "institutions/<int:institution_id>/",
        vouchers.InstitutionDetailApi.as_view(),
        name="institution-detail",
    ),
    path("orders/", orders.OrderListApi.as_view(), name="order-list"),
    path("orders/place/", orders.OrderPlaceApi.as_view(), name="order-place"),
    path("orders/<int:order_id>/", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:order_id>/cancel/", orders.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<int:order_id>/evidence/",
        deliveries.EvidenceListApi.as_view(),
        name="evidence-list",
    ),
    path(
        "orders/<int:order_id>/evidence/upload/",
        deliveries.EvidenceUploadApi.as_view(),
        name="evidence-upload",
    ),
    path("deliveries/", deliveries.DeliveryListApi.as_view(), name="delivery-list"),
    path("deliveries/log/", deliveries.DeliveryLogApi.as_view(), name="delivery-log"),
    path(
        "deliveries/<int:delivery_id>/",
        deliveries.DeliveryDetailApi.as_view(),
        name="delivery-detail",
    ),
    path(
        "deliveries/<int:delivery_id>/confirm/",
        deliveries.DeliveryConfirmApi.as_view(),
        name="delivery-confirm",
    ),
    path(
        "deliveries/<int:delivery_id>/dispute/",
        deliveries.DeliveryDisputeApi.as_view(),
        name="delivery-dispute",
    ),
    path(
        "deliveries/<int:delivery_id>/rating/",
        ratings.DeliveryRateApi.as_view(),
        name="delivery-rate",
    ),
    path("ratings/", ratings.RatingListApi.as_view(), name="rating-list"),
    path("redemptions/", redemptions.RedemptionListApi.as_view(), name="redemption-list"),
    path(
        "redemptions/request/",
        redemptions.RedemptionRequestApi.as_view(),
        name="redemption-request",
    ),
    path(
        "redemptions/<int:redemption_id>/",
        redemptions.RedemptionDetailApi.as_view(),
        name="redemption-detail",
    ),
    path(
        "redemptions/<int:redemption_id>/approve/",
        redemptions.RedemptionApproveApi.as_view(),
        name="redemption-approve",
    ),
    path(
        "redemptions/<int:redemption_id>/reject/",
        redemptions.RedemptionRejectApi.as_view(),
        name="redemption-reject",
    ),
    path("payment-batches/", settlements.PaymentBatchListApi.as_view(), name="batch-list"),
    path(
        "payment-batches/create/",
        settlements.PaymentBatchCreateApi.as_view(),
        name="batch-create",
    ),
    path(
        "payment-batches/<int:batch_id>/",
        settlements.PaymentBatchDetailApi.as_view(),
        name="batch-detail",
    ),
    path(
        "payment-batches/<int:batch_id>/pay/",
        settlements.PaymentBatchPayApi.as_view(),
        name="batch-pay",
    ),
    path(
        "payment-batches/<int:batch_id>/export/",
        settlements.PaymentBatchExportApi.as_view(),
        name="batch-export",
    ),
    path(
        "payment-batches/<int:batch_id>/export.csv",
        settlements.PaymentBatchExportCsvApi.as_view(),
        name="batch-export-csv",
    ),
    path("ledger/accounts/", ledger.LedgerAccountListApi.as_view(), name="ledger-account-list"),
    path(
        "ledger/accounts/<int:account_id>/",
        ledger.LedgerAccountDetailApi.as_view(),
        name="ledger-account-detail",
    ),
    path(
        "ledger/accounts/<int:account_id>/transfers/",
        ledger.LedgerAccountTransferListApi.as_view(),
        name="ledger-account-transfers",
    ),
    path(
        "organisations/<int:organisation_id>/city/",
        organisations.OrganisationCitySetApi.as_view(),
        name="organisation-city",
    ),
    path(
        "organisations/<int:organisation_id>/actual-controller/",
        organisations.OrganisationActualControllerSetApi.as_view(),
        name="organisation-actual-controller",
    ),
    # Sanctions
    path(
        "vouchers/<int:voucher_id>/revoke/",
        sanctions.VoucherRevokeApi.as_view(),
        name="voucher-revoke",
    ),
    path(
        "organisations/<int:organisation_id>/blacklist/",
        sanctions.OrganisationBlacklistApi.as_view(),
        name="organisation-blacklist",
    ),
    path(
        "redemptions/<int:redemption_id>/withdraw/",
        sanctions.RedemptionWithdrawApi.as_view(),
        name="redemption-withdraw",
    ),
    path(
        "redemptions/<int:redemption_id>/suspension/lift/",
        sanctions.RedemptionSuspensionLiftApi.as_view(),
        name="redemption-suspension-lift",
    ),
    path(
        "redemptions/<int:redemption_id>/suspension/reject/",
        sanctions.RedemptionSuspensionRejectApi.as_view(),
        name="redemption-suspension-reject",
    ),
    path(
        "orders/<int:order_id>/suspension/lift/",
        sanctions.OrderSuspensionLiftApi.as_view(),
        name="order-suspension-lift",
    ),
    path(
        "orders/<int:order_id>/suspension/reject/",
        sanctions.OrderSuspensionRejectApi.as_view(),
        name="order-suspension-reject",
    ),
    # Two-tier and bulk review (issue 21)
    path("programs/<int:program_id>/review-tiers/", reviews.ProgramReviewTiersApi.as_view(),
         name="program-review-tiers"),
    path("applications/<int:application_id>/recommend/",
         reviews.ApplicationRecommendApi.as_view(), name="application-recommend"),
    path("applications/<int:application_id>/recommendation/",
         reviews.ApplicationRecommendationApi.as_view(), name="application-recommendation"),
    path("redemptions/<int:redemption_id>/recommend/",
         reviews.RedemptionRecommendApi.as_view(), name="redemption-recommend"),
    path("redemptions/<int:redemption_id>/recommendation/",
         reviews.RedemptionRecommendationApi.as_view(), name="redemption-recommendation"),
    path("bulk-reviews/", reviews.BulkReviewStartApi.as_view(), name="bulk-review-start"),
    path("bulk-reviews/<int:job_id>/", reviews.BulkReviewDetailApi.as_view(),
         name="bulk-review-detail"),
    path("bulk-reviews/<int:job_id>/items/", reviews.BulkReviewItemListApi.as_view(),
         name="bulk-review-items"),
]
