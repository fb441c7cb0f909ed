"""The whole life of a grant, in Chromium, against the production topology (``make prod``:
nginx, gunicorn, a Celery worker and beat, PostgreSQL, Redis), as real users logging in
through the login form.

An association's president signs up, confirms the address from the e-mail the portal wrote,
switches the portal to Arabic, registers the association and applies to the open call of
``seed_demo``; the ministry (in French) verifies the association, declares the application
admissible, assigns reviewers automatically; the reviewers declare their interests and score
far apart; staff record the consensus; the committee approves; staff close the minutes, download
the convention, record the signature and pay the first tranche; the association sends its interim
report, staff accept it and pay the second tranche; the final report is sent and accepted and the
grant is closed; a manager orders a French and an Arabic bilan and downloads both.

The run fails on any 5xx answer, any traceback in the logs, and any background work left
unfinished (bilan jobs, receipts, conventions, outbox, Celery queue).

Environment: ``E2E_BASE_URL`` (e.g. https://127.0.0.1:8443), ``E2E_MAIL_DIR`` (the
``EMAIL_FILE_PATH`` of the web and worker processes), ``E2E_LOG_DIR`` (their logs; failure
screenshots are written there too), ``DATABASE_URL`` and ``REDIS_URL`` of the same portal (to
check what is left to do); optional ``E2E_DEMO_PASSWORD`` (the password ``seed_demo`` prints).
``.ci/e2e`` sets them all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e import support

pytestmark = pytest.mark.e2e

BASE_URL = os.environ.get("E2E_BASE_URL", "").rstrip("/")
MAIL_DIR = os.environ.get("E2E_MAIL_DIR", "")
LOG_DIR = os.environ.get("E2E_LOG_DIR", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
DEMO_PASSWORD = os.environ.get("E2E_DEMO_PASSWORD", "Demo-Portail-2026!")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROGRAMME = "partenariat-associations"  # the programme of the call seed_demo opens

STAFF = "staff@demo.ma"
COMMITTEE = "comite@demo.ma"
MANAGER = "manager@demo.ma"
REVIEWERS = ("reviewer1@demo.ma", "reviewer2@demo.ma", "reviewer3@demo.ma")

REFERENCE = re.compile(r"AAP-\d{4}-[A-Z]+-\d{5}")

_missing = [
    name
    for name, value in (
        ("E2E_BASE_URL", BASE_URL),
        ("E2E_MAIL_DIR", MAIL_DIR),
        ("E2E_LOG_DIR", LOG_DIR),
        ("DATABASE_URL", os.environ.get("DATABASE_URL")),
    )
    if not value
]
if _missing:
    pytestmark = [
        pytest.mark.e2e,
        pytest.mark.skip(
            reason=f"the end-to-end journey needs a running portal: set {', '.join(_missing)} "
            "(.ci/e2e starts `make prod` and sets them)"
        ),
    ]


@pytest.fixture(autouse=True)
def _sync_playwright_beside_django(monkeypatch):
    """Playwright's sync API runs an event loop in this thread."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass(frozen=True)
class Run:
    """What this run invents: files to upload, where downloads go, a new person and association."""

    files: Path
    downloads: Path
    stamp: str
    president: str
    password: str
    association_name: str


class Journey:
    """The browser, one context per person, the 5xx answers seen and the current step."""

    def __init__(self, browser):
        self.browser = browser
        self.errors: list[str] = []
        self.pages = []
        self.step = "start"

    # --- people ----------------------------------------------------------------------------

    def person(self, name: str):
        context = self.browser.new_context(
            base_url=BASE_URL,
            ignore_https_errors=True,
            accept_downloads=True,
            locale="fr-FR",  # the ministry works in French; the association switches in the UI
        )
        context.set_default_timeout(20_000)
        context.on("response", self._answered)
        page = context.new_page()
        page.person = name
        self.pages.append(page)
        return page

    def _answered(self, response) -> None:
        if response.status >= 500:
            self.errors.append(f"{response.status} {response.request.method} {response.url}")

    def logged_in(self, email: str, password: str = DEMO_PASSWORD):
        page = self.person(email)
        login(page, email, password)
        return page

    def close(self, page) -> None:
        self.pages.remove(page)
        page.context.close()

    @contextmanager
    def doing(self, step: str):
        self.step = step
        started = time.monotonic()
        yield
        print(f"  {time.monotonic() - started:5.1f}s  {step}")  # noqa: T201 - the run's timing

    def screenshots(self) -> None:
        folder = Path(LOG_DIR) / "e2e-failure"
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(self.pages):
            try:
                name = re.sub(r"[^a-z0-9]+", "-", f"{number}-{page.person}-{self.step}".lower())
                page.screenshot(path=str(folder / f"{name[:120]}.png"), full_page=True)
                (folder / f"{name[:120]}.html").write_text(page.content())
            except Exception:  # noqa: S110 - best effort while reporting another failure
                pass


# --- Helpers that act like a person ---------------------------------------------------------


def go(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("domcontentloaded")


def click_and_wait(page, locator) -> None:
    """Click what submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        locator.click()


def said(page, kind: str = "success") -> str:
    """The flash message of ``kind`` on the page; fails on an error message."""
    errors = page.locator("main .alert-danger")
    if errors.count():
        raise AssertionError(f"the portal refused: {errors.all_inner_texts()}")
    message = page.locator(f"main .alert-{kind}").first
    message.wait_for()
    return message.inner_text()


def login(page, email: str, password: str) -> None:
    go(page, "/accounts/login/")
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    click_and_wait(page, form.locator("button[type=submit]"))
    assert "/accounts/login/" not in page.url, f"{email} could not log in"
    assert email in page.locator("#mainnav").inner_text()


def download(page, locator, folder: Path) -> bytes:
    with page.expect_download() as info:
        locator.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(str(target))
    return target.read_bytes()


def choose_first(select) -> None:
    """Choose the first real option of a list, once the page has filled it."""
    option = select.locator("option:not([value=''])").first
    option.wait_for(state="attached")
    select.select_option(option.get_attribute("value"))


def in_arabic(page) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl", page.url
    assert page.locator("html").get_attribute("lang") == "ar", page.url


def in_french(page) -> None:
    assert page.locator("html").get_attribute("lang") == "fr", page.url


def form_of(page, action_end: str):
    return page.locator(f"form[action$='{action_end}']")


# --- The journey ----------------------------------------------------------------------------


def test_a_grant_from_sign_up_to_closure_and_the_bilans(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    offsets = support.log_offsets(LOG_DIR)
    files = tmp_path / "files"
    files.mkdir()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for name, text in (
        ("statuts.pdf", "Statuts"),
        ("attestation-rib.pdf", "Attestation bancaire"),
        ("pv-ag.pdf", "PV assemblee generale"),
        ("budget.pdf", "Budget detaille"),
        ("convention-signee.pdf", "Convention signee"),
    ):
        (files / name).write_bytes(support.pdf_bytes(text))
    (files / "recepisse.png").write_bytes(support.png_bytes())
    (files / "facture.png").write_bytes(support.png_bytes(16, 12))

    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    run = Run(
        files=files,
        downloads=downloads,
        stamp=stamp,
        president=f"presidente.{stamp}@association-e2e.ma",
        password=f"Jardin-{secrets.token_urlsafe(9)}-2026",
        association_name=f"Association Nour Al Hayat {stamp}",
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        journey = Journey(browser)
        try:
            _run(journey, expect, run)
        except BaseException as error:
            journey.screenshots()
            if journey.errors:  # the portal's own failure explains the browser's
                raise AssertionError(
                    f"during “{journey.step}”, 5xx answers:\n" + "\n".join(journey.errors)
                ) from error
            raise
        finally:
            browser.close()

    assert journey.errors == [], "5xx answers:\n" + "\n".join(journey.errors)
    left = support.wait_until_idle(REDIS_URL or None)
    assert left == [], "background work left unfinished:\n" + "\n".join(left)
    tracebacks = support.tracebacks_since(LOG_DIR, offsets)
    assert tracebacks == [], "tracebacks in the logs:\n" + "\n\n".join(tracebacks)


def _run(journey, expect, run: Run) -> None:  # noqa: PLR0912 - one story, told in order
    files, downloads, stamp = run.files, run.downloads, run.stamp
    president, password, association_name = run.president, run.password, run.association_name
    # --- The association: sign up, confirm the e-mail, log in, switch to Arabic -------------
    with journey.doing("sign up and confirm the e-mail"):
        asso = journey.person(president)
        go(asso, "/")
        click_and_wait(asso, asso.locator("#mainnav a[href$='/accounts/signup/']"))
        form = asso.locator("main form:has(input[name=password1])")
        form.locator("input[name=email]").fill(president)
        form.locator("input[name=password1]").fill(password)
        form.locator("input[name=password2]").fill(password)
        form.locator("input[name=personal_data_consent]").check()
        click_and_wait(asso, form.locator("button[type=submit]"))
        assert "/accounts/signup/" not in asso.url, asso.locator("main").inner_text()

        mail = support.wait_for_mail(
            MAIL_DIR,
            lambda m: (
                president in str(m["To"]) and "/accounts/confirm-email/" in support.text_of(m)
            ),
        )
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+?/", support.text_of(mail))
        assert link, support.text_of(mail)
        go(asso, urlsplit(link.group(0)).path)
        click_and_wait(asso, asso.locator("main form button[type=submit]"))
        if president in asso.locator("#mainnav").inner_text():  # logged in by the confirmation
            click_and_wait(asso, asso.locator("#mainnav form[action$='/accounts/logout/'] button"))
        login(asso, president, password)

    with journey.doing("switch the portal to Arabic"):
        in_french(asso)
        with asso.expect_navigation():
            asso.select_option("#language-select", "ar")
        in_arabic(asso)

    # --- Register the association and ask for its verification ------------------------------
    with journey.doing("register the association"):
        click_and_wait(asso, asso.locator("#mainnav a[href$='/associations/']"))
        click_and_wait(asso, asso.locator("main a[href$='/associations/nouvelle/']"))
        in_arabic(asso)
        form = asso.locator("main form:has(input[name=name_fr])")
        form.locator("[name=name_fr]").fill(association_name)
        form.locator("[name=name_ar]").fill(f"جمعية نور الحياة {stamp}")
        form.locator("[name=acronym]").fill("ANH")
        form.locator("[name=registration_number]").fill(f"E2E-{stamp}")
        form.locator("[name=registration_date]").fill("2019-03-14")
        form.locator("[name=president_name]").fill("فاطمة الزهراء")
        region = form.locator("select[name=region]")
        region.select_option(index=1)
        choose_first(form.locator("select[name=province]"))  # filled by the region's choice
        choose_first(form.locator("select[name=commune]"))
        form.locator("[name=address]").fill("12 شارع الحسن الثاني")
        form.locator("[name=phone]").fill("+212 5 37 00 00 00")
        form.locator("[name=email]").fill(f"contact.{stamp}@association-e2e.ma")
        form.locator("[name=bank_name]").fill("Banque Populaire")
        rib = support.rib_with_key(f"1810000{stamp[:14]}1"[:22].ljust(22, "0"))
        form.locator("[name=rib]").fill(rib)
        form.locator("input[name=activity_areas]").first.check()
        click_and_wait(asso, form.locator("button[type=submit]"))
        said(asso)
        assert re.search(r"/associations/\d+/$", asso.url), asso.url
        in_arabic(asso)

        upload = form_of(asso, "/documents/")
        for kind, name, expires in (
            ("statutes", "statuts.pdf", None),
            ("receipt", "recepisse.png", None),
            ("bank_certificate", "attestation-rib.pdf", dt.date.today() + dt.timedelta(days=300)),
        ):
            upload.locator("select[name=kind]").select_option(kind)
            if expires:
                upload.locator("input[name=expires_on]").fill(expires.isoformat())
            upload.locator("input[name=file]").set_input_files(str(files / name))
            click_and_wait(asso, upload.locator("button[type=submit]"))
            said(asso)
        click_and_wait(asso, form_of(asso, "/verification/demande/").locator("button"))
        said(asso)

    # --- The ministry verifies it -----------------------------------------------------------
    with journey.doing("staff verify the association"):
        staff = journey.logged_in(STAFF)
        in_french(staff)
        click_and_wait(staff, staff.locator("#mainnav a[href$='/associations/verifications/']"))
        click_and_wait(staff, staff.get_by_role("link", name=association_name))
        staff.locator("input[name=decision][value=verify]").check()
        staff.locator("textarea[name=message]").fill("Dossier complet, association vérifiée.")
        click_and_wait(staff, staff.locator("main form button[type=submit]"))
        said(staff)

    # --- The association applies -------------------------------------------------------------
    with journey.doing("apply with documents and submit"):
        click_and_wait(asso, asso.locator("#mainnav a[href$='/appels/']"))
        click_and_wait(asso, asso.locator(f"main a[href^='/appels/{PROGRAMME}/']").first)
        edition = asso.url.rstrip("/").rsplit("/", 1)[-1]
        in_arabic(asso)
        click_and_wait(asso, asso.locator("main a[href*='/deposer/']"))
        asso.locator("input[name=call_domain]").first.check()
        click_and_wait(asso, asso.locator("main form button[type=submit]"))

        wizard = asso.locator("form[data-autosave]")
        wizard.locator("[name=title]").fill("بيت الإنصات والتوجيه")
        wizard.locator("[name=summary]").fill("مركز للإنصات والتوجيه لفائدة النساء ضحايا العنف.")
        wizard.locator("[name=objectives]").fill("تحسين ولوج النساء إلى خدمات الدعم.")
        wizard.locator("[name=activities]").fill("حصص إنصات، ورشات، توجيه نحو المصالح العمومية.")
        wizard.locator("[name=duration_months]").fill("12")
        click_and_wait(asso, wizard.locator("button[type=submit]").first)

        for field in wizard.locator("input[name^=women_]").all():
            field.fill("60")
        for field in wizard.locator("input[name^=men_]").all():
            field.fill("25")
        click_and_wait(asso, wizard.locator("button[type=submit]").first)

        wizard.locator("select[name=lines-0-category]").select_option(index=1)
        wizard.locator("input[name=lines-0-label]").fill("ورشات وحصص إنصات")
        wizard.locator("input[name=lines-0-total]").fill("200000")
        wizard.locator("input[name=lines-0-association_share]").fill("30000")
        wizard.locator("input[name=lines-0-cofunding_share]").fill("20000")
        wizard.locator("[name=requested_amount]").fill("150000")
        click_and_wait(asso, wizard.locator("button[type=submit]").first)
        assert asso.url.endswith("/etape/documents/"), asso.url

        required = asso.locator("main form:has(input[name=required_document])")
        names = ["statuts.pdf", "pv-ag.pdf", "attestation-rib.pdf", "budget.pdf"]
        for index in range(required.count()):
            slot = required.nth(index)
            slot.locator("input[type=file]").set_input_files(str(files / names[index % 4]))
            click_and_wait(asso, slot.locator("button[type=submit]"))
            said(asso)
        click_and_wait(asso, asso.locator("main a[href$='/etape/recapitulatif/']").last)
        submit = form_of(asso, "/soumettre/").locator("button[type=submit]")
        expect(submit).to_be_enabled()
        click_and_wait(asso, submit)
        said(asso)
        in_arabic(asso)
        reference = REFERENCE.search(asso.locator("main").inner_text()).group(0)
        receipt = download(
            asso, asso.locator("main a[href$='/versions/1/recepisse.pdf']"), downloads
        )
        assert receipt.startswith(b"%PDF-")
        support.wait_for_mail(
            MAIL_DIR, lambda m: reference in str(m["Subject"]) + support.text_of(m)
        )

    # --- Admissibility and reviewers ---------------------------------------------------------
    with journey.doing("admissibility"):
        click_and_wait(staff, staff.locator("#mainnav a[href$='/dossiers/instruction/']"))
        click_and_wait(staff, _call_link(staff, edition))
        workspace_url = urlsplit(staff.url).path
        click_and_wait(staff, staff.get_by_role("link", name=reference))
        instruction_url = urlsplit(staff.url).path
        admissible = staff.locator("form:has(input[name=action][value=admissible]) button")
        click_and_wait(staff, admissible)
        said(staff)

    with journey.doing("automatic reviewer assignment"):
        go(staff, workspace_url)
        click_and_wait(staff, form_of(staff, "/affectation/").locator("button"))
        said(staff)
        go(staff, instruction_url)
        # the reviews' section by its heading, not its position (other sections nest in main)
        reviews = staff.locator(
            "main section",
            has=staff.get_by_role("heading", name="Évaluations", exact=True, level=2),
        )
        expect(reviews).to_have_count(1)
        assigned = reviews.locator("ul.list-group > li", has=staff.locator("strong"))
        expect(assigned).to_have_count(2)

    with journey.doing("reviewers declare and score"):
        scored = 0
        for email in REVIEWERS:
            reviewer = journey.logged_in(email)
            click_and_wait(reviewer, reviewer.locator("#mainnav a[href$='/dossiers/evaluations/']"))
            mine = reviewer.get_by_role("link", name=reference)
            if not mine.count():
                journey.close(reviewer)
                continue
            click_and_wait(reviewer, mine)
            declaration = reviewer.locator("form:has(input[name=action][value=no_conflict])")
            for box in declaration.locator("input[type=checkbox]").all():
                box.check()
            click_and_wait(reviewer, declaration.locator("button[type=submit]"))
            # the first reviewer is enthusiastic, the second lukewarm: a consensus is needed
            value = "10" if scored == 0 else "6"
            for field in reviewer.locator("main form input[name^=score_]").all():
                field.fill(value)
            for field in reviewer.locator("main form [name^=comment_]").all():
                field.fill("Appréciation argumentée.")
            reviewer.locator("main form [name=comment]").fill("Projet examiné en entier.")
            click_and_wait(reviewer, reviewer.locator("main form button[name=submit]"))
            said(reviewer)
            scored += 1
            journey.close(reviewer)
        assert scored == 2, f"{scored} reviewer(s) had {reference}"

    with journey.doing("consensus"):
        go(staff, instruction_url)
        consensus = form_of(staff, "/consensus/")
        consensus.locator("[name=score]").fill("82")
        consensus.locator("[name=comment]").fill("Écart de 40 points : consensus après discussion.")
        click_and_wait(staff, consensus.locator("button[type=submit]"))
        said(staff)

    # --- The committee decides, staff close the minutes --------------------------------------
    with journey.doing("committee decisions"):
        go(staff, workspace_url)
        click_and_wait(staff, staff.locator("main a[href$='/classement/']"))
        reopen = form_of(staff, "/reouverture/")
        if reopen.count():  # an earlier session's minutes were closed: a new sitting, on record
            reopen.locator("input[name=reason]").fill("Nouvelle séance du comité.")
            click_and_wait(staff, reopen.locator("button[type=submit]"))
            said(staff, "warning")
        committee = journey.logged_in(COMMITTEE)
        click_and_wait(committee, committee.locator("#mainnav a[href$='/dossiers/instruction/']"))
        click_and_wait(committee, _call_link(committee, edition, ranking=True))
        row = committee.locator("main tr", has=committee.get_by_role("link", name=reference))
        decision = row.locator("form[action$='/decision/']")
        decision.locator("select[name=outcome]").select_option("approved")
        decision.locator("input[name=amount]").fill("150000")
        decision.locator("input[name=reason]").fill("Projet prioritaire, bien noté.")
        click_and_wait(committee, decision.locator("button[type=submit]"))
        said(committee)
        journey.close(committee)

    with journey.doing("minutes closed"):
        go(staff, workspace_url)
        click_and_wait(staff, staff.locator("main a[href$='/classement/']"))
        click_and_wait(staff, form_of(staff, "/cloture/").locator("button"))
        said(staff)
        minutes = download(staff, staff.locator("main a[href$='/pv.pdf']"), downloads)
        assert minutes.startswith(b"%PDF-")

    # --- Convention, signature, first tranche ------------------------------------------------
    with journey.doing("convention PDF downloaded"):
        click_and_wait(staff, staff.locator("#mainnav a[href$='/dossiers/subventions/']"))
        staff.locator("main input[name=q]").fill(association_name)
        click_and_wait(staff, staff.locator("main form[method=get] button[type=submit]"))
        grant_link = staff.locator("main tbody a[href*='/subventions/']").first
        grant_reference = grant_link.inner_text().strip()
        click_and_wait(staff, grant_link)
        grant_url = urlsplit(staff.url).path
        convention = staff.locator("main a[href$='/convention/pdf/']")
        deadline = time.monotonic() + 90  # the worker prepares it after the minutes close
        while not convention.count() and time.monotonic() < deadline:
            time.sleep(1)
            go(staff, grant_url)
        pdf = download(staff, convention, downloads)
        assert pdf.startswith(b"%PDF-")

    with journey.doing("signature recorded"):
        sign = form_of(staff, "/signature/")
        sign.locator("input[name=signed_on]").fill(dt.date.today().isoformat())
        sign.locator("input[name=scan]").set_input_files(str(files / "convention-signee.pdf"))
        click_and_wait(staff, sign.locator("button[type=submit]"))
        said(staff)

    with journey.doing("first tranche released and paid"):
        _release_and_pay(staff, f"OV-{stamp}-1")

    # --- Reports and the second tranche ------------------------------------------------------
    with journey.doing("interim report sent"):
        _send_report(asso, grant_reference, files, first=True)

    with journey.doing("interim report accepted"):
        go(staff, grant_url)
        _accept_report(staff, "Rapport intermédiaire conforme.")

    with journey.doing("second tranche released and paid"):
        _release_and_pay(staff, f"OV-{stamp}-2")

    with journey.doing("final report sent"):
        _send_report(asso, grant_reference, files, first=False)

    with journey.doing("final report accepted, grant closed"):
        go(staff, grant_url)
        _accept_report(staff, "Rapport final conforme.")
        close = staff.locator("form:has(input[name=action][value=close]) button")
        expect(close).to_be_enabled()
        click_and_wait(staff, close)
        said(staff)
        expect(staff.locator("form:has(input[name=action][value=close])")).to_have_count(0)
        expect(staff.locator("form:has(input[name=action][value=cancel])")).to_have_count(0)
        in_french(staff)

    # --- The manager's bilans ----------------------------------------------------------------
    with journey.doing("bilans in French and in Arabic"):
        manager = journey.logged_in(MANAGER)
        for language in ("fr", "ar"):
            click_and_wait(manager, manager.locator("#mainnav a[href$='/bilans/']"))
            in_french(manager)
            form = manager.locator("main form[method=post]")
            form.locator("select[name=programme]").select_option(PROGRAMME)
            programme = form.locator("select[name=programme] option:checked").inner_text().strip()
            form.locator("select[name=call]").select_option(label=f"{programme} — {edition}")
            form.locator("select[name=language]").select_option(language)
            form.locator("select[name=format]").select_option("pdf")
            click_and_wait(manager, form.locator("button[type=submit]"))
            ready = manager.locator("main a[href$='/fichier/']")
            ready.wait_for(timeout=180_000)
            bilan = download(manager, ready, downloads)
            assert bilan.startswith(b"%PDF-"), language
        journey.close(manager)


def _call_link(page, edition: str, *, ranking: bool = False):
    """The evaluation page's row of the open call (its edition under the title)."""
    row = page.locator("main tbody tr").filter(has_text=re.compile(rf"·\s*{re.escape(edition)}\b"))
    row = row.filter(has=page.locator("a[href*='/instruction/appels/']")).first
    return row.locator("a[href$='/classement/']" if ranking else "td a").first


def _release_and_pay(staff, payment_reference: str) -> None:
    release = staff.locator("main form[action$='/liberer/'] button").first
    click_and_wait(staff, release)
    said(staff)
    pay = staff.locator("main form[action$='/payer/']")
    pay.locator("input[name=reference]").fill(payment_reference)
    click_and_wait(staff, pay.locator("button[type=submit]"))
    said(staff)
    assert payment_reference in staff.locator("main").inner_text()


def _send_report(asso, grant_reference: str, files: Path, *, first: bool) -> None:
    click_and_wait(asso, asso.locator("#mainnav a[href$='/dossiers/']"))
    in_arabic(asso)
    click_and_wait(asso, asso.get_by_role("link", name=grant_reference))
    in_arabic(asso)
    reports = asso.locator("main a[href*='/rapports/']")
    click_and_wait(asso, reports.nth(0 if first else 1))
    form = asso.locator("main form[method=post][enctype='multipart/form-data']")
    form.locator("[name=activities_done]").fill(
        "نظمت الجمعية حصص إنصات أسبوعية وورشات توعوية." if first else "أنجزت جميع الأنشطة المبرمجة."
    )
    form.locator("[name=difficulties]").fill("لا صعوبات تذكر.")
    for field in form.locator("input[name^=women_]").all():
        field.fill("35" if first else "70")
    for field in form.locator("input[name^=men_]").all():
        field.fill("12" if first else "26")
    form.locator("input[name^=spent_]").first.fill("60000" if first else "90000")
    form.locator("input[name^=receipt_]").first.set_input_files(str(files / "facture.png"))
    click_and_wait(asso, form.locator("button[type=submit]"))
    said(asso)
    in_arabic(asso)


def _accept_report(staff, comment: str) -> None:
    review = staff.locator("main form[action$='/examen/']").first
    review.locator("input[name=comment]").fill(comment)
    click_and_wait(staff, review.locator("button[name=decision][value=accept]"))
    said(staff)
