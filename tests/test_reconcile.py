"""``reconcile``: OK on seeded data, names the cell of any difference, reports bad tables."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grants.models import Grant
from reports.published import check_internal_consistency
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _run() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_reconcile_passes_on_seeded_data_and_names_both_inconsistent_tables():
    status, output = _run()

    assert status == 0
    ok_lines = [line for line in output.splitlines() if line.startswith("OK ")]
    assert len(ok_lines) == 8
    assert "ÉCART" not in output
    assert "INCOHÉRENT partenariat-thematique-2017-2021" in output
    assert (
        "Les totaux des domaines 5 + 12 + 14 + 9 + 1 + 6 = 47, "
        "alors que la ligne Total indique 44" in output
    )
    assert "INCOHÉRENT cooperation-intercommunale" in output
    assert "682123 hommes + 703464 femmes = 1385587, et non les 1385925 habitants" in output


def test_one_centime_off_is_reported_with_the_cell_and_exit_status_1():
    grant = (
        Grant.objects.filter(
            application__call__programme__code="migrants-refugies",
            application__call__edition="2017",
            application__call_domain__domain__code="COLO",
        )
        .order_by("reference")
        .first()
    )
    lower = grant.amount - Decimal("0.01")
    Grant.objects.filter(pk=grant.pk).update(amount=lower, paid_amount=lower)

    status, output = _run()

    assert status == 1
    assert "ÉCART   migrants-refugies-2017" in output
    assert "Colonies de vacances / Montant : publié 480 000, portail 479 999,99" in output
    assert "Totale / Montant : publié 6 990 500, portail 6 990 499,99" in output
    assert "OK      migrants-refugies-2018" in output


def test_the_consistency_check_finds_exactly_the_two_inconsistent_tables():
    tables = {finding.table_id for finding in check_internal_consistency()}

    assert tables == {"partenariat-thematique-2017-2021", "cooperation-intercommunale"}
