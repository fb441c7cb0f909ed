"""The grant convention: a PDF generated from a template, with the amount in figures and in
words in French and in Arabic, the tranche schedule, the obligations and the reporting dates."""

from decimal import Decimal

from num2words import num2words

from portal.money import quantize
from portal.pdf import render_pdf


def amount_in_words(amount: Decimal, language: str) -> str:
    """``150000.50`` → ``cent cinquante mille dirhams et cinquante centimes`` (or Arabic)."""
    amount = quantize(amount)
    dirhams, cents = int(amount), int((amount - int(amount)) * 100)
    if language == "ar":
        words = f"{num2words(dirhams, lang='ar')} درهم"
        if cents:
            words += f" و{num2words(cents, lang='ar')} سنتيم"
        return words
    words = f"{num2words(dirhams, lang='fr')} dirham{'s' if dirhams > 1 else ''}"
    if cents:
        words += f" et {num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}"
    return words


def convention_context(grant) -> dict:
    application = grant.application
    return {
        "grant": grant,
        "application": application,
        "association": application.association,
        "call": application.call,
        "tranches": list(grant.tranches.order_by("order")),
        "reports": list(grant.reports.order_by("due_on")),
        "words_fr": amount_in_words(grant.amount, "fr"),
        "words_ar": amount_in_words(grant.amount, "ar"),
    }


def convention_pdf(grant, *, language: str = "fr") -> bytes:
    return render_pdf("grants/convention_pdf.html", convention_context(grant), language=language)
