"""System checks of the portal's production configuration.

``check_secret_key`` is registered as a deployment check (``manage.py check --deploy``) and is
also run by ``portal/wsgi.py``, so a web process with ``DEBUG=0`` refuses to start with a key
anyone can read: the development default, the ``.env.example`` placeholder, or a short one.
"""

from django.conf import settings
from django.core import checks

# The default of portal/settings.py (a laptop) and the placeholder of .env.example.
DEVELOPMENT_SECRET_KEY = "insecure-local-key-change-me-" + "x" * 32
PLACEHOLDER_SECRET_KEY = "change-me-to-a-long-random-string-of-at-least-fifty-characters"  # noqa: S105
SECRET_KEY_MIN_LENGTH = 50

HOW_TO_SET = (
    "Set SECRET_KEY (or SECRET_KEY_FILE) to 50 or more random characters, generated with: "
    'python -c "import secrets; print(secrets.token_urlsafe(50))"'
)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    key = settings.SECRET_KEY or ""
    if key == DEVELOPMENT_SECRET_KEY:
        problem = "SECRET_KEY is the development default of portal/settings.py"
    elif key == PLACEHOLDER_SECRET_KEY:
        problem = "SECRET_KEY is the placeholder of .env.example"
    elif len(key) < SECRET_KEY_MIN_LENGTH:
        problem = (
            f"SECRET_KEY has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}, "
            "with DEBUG=0"
        )
    else:
        return []
    return [checks.Error(problem, hint=HOW_TO_SET, id="portal.E001")]


def refuse_insecure_configuration() -> None:
    """Raise ImproperlyConfigured when a production web process should not start."""
    from django.core.exceptions import ImproperlyConfigured

    errors = check_secret_key()
    if errors:
        message = "; ".join(f"{error.msg} ({error.id}). {error.hint}" for error in errors)
        raise ImproperlyConfigured(message)
