"""A bilan as PDF (WeasyPrint), from the same template parts as the dashboard."""

from portal.pdf import render_pdf
from reports.bilan import Bilan


def bilan_pdf(bilan: Bilan) -> bytes:
    return render_pdf("reports/bilan_pdf.html", {"bilan": bilan}, language=bilan.language)
