"""Reading pages in tests: the text a user sees (entities decoded, no-break spaces as spaces)."""

from html import unescape


def page(response) -> str:
    return unescape(response.content.decode()).replace("\u00a0", " ")
