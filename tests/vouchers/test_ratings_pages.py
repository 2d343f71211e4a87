"""Ratings on the pages and the API (issue 20): the enterprise rates on its order's page, the
institution and the region's authority see them, the directory shows the average from three."""

from __future__ import annotations

import pytest
from django.urls import reverse

from devtools.factories import vouchers as build
from tests.api.conftest import token_client
from vouchers.models import ServiceRating
from vouchers.services.ratings import delivery_rate

pytestmark = pytest.mark.django_db
POSTED = {"quality": "5", "timeliness": "4", "price": "3", "communication": "5",
          "comment": "报告详实"}


@pytest.fixture
def confirmed_order(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    return order


def test_the_enterprise_rates_on_the_order_page(client, world, confirmed_order):
    client.force_login(world.enterprise)
    page = client.get(reverse("vouchers:order_detail", args=[confirmed_order.pk]))
    assert "提交评价" in page.content.decode()

    response = client.post(reverse("vouchers:delivery_rate", args=[confirmed_order.pk]), POSTED,
                           follow=True)

    body = response.content.decode()
    assert "感谢您的评价" in body
    assert "综合评分 4.25 分：服务质量 5，及时性 4，价格合理性 3，沟通配合 5" in body
    assert "修改评价" in body
    assert ServiceRating.objects.get().comment == "报告详实"


def test_an_incomplete_rating_is_refused_with_a_message_and_nothing_saved(
    client, world, confirmed_order
):
    client.force_login(world.enterprise)
    response = client.post(reverse("vouchers:delivery_rate", args=[confirmed_order.pk]),
                           {"quality": "5"}, follow=True)
    assert "请为四项各选择1至5分后再提交评价" in response.content.decode()
    assert not ServiceRating.objects.exists()


def test_the_institution_and_the_region_s_reviewer_see_the_rating(client, world,
                                                                 confirmed_order):
    delivery = confirmed_order.deliveries.get()
    delivery_rate(actor=world.enterprise, delivery=delivery, now=build.NOW, quality=2,
                  timeliness=2, price=2, communication=3, comment="延期两周")
    shanghai_reviewer = build.authority("SH")  # the institution's region
    jiangsu_reviewer = world.reviewer  # the voucher's region, not the institution's

    client.force_login(world.institution)
    own = client.get(reverse("vouchers:rating_list")).content.decode()
    assert "延期两周" in own
    assert "满 3 条后在服务机构名录中公开综合评分" in own
    client.force_login(shanghai_reviewer)
    table = client.get(reverse("vouchers:rating_list")).content.decode()
    assert "按服务机构和服务类别" in table
    assert "2.25" in table
    client.force_login(jiangsu_reviewer)
    assert "延期两周" not in client.get(reverse("vouchers:rating_list")).content.decode()


def test_the_directory_shows_an_average_only_from_three_ratings(client, world, voucher):
    for score in (5, 4, 3):
        order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                                  total_fee_fen=1_000_00)
        delivery = build.delivered_and_confirmed(order, world.institution, world.enterprise)
        delivery_rate(actor=world.enterprise, delivery=delivery, now=build.NOW, quality=score,
                      timeliness=score, price=score, communication=score)

    page = client.get(reverse("vouchers:directory")).content.decode()
    assert "4.00 分（3 条评价）" in page
    api = token_client(world.enterprise).get("/api/v1/institutions/").json()["results"]
    rated = next(row for row in api if row["id"] == world.institution.organisation_id)
    assert (rated["rating_count"], rated["rating_average"]) == (3, 4.0)


def test_the_api_rates_and_lists(world, confirmed_order):
    delivery = confirmed_order.deliveries.get()
    api = token_client(world.enterprise)
    response = api.post(f"/api/v1/deliveries/{delivery.pk}/rating/",
                        {"quality": 4, "timeliness": 4, "price": 4, "communication": 5},
                        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["score"] == 4.25
    refused = api.post(f"/api/v1/deliveries/{delivery.pk}/rating/",
                       {"quality": 9, "timeliness": 4, "price": 4, "communication": 5},
                       format="json")
    assert refused.status_code == 400
    listed = token_client(world.institution).get("/api/v1/ratings/").json()["results"]
    assert [row["delivery_id"] for row in listed] == [delivery.pk]
    assert token_client(world.institution).post(
        f"/api/v1/deliveries/{delivery.pk}/rating/",
        {"quality": 1, "timeliness": 1, "price": 1, "communication": 1},
        format="json").status_code == 403
