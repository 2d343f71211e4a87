"""Public: the redemption results a region publishes (兑付结果公示), if its rules say so."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.decorators import action_required
from accounts.models import Region
from vouchers import public_selectors
from vouchers.views.common import paginate


@action_required("directory.view")
def redemption_results(request, code: str):
    """Institution, enterprise, approved amount and date of each approved redemption of the
    region; 404 for a region that does not publish them."""
    region = get_object_or_404(Region, code=code)
    if not public_selectors.region_publishes_results(region):
        raise Http404
    rows = public_selectors.published_redemption_results(region=region)
    return render(request, "vouchers/public/redemption_results.html",
                  {"region": region, "page": paginate(request, rows)})
