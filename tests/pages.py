"""Reading pages in tests: the text a user sees (entities decoded, no-break spaces as spaces)."""

import re
from html import unescape

from django.utils.html import strip_tags


def page(response) -> str:
    return unescape(response.content.decode()).replace("\u00a0", " ")


def visible_text(response) -> str:
    """The page's text without its markup, with runs of white space as one space."""
    text = unescape(strip_tags(response.content.decode())).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)
