"""Report jobs: request, progress, reuse, retry after a dead worker, downloads, permissions."""

import pytest
from django.urls import reverse

from calls.models import Call, Programme
from grants.models import Grant
from reports.models import ReportJob
from reports.services import report_request, report_run
from tests.factories import MembershipFactory, ReportJobFactory
from tests.pdftext import pdf_text
from tests.seeded import seeded  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _migrants_2017():
    return Call.objects.get(programme__code="migrants-refugies", edition="2017")


def test_a_manager_asks_for_a_bilan_and_downloads_it(
    client, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    call = _migrants_2017()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:bilans"),
            {"programme": "migrants-refugies", "call": call.pk, "language": "fr", "format": "pdf"},
        )

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:job", args=[job.pk])
    assert (job.status, job.progress, job.requested_by) == ("done", 100, manager)
    page = client.get(response.url).content.decode()
    assert reverse("reports:job_download", args=[job.pk]) in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "bilan-migrants-refugies-2017-fr.pdf" in download["Content-Disposition"]
    assert "6 990 500" in pdf_text(b"".join(download.streaming_content))


def test_the_progress_fragment_polls_until_done(client, manager):
    job = ReportJobFactory(
        requested_by=manager,
        programme=Programme.objects.get(code="migrants-refugies"),
        call=_migrants_2017(),
    )
    client.force_login(manager)

    running = client.get(reverse("reports:job_progress", args=[job.pk])).content.decode()
    report_run(job=job)
    done = client.get(reverse("reports:job_progress", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in running
    assert 'value="0"' in running
    assert 'hx-trigger="every 1s"' not in done
    assert 'value="100"' in done


def test_an_unchanged_second_request_reuses_the_file(manager):
    programme = Programme.objects.get(code="migrants-refugies")
    first, reused_first = report_request(
        user=manager, programme=programme, call=_migrants_2017(), language="ar", fmt="xlsx"
    )
    first.refresh_from_db()

    second, reused_second = report_request(
        user=manager, programme=programme, call=_migrants_2017(), language="ar", fmt="xlsx"
    )

    assert (reused_first, reused_second) == (False, True)
    assert second.pk == first.pk
    assert ReportJob.objects.count() == 1


def test_changed_data_gives_a_new_file(manager):
    programme = Programme.objects.get(code="migrants-refugies")
    first, _ = report_request(user=manager, programme=programme, call=_migrants_2017())
    grant = Grant.objects.filter(application__call=_migrants_2017()).first()
    grant.status = Grant.Status.CANCELLED
    grant.save(update_fields=["status", "updated_at"])

    second, reused = report_request(user=manager, programme=programme, call=_migrants_2017())

    assert reused is False
    assert second.pk != first.pk


def test_a_job_left_running_by_a_dead_worker_completes_on_retry(manager):
    job = ReportJobFactory(
        requested_by=manager,
        call=_migrants_2017(),
        programme=Programme.objects.get(code="migrants-refugies"),
        status=ReportJob.Status.RUNNING,
        progress=40,
        attempts=1,
    )

    from reports.tasks import generate_report

    generate_report.apply(kwargs={"job_id": job.pk})  # the message delivered again

    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)
    assert job.file.name.endswith(".pdf")


def test_a_done_job_is_not_redone(manager):
    job = ReportJobFactory(
        requested_by=manager,
        call=_migrants_2017(),
        programme=Programme.objects.get(code="migrants-refugies"),
    )
    report_run(job=job)
    job.refresh_from_db()
    name = job.file.name

    report_run(job=job)

    job.refresh_from_db()
    assert (job.file.name, job.attempts) == (name, 1)


@pytest.mark.parametrize("role", ["member", "reviewer", "committee_member"])
def test_people_without_the_role_get_404(client, role, request):
    user = request.getfixturevalue(role)
    job = ReportJobFactory(
        call=_migrants_2017(), programme=Programme.objects.get(code="migrants-refugies")
    )
    report_run(job=job)
    client.force_login(user)

    for url in (
        reverse("reports:bilans"),
        reverse("reports:dashboard"),
        reverse("reports:job", args=[job.pk]),
        reverse("reports:job_download", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("reports:bilans"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_bad_request_says_why_and_creates_nothing(client, manager):
    client.force_login(manager)
    call_2017 = _migrants_2017()

    response = client.post(
        reverse("reports:bilans"),
        {
            "programme": "partenariat-associations",
            "call": call_2017.pk,
            "language": "fr",
            "format": "pdf",
        },
    )

    assert response.status_code == 200
    assert "Cette édition appartient à un autre programme." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_the_dashboard_shows_the_same_table_and_charts(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("reports:dashboard"), {"programme": "migrants-refugies", "edition": "2017"}
    )

    content = response.content.decode().replace("\u00a0", " ")
    assert response.status_code == 200
    assert "4 022 000" in content
    assert "6 990 500" in content
    assert "Graphique N°1" in content
    assert 'class="chart-bar"' in content


def test_the_dashboard_query_count_does_not_grow_with_rows(
    client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        client.get(
            reverse("reports:dashboard"),
            {"programme": "partenariat-associations", "edition": "2019-2020"},
        )


def test_the_public_page_shows_the_published_figures_without_login(client):
    response = client.get(reverse("reports:public"))

    content = response.content.decode().replace("\u00a0", " ")
    assert response.status_code == 200
    assert "9 398 167,54" in content
    assert "partenariat-thematique-2017-2021" in content
    assert "@" not in content.split("<main", 1)[1].split("</main>", 1)[0]


def test_member_of_an_association_cannot_see_bilans(client):
    client.force_login(MembershipFactory().user)

    assert client.get(reverse("reports:bilans")).status_code == 404


def test_the_dashboard_over_a_range_of_years_adds_up_the_editions(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("reports:dashboard"),
        {"programme": "migrants-refugies", "from": "2017", "to": "2018"},
    )

    content = response.content.decode().replace("\u00a0", " ")
    totals = content.split('<tr class="total">')[1].split("</tr>")[0]
    assert response.status_code == 200
    assert '<th class="num">2017</th>' in content
    assert '<th class="num">2018</th>' in content
    assert '<td class="num">154</td>' in totals  # 110 projects in 2017 and 44 in 2018
    assert '<td class="num">8 890 000</td>' in totals  # 6 990 500 + 1 899 500


def test_the_dashboard_refuses_a_reversed_range(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("reports:dashboard"),
        {"programme": "migrants-refugies", "from": "2018", "to": "2017"},
    )

    assert response.status_code == 200
    assert "La première année est postérieure à la dernière." in response.content.decode()


def test_the_dashboard_counts_institutional_conventions_by_partner_type_and_year(client, manager):
    import re

    from conventions.models import Convention

    client.force_login(manager)
    content = client.get(reverse("reports:dashboard")).content.decode()
    table = content.split('id="conventions-by-year"', 1)[1].split("</table>", 1)[0]
    total_row = table.rsplit("<tr", 1)[1]
    numbers = [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', total_row)]

    assert [f'<th scope="col" class="text-end">{y}</th>' in table for y in range(2014, 2021)] == [
        True
    ] * 7
    assert numbers[:-1] == [
        Convention.objects.filter(kind="institutional", year=year).count()
        for year in range(2014, 2021)
    ]
    assert numbers[-1] == 80
    assert "Collectivités territoriales" in table


def test_the_bilan_history_is_paginated_not_cut(client, manager):
    ReportJob.objects.all().delete()
    programme = Programme.objects.get(code="migrants-refugies")
    jobs = ReportJobFactory.create_batch(60, programme=programme, year_from=2016, year_to=2017)
    client.force_login(manager)

    def shown(page):
        content = client.get(reverse("reports:bilans"), {"page": page}).content.decode()
        return {
            job.pk for job in jobs if f'href="{reverse("reports:job", args=[job.pk])}"' in content
        }

    first, second = shown(1), shown(2)

    assert (len(first), len(second)) == (50, 10)
    assert first | second == {job.pk for job in jobs}
    assert "page=2" in client.get(reverse("reports:bilans")).content.decode()
