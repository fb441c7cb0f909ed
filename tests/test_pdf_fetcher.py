"""PDFs load only the portal's own static files: no other file of the server, no network."""

import base64
import http.server
import io
import threading

import pdfplumber
import pytest

from portal import pdf

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def web_server():
    """A local HTTP server that records every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"body { color: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def test_links_outside_the_static_files_are_refused_without_being_fetched(
    web_server, tmp_path, monkeypatch
):
    port, hits = web_server
    secret_image = tmp_path / "secret.png"
    secret_image.write_bytes(PNG)
    asked, refused = [], []
    real = pdf._static_file

    def spy(url):
        asked.append(url)
        try:
            return real(url)
        except pdf.RefusedURL:
            refused.append(url)
            raise

    monkeypatch.setattr(pdf, "_static_file", spy)
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
      <style>@import url("https://127.0.0.1:{port}/y.css");</style>
      </head><body>
      <p>Bonjour</p>
      <img src="file:///etc/passwd">
      <img src="{secret_image.as_uri()}" width="50" height="50">
      <img src="../../../../etc/hostname">
    </body></html>"""

    content = pdf.html_to_pdf(html)

    assert hits == []
    assert f"http://127.0.0.1:{port}/x.css" in refused
    assert "file:///etc/passwd" in refused
    assert secret_image.as_uri() in refused
    assert set(asked) == set(refused)
    with pdfplumber.open(io.BytesIO(content)) as document:
        assert document.pages[0].images == []
        assert "Bonjour" in document.pages[0].extract_text()


def test_a_path_escaping_the_static_folder_is_refused(settings):
    font = pdf.static_path("vendor/fonts/noto-sans-latin-400-normal.woff")
    assert font.startswith("file://")
    assert pdf._static_file(font).name == "noto-sans-latin-400-normal.woff"

    with pytest.raises(pdf.RefusedURL):
        pdf._static_file(font.rsplit("/static/", 1)[0] + "/static/../manage.py")
    with pytest.raises(pdf.RefusedURL):
        pdf._static_file("file:///etc/passwd")
    with pytest.raises(pdf.RefusedURL):
        pdf._static_file("data:text/css,body{}")


def test_rendered_pdfs_keep_their_static_fonts(db, monkeypatch):
    served = []
    real = pdf._static_file

    def spy(url):
        path = real(url)
        served.append(path.name)
        return path

    monkeypatch.setattr(pdf, "_static_file", spy)

    content = pdf.render_pdf("pdf/base.html", {}, language="fr")

    assert "noto-sans-latin-400-normal.woff" in served
    assert "noto-sans-latin-700-normal.woff" in served
    with pdfplumber.open(io.BytesIO(content)) as document:
        fonts = {char["fontname"] for char in document.pages[0].chars}
    assert fonts
    assert all("Noto-Sans" in font for font in fonts), fonts
