"""Rows for the list pages' query-count tests: each builder adds `count` records that one list
page shows, through the services (devtools/factories), with a new counterparty per record so
that a per-row lookup cannot hide behind a shared one."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from accounts.models import Organisation, Region
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory
from reporting.models import Discrepancy, ReportRun
from tests.views.conftest import World
from vouchers.models import (
    Application,
    InstitutionService,
    Program,
    ServiceCategory,
    ServiceOrder,
    SpotCheckItem,
)
from vouchers.services import (
    applications,
    oversight,
    ratings,
    records,
    redemptions,
    settlements,
)

AMOUNT_FEN = 10_000_00  # small vouchers: one enterprise holds many under the annual cap


def _now():
    return timezone.now()


def _enterprise(world: World, own: bool):
    return world.enterprise if own else f.enterprise_user("JS")


def _institution(world: World, own: bool, region_code: str = "SH"):
    return world.institution if own else f.institution_user(region_code)


def _submit(world: World, enterprise) -> Application:
    return applications.application_submit(
        actor=enterprise, program=world.program, amount_fen=AMOUNT_FEN, purpose="检测新产品",
        planned_categories=[f.category()], now=_now(),
    )


def applied(world: World, count: int) -> list[Application]:
    """Pending applications, each of a new enterprise (one may have one pending at a time)."""
    return [_submit(world, f.enterprise_user("JS")) for _ in range(count)]


def issued(world: World, count: int, *, own: bool = True):
    """Vouchers of the world's enterprise (`own`), or each of a new enterprise."""
    return [applications.application_approve(
                actor=world.reviewer, application=_submit(world, _enterprise(world, own)),
                now=_now())
            for _ in range(count)]


def ordered(world: World, count: int, *, enterprise_own: bool = True,
            institution_own: bool = False, institution_region: str = "SH",
            ) -> list[ServiceOrder]:
    """Orders of new vouchers; `institution_region`: where the new institutions are."""
    orders = []
    for voucher in issued(world, count, own=enterprise_own):
        institution = _institution(world, institution_own, institution_region)
        orders.append(f.place_order(voucher, voucher.enterprise.users.first(),
                                    institution.organisation))
    return orders


def confirmed(world: World, count: int, **parties) -> list[ServiceOrder]:
    orders = ordered(world, count, **parties)
    for order in orders:
        f.delivered_and_confirmed(order, order.institution.users.first(),
                                  order.enterprise.users.first())
    return orders


def rated(world: World, count: int, **parties) -> list[ServiceOrder]:
    orders = confirmed(world, count, **parties)
    for order in orders:
        ratings.delivery_rate(actor=order.enterprise.users.first(),
                              delivery=order.deliveries.get(), now=_now(), quality=5,
                              timeliness=4, price=2, communication=3, comment="好")
    return orders


def requested(world: World, count: int, **parties):
    return [redemptions.redemption_request(actor=order.payee.users.first(), order=order,
                                           now=_now())
            for order in confirmed(world, count, **parties)]


def approved(world: World, count: int, **parties):
    return [redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                           now=_now())
            for redemption in requested(world, count, **parties)]


def batched(world: World, count: int, **parties):
    return [settlements.payment_batch_create(actor=world.finance, payee=redemption.payee,
                                             redemption_ids=[redemption.pk], now=_now())
            for redemption in approved(world, count, **parties)]


def recorded(world: World, count: int) -> None:
    """Institution records (信用与绩效) of this year, one per new rated institution."""
    rated(world, count)
    records.institution_records_refresh(year=world.program.year, now=_now())


def programs(world: World, count: int) -> None:
    for _ in range(count):
        number = Program.objects.count()
        f.make_program(actor=world.reviewer, name=f"专项创新券{number}",
                       **f.dates_open_all_year(_now()))


def institutions(world: World, count: int) -> None:
    for _ in range(count):
        f.institution_user("SH")


def registrations(world: World, count: int, *, status: str = Organisation.Status.PENDING):
    return [OrganisationFactory(region_code="JS", status=status,
                                kind=Organisation.Kind.INSTITUTION,
                                notice_ends_at=_now() + timedelta(days=3))
            for _ in range(count)]


def notices(world: World, count: int) -> None:
    from accounts.services import notices as notice_services

    for organisation in registrations(world, count, status=Organisation.Status.NOTICE):
        notice_services.objection_lodge(organisation=organisation, lodged_by="张三",
                                        contact="13800000000", text="资质存疑", now=_now())


def spot_checks(world: World, count: int) -> None:
    approved(world, 2)
    today = timezone.localdate()
    for index in range(count):
        oversight.spot_check_draw(actor=world.reviewer, period_start=today - timedelta(
            days=30 + index), period_end=today, percentage=100, now=_now())


def blacklisted(world: World, count: int) -> None:
    for _ in range(count):
        oversight.organisation_blacklist(actor=world.reviewer,
                                         organisation=f.institution_user("SH").organisation,
                                         reason="虚假交付", now=_now())


def catalogue(world: World, count: int) -> None:
    taken = InstitutionService.objects.filter(institution=world.institution.organisation)
    for category in ServiceCategory.objects.exclude(pk__in=taken.values("category_id"))[:count]:
        InstitutionService.objects.create(institution=world.institution.organisation,
                                          category=category)


def messages(world: World, count: int) -> None:
    """Orders placed with the world's institution: one message each to its user."""
    ordered(world, count, institution_own=True)


def report_runs(world: World, count: int) -> None:
    region = Region.objects.get(short_code="JS")
    for _ in range(count):
        number = ReportRun.objects.count()
        run = ReportRun.objects.create(
            kind=ReportRun.Kind.RECONCILIATION, region=region, parameters={"n": number},
            data_version="v", fingerprint=f"pages-{number}", status=ReportRun.Status.SUCCEEDED,
            requested_by=world.reviewer, requested_at=_now(), finished_at=_now())
        Discrepancy.objects.create(run=run, region=region,
                                   kind=Discrepancy.Kind.AMOUNT_MISMATCH, subject=f"#{number}",
                                   description="金额不符", expected_fen=100, actual_fen=90)


def api_tokens(world: World, count: int) -> None:
    from accounts.services import api_token_create

    for index in range(count):
        api_token_create(actor=world.enterprise, name=f"对接系统{index}", now=_now())


def audit_lines(world: World, count: int) -> None:
    """Orders placed: one order-placement line each (the pages filter by that action)."""
    ordered(world, count)


ORDER_PLACED = "order_place"


def batch_of(world: World, count: int) -> None:
    """A new batch of `count` redemptions, all paid to the world's institution."""
    chosen = approved(world, count, enterprise_own=False, institution_own=True)
    settlements.payment_batch_create(actor=world.finance, payee=world.institution.organisation,
                                     redemption_ids=[item.pk for item in chosen], now=_now())


def sample_of(world: World, count: int) -> None:
    """A new spot check drawing every reviewed redemption (`count` more than the last one)."""
    approved(world, count, enterprise_own=False)
    today = timezone.localdate()
    oversight.spot_check_draw(actor=world.reviewer, period_start=today - timedelta(days=1),
                              period_end=today, percentage=100, now=_now())


def _drawn_for_the_reviewer(world: World, count: int):
    """`count` redemptions approved by another reviewer, drawn (all of today's) and given to
    world.reviewer to check."""
    approver = f.authority("JS")
    for redemption in requested(world, count, enterprise_own=False):
        redemptions.redemption_approve(actor=approver, redemption=redemption, now=_now())
    today = timezone.localdate()
    draw = oversight.spot_check_draw(actor=approver, period_start=today, period_end=today,
                                     percentage=100, now=_now())
    SpotCheckItem.objects.filter(spot_check=draw, state="pending").exclude(
        redemption__reviewed_by=world.reviewer).update(assigned_to=world.reviewer)
    return draw


def checker_queue(world: World, count: int) -> None:
    _drawn_for_the_reviewer(world, count)


def oversight_cases(world: World, count: int) -> None:
    """`count` failed checks, each opening a case."""
    draw = _drawn_for_the_reviewer(world, count)
    for item in draw.items.filter(state="pending", assigned_to=world.reviewer):
        oversight.spot_check_record(actor=world.reviewer, item=item, passed=False,
                                    note="材料不符", now=_now())


def latest(model: type[Model]) -> list[int]:
    """The URL arguments of a page about the newest record of `model`."""
    return [model.objects.latest("pk").pk]
