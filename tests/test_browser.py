"""A real browser fills the application wizard and submits, in French and in Arabic.

Debian's chromium, driven by Playwright. In CI (``CI`` set) the test must run; elsewhere it
is skipped, with a message, when chromium is absent.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from grants.models import Application
from tests.apply_helpers import PDF_BYTES, open_call
from tests.factories import MembershipFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not HAVE_CHROMIUM and not os.environ.get("CI"),
        reason="chromium is not installed (apt-get install -y chromium); CI runs this test",
    ),
]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the test still reads the ORM."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl")])
def test_a_president_fills_the_wizard_and_submits(
    live_server, transactional_db, tmp_path, language, direction
):
    from playwright.sync_api import expect, sync_playwright

    call_domain = open_call()
    call = call_domain.call
    membership = MembershipFactory()
    document = tmp_path / "statuts.pdf"
    document.write_bytes(PDF_BYTES)
    cookie = _session_cookie(membership.user, live_server)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.add_cookies(
            [
                cookie,
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            ]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)

        page.goto(f"{live_server.url}/appels/{call.programme.code}/{call.edition}/")
        expect(page.locator("html")).to_have_attribute("dir", direction)
        page.locator(f"a[href$='/appel/{call.pk}/deposer/']").click()
        page.locator("input[name=call_domain]").first.check()
        page.locator("main form button[type=submit].btn-primary").click()

        # Project: typing is saved on the server before any button is pressed.
        page.fill("#id_title", "Maison d'écoute")
        page.fill("#id_summary", "Écoute et orientation.")
        expect(page.locator("[data-autosave-status]")).to_contain_text(":", timeout=10_000)
        application = Application.objects.get(association=membership.association)
        assert application.title == "Maison d'écoute"
        page.fill("#id_objectives", "Réduire la violence.")
        page.fill("#id_activities", "Permanences.")
        page.fill("#id_duration_months", "12")
        page.locator("form[data-autosave] button[type=submit]").first.click()

        # Place and beneficiaries: the association's place is already chosen.
        for field in page.locator("input[name^=women_]").all():
            field.fill("40")
        page.locator("form[data-autosave] button[type=submit]").first.click()

        # Budget: totals follow the typing.
        page.select_option("select[name=lines-0-category]", "activities")
        page.fill("input[name=lines-0-label]", "Ateliers")
        page.fill("input[name=lines-0-total]", "200000")
        page.fill("input[name=lines-0-association_share]", "30000")
        page.fill("input[name=lines-0-cofunding_share]", "20000")
        expect(page.locator("[data-total=fundable]")).to_have_text("150\u00a0000,00")
        page.locator("[data-add-row=lines]").click()
        expect(page.locator("input[name=lines-1-label]")).to_be_visible()
        page.fill("#id_requested_amount", "150000")
        page.locator("form[data-autosave] button[type=submit]").first.click()

        # Documents, then the review page and the submission.
        page.locator("input[type=file]").first.set_input_files(str(document))
        page.locator("input[type=file]").first.locator("xpath=..").locator("button").click()
        page.locator(".btn-primary[href$='/etape/recapitulatif/']").click()
        page.locator("form[action$='/soumettre/'] button[type=submit]").click()
        page.wait_for_url(f"**/dossiers/{application.pk}/")

        application.refresh_from_db()
        expect(page.locator("body")).to_contain_text(application.reference)
        expect(page.locator("a[href$='/versions/1/recepisse.pdf']")).to_be_visible()
        browser.close()

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.submissions.count() == 1
    assert application.requested_amount == 150000
