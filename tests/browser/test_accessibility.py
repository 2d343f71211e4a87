"""axe-core finds no serious or critical WCAG 2.1 A/AA violation on each role's main pages,
in Chinese, on a desktop (1280×800) and a phone (390×844) viewport.

A failure lists every violation as `role@viewport url: rule (impact) help — targets`.
"""

from __future__ import annotations

import pytest

from tests.browser.axe import DESKTOP, PHONE, describe, serious_violations
from tests.browser.conftest import log_in
from tests.browser.world import Scene, build_scene

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FOUND = "/no-such-page/"


def pages_of(role: str, scene: Scene) -> list[str]:
    order, placed = scene.redeemed_order.pk, scene.placed_order.pk
    institution_organisation = scene.people["institution"].organisation_id
    return {
        "anonymous": ["/", "/accounts/login/", "/accounts/register/", "/directory/",
                      "/accounts/notices/", NOT_FOUND],
        "enterprise": ["/", "/programs/", f"/programs/{scene.program.pk}/apply/",
                       "/applications/", "/vouchers/", "/institutions/",
                       f"/orders/new/{institution_organisation}/", "/orders/",
                       f"/orders/{order}/", "/accounts/messages/", NOT_FOUND],
        "institution": ["/", "/orders/", f"/orders/{order}/", f"/orders/{placed}/deliver/",
                        "/catalogue/", "/redemptions/", f"/evidence/{scene.pdf.pk}/preview/"],
        "reviewer": ["/", "/review/applications/",
                     f"/review/applications/{scene.pending_application.pk}/",
                     "/review/redemptions/", f"/redemptions/{scene.redemption.pk}/",
                     f"/evidence/{scene.pdf.pk}/preview/", f"/evidence/{scene.png.pk}/preview/",
                     "/budget/", "/accounts/registrations/", "/reports/",
                     "/oversight/spot-checks/", "/oversight/spot-checks/queue/",
                     "/oversight/cases/"],
        "finance": ["/", "/batches/", "/reports/", "/budget/"],
        "operator": ["/", "/platform/overview/", "/platform/reference/", "/reports/",
                     "/accounts/audit/", f"/orders/{order}/"],
    }[role]


def user_of(role: str, scene: Scene):
    return scene.operator if role == "operator" else scene.people.get(role)


@pytest.mark.parametrize("role", ["anonymous", "enterprise", "institution", "reviewer",
                                  "finance", "operator"])
def test_main_pages_have_no_serious_accessibility_violation(new_page, people, role):
    # Both viewports in one test: building the scene and signing in dominate its time.
    scene = build_scene(people)
    page = new_page()
    user = user_of(role, scene)
    if user is not None:
        log_in(page, user.username, "correct-horse-battery")
    found = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for url in pages_of(role, scene):
            response = page.goto(url)
            assert response.status == (404 if url == NOT_FOUND else 200), url
            violations = serious_violations(page)
            if violations:
                found[f"{role}@{viewport['width']} {url}"] = violations
    assert found == {}, "\n" + describe(found)


def test_the_audit_runs_under_the_site_s_policy_and_reports_what_it_finds(new_page, live_server):
    # Given a real page, served with the strict policy, with an unnamed button added to it
    page = new_page()
    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate("() => document.querySelector('main').append(document.createElement('button'))")

    # Then axe-core, injected despite the policy, names the critical violation
    violations = serious_violations(page)

    assert [(v["rule"], v["impact"]) for v in violations] == [("button-name", "critical")]
