"""HTML → PDF with WeasyPrint: one template serves the page and the PDF.

Fonts are the vendored Noto Sans and Amiri (Arabic), loaded with ``@font-face`` from
``static/``, so a PDF looks the same on every machine and Arabic is shaped as text.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def static_path(relative: str) -> str:
    found = finders.find(relative)
    return f"file://{found}" if found else ""


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    """Render ``template`` in ``language`` (the active one by default) as PDF bytes."""
    from weasyprint import HTML  # imported lazily: it loads Pango

    with translation.override(language or translation.get_language()):
        html = render_to_string(
            template,
            {
                **context,
                "pdf_fonts": {
                    "sans": static_path("vendor/fonts/noto-sans-latin-400-normal.woff"),
                    "sans_bold": static_path("vendor/fonts/noto-sans-latin-700-normal.woff"),
                    "arabic": static_path("vendor/fonts/amiri-arabic-400-normal.woff"),
                    "arabic_bold": static_path("vendor/fonts/amiri-arabic-700-normal.woff"),
                },
                "pdf_language": translation.get_language(),
                "pdf_rtl": translation.get_language_bidi(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
