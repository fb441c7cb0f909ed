"""WSGI entry point (gunicorn portal.wsgi).

With ``DEBUG=0`` the process refuses to start when SECRET_KEY is one anyone can read
(``portal.checks``), whatever starts it: the image, ``make prod`` or a bare gunicorn.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from portal.checks import refuse_insecure_configuration  # noqa: E402

refuse_insecure_configuration()
