"""A request body over REQUEST_MAX_BYTES is refused (413) before it is read."""

import io

import pytest
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

import portal.urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CALLS = []


@csrf_exempt
def spy(request):
    CALLS.append(len(request.body))
    return HttpResponse(f"read {len(request.body)}")


urlpatterns = [path("spy/", spy), *portal.urls.urlpatterns]


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


class Endless(io.RawIOBase):
    """A body that never ends, counting what is read of it."""

    def __init__(self):
        self.served = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        self.served += size
        return b"x" * size


def test_a_declared_length_over_the_limit_is_refused_before_the_view_runs(client, settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024

    response = client.post(
        "/spy/",
        data=b"small body",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert CALLS == []
    content = response.content.decode()
    assert "Requête trop volumineuse" in content
    assert "(1,0\xa0Mio)" in content
    assert 'href="/"' in content  # the portal's layout


def test_the_default_limit_is_an_upload_and_its_form(settings):
    from importlib import reload

    import portal.settings as portal_settings

    assert reload(portal_settings).REQUEST_MAX_BYTES == (
        portal_settings.UPLOAD_MAX_BYTES + 1024 * 1024
    )


def test_a_body_under_the_limit_reaches_the_view(client, settings):
    settings.REQUEST_MAX_BYTES = 1024

    response = client.post("/spy/", data=b"x" * 1000, content_type="application/octet-stream")

    assert response.status_code == 200
    assert CALLS == [1000]


def test_a_chunked_body_is_read_only_up_to_the_limit(client, settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    body = Endless()

    response = client.generic(
        "POST",
        "/spy/",
        content_type="application/octet-stream",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert CALLS == []
    assert body.served <= settings.REQUEST_MAX_BYTES + 65536


def test_a_small_chunked_body_reaches_the_view(client, settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024

    response = client.generic(
        "POST",
        "/spy/",
        content_type="application/octet-stream",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
        **{"wsgi.input": io.BytesIO(b"y" * 5000)},
    )

    assert response.status_code == 200
    assert CALLS == [5000]


def test_the_refusal_speaks_arabic_to_an_arabic_reader(client, settings):
    settings.REQUEST_MAX_BYTES = 1024
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = client.post("/spy/", data=b"", content_type="text/plain", CONTENT_LENGTH=str(10**9))

    assert response.status_code == 413
    assert 'dir="rtl"' in response.content.decode()
