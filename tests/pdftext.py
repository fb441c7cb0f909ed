"""Text of a PDF as a reader sees it, for assertions."""

import io
import unicodedata

import pdfplumber


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def contains_arabic(content: bytes, phrase: str) -> bool:
    """Whether a PDF shows an Arabic phrase.

    Text extraction gives Arabic in visual order, with presentation forms and spaces between
    glyph runs: both sides are folded (NFKC), spaces dropped, and the phrase is looked for in
    logical and in visual order.
    """

    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    text = fold(pdf_text(content))
    wanted = fold(phrase)
    return wanted in text or wanted[::-1] in text
