from __future__ import annotations

from django.urls import include, path

from vouchers.views import (
    enterprise,
    evidence,
    home,
    institution,
    orders,
    oversight,
    platform,
    programs,
    ratings,
    reviews,
    settlement,
    tiers,
)

pages = [
    # Public
    path("directory/", platform.directory, name="directory"),
    # Enterprise
    path("programs/", enterprise.program_list, name="programs"),
    path("programs/<int:pk>/apply/", enterprise.application_create, name="application_create"),
    path("applications/", enterprise.application_list, name="application_list"),
    path("applications/<int:pk>/", enterprise.application_detail, name="application_detail"),
    path("vouchers/", enterprise.voucher_list, name="voucher_list"),
    path("institutions/", platform.institution_search, name="institution_search"),
    path("orders/new/<int:institution_pk>/", enterprise.order_create, name="order_create"),
    path("orders/<int:pk>/cancel/", enterprise.order_cancel, name="order_cancel"),
    path("deliveries/<int:pk>/confirm/", enterprise.delivery_confirm, name="delivery_confirm"),
    path("deliveries/<int:pk>/dispute/", enterprise.delivery_dispute, name="delivery_dispute"),
    # Both parties (and readers)
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/deliver/", orders.delivery_log, name="delivery_log"),
    path("orders/<int:pk>/evidence/", orders.evidence_upload, name="evidence_upload"),
    path("orders/<int:pk>/redeem/", orders.redemption_request, name="redemption_request"),
    path("orders/<int:pk>/rate/", ratings.delivery_rate, name="delivery_rate"),
    path("ratings/", ratings.rating_list, name="rating_list"),
    path("records/", ratings.record_list, name="record_list"),
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/preview/", evidence.evidence_preview, name="evidence_preview"),
    path("evidence/<int:pk>/inline/", evidence.evidence_inline, name="evidence_inline"),
    path("evidence/<int:pk>/pages/<int:number>.png", evidence.evidence_page,
         name="evidence_page"),
    path("history/", orders.history, name="history"),
    # Institution
    path("catalogue/", institution.catalogue_page, name="catalogue"),
    path("catalogue/<int:pk>/remove/", institution.catalogue_remove, name="catalogue_remove"),
    path("redemptions/", institution.redemption_list, name="redemption_list"),
    path("redemptions/<int:pk>/", reviews.redemption_detail, name="redemption_detail"),
    # Authority reviewer
    path("review/applications/", reviews.application_queue, name="application_queue"),
    path("review/applications/<int:pk>/", reviews.application_review,
         name="application_review"),
    path("review/redemptions/", reviews.redemption_queue, name="redemption_queue"),
    # Two-tier and bulk review
    path("review/city/", tiers.city_queue, name="city_queue"),
    path("review/city/applications/<int:pk>/", tiers.application_recommend,
         name="application_recommend"),
    path("review/city/redemptions/<int:pk>/", tiers.redemption_recommend,
         name="redemption_recommend"),
    path("review/applications/bulk/", tiers.application_bulk_review,
         name="application_bulk_review"),
    path("review/redemptions/bulk/", tiers.redemption_bulk_review,
         name="redemption_bulk_review"),
    path("review/bulk/<int:pk>/", tiers.bulk_review_detail, name="bulk_review_detail"),
    path("review/bulk/<int:pk>/progress/", tiers.bulk_review_progress_json,
         name="bulk_review_progress"),
    path("budget/programs/<int:pk>/review-tiers/", tiers.program_review_tiers,
         name="program_review_tiers"),
    path("redemptions/<int:pk>/claw-back/", reviews.redemption_claw_back,
         name="redemption_claw_back"),
    path("budget/", programs.budget_use, name="budget_use"),
    path("budget/programs/new/", programs.program_create, name="program_create"),
    path("budget/programs/<int:pk>/edit/", programs.program_update, name="program_update"),
    path("budget/programs/<int:pk>/fund/", programs.program_fund, name="program_fund"),
    path("budget/programs/<int:pk>/deadlines/", programs.program_deadlines,
         name="program_deadlines"),
    path("budget/programs/<int:pk>/serving-area/", programs.program_serving_area,
         name="program_serving_area"),
    path("oversight/spot-checks/", oversight.spot_check_list, name="spot_check_list"),
    path("oversight/spot-checks/<int:pk>/", oversight.spot_check_detail,
         name="spot_check_detail"),
    path("oversight/blacklist/", oversight.blacklist, name="blacklist"),
    # Authority finance
    path("batches/", settlement.batch_list, name="batch_list"),
    path("batches/new/", settlement.batch_create, name="batch_create"),
    path("batches/<int:pk>/", settlement.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/cancel/", settlement.batch_cancel, name="batch_cancel"),
    path("batches/<int:pk>/export.csv", settlement.batch_export, name="batch_export"),
    # Platform operator
    path("platform/overview/", platform.overview, name="overview"),
    path("platform/reference/", platform.reference, name="reference"),
    path("platform/cities/<int:pk>/", platform.city_common_area, name="city_common_area"),
    path("platform/cities/<int:pk>/programs/", platform.city_programs, name="city_programs"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("", include((pages, "vouchers"))),
]
