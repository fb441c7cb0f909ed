"""HTML → PDF with WeasyPrint: one template serves the page and the PDF.

Fonts are the vendored Noto Sans and Amiri (Arabic), loaded with ``@font-face`` from
``static/``, so a PDF looks the same on every machine and Arabic is shaped as text.

WeasyPrint fetches what a document links to (images, stylesheets, fonts). Behind the escaping
of the templates, the fetcher given to it serves only the portal's own static files, read from
the static folders by path: any other address — another file on the server, ``http(s)://``, a
``data:`` URL — is refused without being opened.
"""

import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A PDF tried to load something that is not one of the portal's static files."""


def static_path(relative: str) -> str:
    found = finders.find(relative)
    return Path(found).resolve().as_uri() if found else ""


def static_roots() -> list[Path]:
    """Every folder static files are found in: the finders' folders and ``STATIC_ROOT``."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def _static_file(url: str) -> Path:
    """The static file ``url`` names, or ``RefusedURL``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"Only the portal's static files can be loaded in a PDF: {url[:200]}")
    path = Path(unquote(parts.path)).resolve()
    for root in static_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    raise RefusedURL(f"Not one of the portal's static files: {url[:200]}")


@lru_cache(maxsize=64)
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves the portal's static files by path; refuses every other URL."""

        def fetch(self, url, headers=None):
            try:
                path = _static_file(url)
            except RefusedURL:
                logger.warning("PDF rendering refused to load %s", url[:200])
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=_read(path), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher


def url_fetcher():
    """A new fetcher for one rendering."""
    return _fetcher_class()()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads Pango

    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher()).write_pdf()


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    """Render ``template`` in ``language`` (the active one by default) as PDF bytes."""
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
    return html_to_pdf(html)
