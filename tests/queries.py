"""Counting a page's queries, for the tests that pin them (the same number with one and with
several rows, as the style guide shows)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url, params=None) -> int:
    """How many queries a GET of ``url`` (with ``params``) makes; the page must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)
