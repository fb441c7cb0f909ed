"""Templates are formatted by djlint (`make fmt`), and `make lint` checks it; e-mails, whose
whitespace is their content, are left as written."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DJLINT = Path(sys.executable).with_name("djlint")


def djlint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 the project's own djlint, on its own templates
        [str(DJLINT), *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_templates_are_formatted_as_djlint_formats_them():
    result = djlint("templates", "--check")

    assert result.returncode == 0, result.stdout[-3000:]


def test_the_templates_pass_djlint_s_rules():
    result = djlint("templates", "--lint")

    assert result.returncode == 0, result.stdout[-3000:]


def test_an_unformatted_template_is_caught(tmp_path):
    template = tmp_path / "one_line.html"
    template.write_text(
        '<form method="post" action="/x" class="card card-body">{% csrf_token %}'
        '<div class="row g-2"><div class="col-md-5">{% include "a.html" with field=f %}</div>'
        '<div class="col-md-7">{% include "a.html" with field=g %}</div></div>'
        '<div><button class="btn btn-primary btn-sm" type="submit">{% translate "Save" %}</button>'
        "</div></form>\n"
    )

    result = djlint(str(template), "--check", "--configuration", str(ROOT / "pyproject.toml"))

    assert result.returncode == 1


def test_the_e_mails_are_not_formatted():
    result = djlint("templates", "--check", "--extension", "txt")

    assert "Everything that matched was skipped by the configuration" in result.stderr


def test_make_lint_checks_the_templates_and_make_fmt_formats_them():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    fmt = makefile.split("\nfmt:", 1)[1].split("\n\n", 1)[0]

    assert "$(BIN)/djlint templates --check" in lint
    assert "$(BIN)/djlint templates --lint" in lint
    assert "$(BIN)/djlint templates --reformat" in fmt
