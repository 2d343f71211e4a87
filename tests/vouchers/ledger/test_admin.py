"""The admin shows accounts and transfers and offers no way to add, change or delete them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vouchers.ledger.services import TransferSpec, ledger_post


@pytest.fixture
def transfer(wallet, shop, now):
    [transfer] = ledger_post(transfers=[TransferSpec("pay-1", wallet.pk, shop.pk, 100)], now=now)
    return transfer


@pytest.mark.parametrize("model", ["account", "transfer"])
def test_the_lists_render_without_an_add_button(admin_client, transfer, model):
    response = admin_client.get(reverse(f"admin:ledger_{model}_changelist"))

    assert response.status_code == 200
    assert reverse(f"admin:ledger_{model}_add").encode() not in response.content


def test_adding_changing_and_deleting_are_forbidden(admin_client, transfer):
    add = admin_client.post(reverse("admin:ledger_transfer_add"), {})
    change = admin_client.post(reverse("admin:ledger_transfer_change", args=[transfer.pk]), {})
    delete = admin_client.post(
        reverse("admin:ledger_account_delete", args=[transfer.debit_account_id]), {"post": "yes"}
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    transfer.refresh_from_db()
    assert transfer.amount_fen == 100
