"""The récépissé: a PDF of a submitted version, with its whole content and time of submission."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from grants.models import ApplicationSubmission
from portal.pdf import render_pdf


def receipt_filename(submission: ApplicationSubmission) -> str:
    reference = submission.snapshot.get("reference") or f"dossier-{submission.application_id}"
    return f"recepisse-{reference}-v{submission.number}.pdf"


def receipt_pdf(submission: ApplicationSubmission, *, language: str | None = None) -> bytes:
    language = language or getattr(submission.submitted_by, "language", None) or "fr"
    return render_pdf(
        "grants/receipt_pdf.html",
        {
            "submission": submission,
            "data": submission.snapshot,
            "submitted_at": timezone.localtime(submission.submitted_at),
        },
        language=language,
    )


def ensure_receipt(submission: ApplicationSubmission) -> ApplicationSubmission:
    """Render and store the receipt once; later calls return the stored file."""
    if submission.receipt:
        return submission
    content = receipt_pdf(submission)
    with transaction.atomic():
        locked = ApplicationSubmission.objects.select_for_update().get(pk=submission.pk)
        if not locked.receipt:
            locked.receipt.save(receipt_filename(locked), ContentFile(content), save=True)
    return locked
