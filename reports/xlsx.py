"""A bilan as an XLSX workbook: the same tables, one sheet each, numbers as numbers."""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from portal.i18n import pick
from portal.spreadsheets import neutralise_cell
from reports.bilan import Bilan

AMOUNT = '#,##0.00;-#,##0.00;"0"'
HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")


def _sheet(workbook, title, header, rows, *, amount_columns=(), total=None, rtl=False):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([neutralise_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    for row in rows:
        sheet.append([neutralise_cell(v) for v in row])
    if total:
        sheet.append([neutralise_cell(v) for v in total])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for column in amount_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = AMOUNT
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 18
    return sheet


def bilan_xlsx(bilan: Bilan) -> bytes:
    with translation.override(bilan.language):
        workbook = Workbook()
        workbook.remove(workbook.active)
        rtl = bilan.rtl
        _sheet(
            workbook,
            _("Domains"),
            [
                _("Domain of intervention"),
                _("Number of projects"),
                _("Amount of financial support (DH)"),
            ],
            [(line.label, line.projects, line.amount) for line in bilan.lines],
            amount_columns=(3,),
            total=(_("Total"), bilan.total_projects, bilan.total_amount),
            rtl=rtl,
        )
        if bilan.associations is not None:
            workbook[_("Domains")[:31]].append([_("Associations"), bilan.associations])
        if bilan.years:
            _sheet(
                workbook,
                _("Years"),
                [_("Domain of intervention"), *bilan.years, _("Total")],
                [
                    (label, *[count for count, _sum in cells], projects)
                    for label, cells, projects, _amount in bilan.year_rows
                ],
                total=(
                    _("Total"),
                    *[count for count, _sum in bilan.year_totals],
                    bilan.total_projects,
                ),
                rtl=rtl,
            )
        _sheet(
            workbook,
            _("Regions"),
            [_("Region"), _("Number of projects"), _("Amount (DH)")],
            [(region.name, region.projects, region.amount) for region in bilan.regions],
            amount_columns=(3,),
            rtl=rtl,
        )
        _sheet(
            workbook,
            _("Funded projects"),
            [_("Reference"), _("Association"), _("Project"), _("Region"), _("Amount (DH)")],
            [
                (
                    grant.reference,
                    pick(grant.application.association),
                    grant.application.title,
                    pick(grant.application.region) if grant.application.region_id else "",
                    grant.amount,
                )
                for grant in bilan.projects
            ],
            amount_columns=(5,),
            rtl=rtl,
        )
        output = BytesIO()
        workbook.save(output)
        return output.getvalue()
