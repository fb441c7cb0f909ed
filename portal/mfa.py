"""Second factor for the ministry's roles.

Staff officers, committee members, managers and administrators may protect their account with
an authenticator app (TOTP) and recovery codes (``allauth.mfa``). ``MFA_REQUIRED_ROLES`` makes
it compulsory for some roles: until such a user has activated an authenticator app, every page
sends them to its activation page.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from portal.roles import Role, has_role

# Roles offered a second factor (the "Two-factor authentication" link of the account menu).
MFA_ROLES = (Role.STAFF, Role.COMMITTEE, Role.MANAGER, Role.ADMINISTRATOR)

# Pages a user who must activate a second factor can still open: the activation itself (with
# the password confirmation it may ask for), the two-factor page it may fall back to (e.g. an
# e-mail address still unverified), logging out and changing the language.
ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "javascript-catalog",
        "healthz",
    }
)


def mfa_required(user) -> bool:
    """Whether one of the user's roles (a superuser holds them all) requires a second factor."""
    return any(has_role(user, role) for role in settings.MFA_REQUIRED_ROLES)


def has_authenticator_app(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """Send a user whose role requires a second factor to its activation until it is done."""

    def __init__(self, get_response):
        unknown = set(settings.MFA_REQUIRED_ROLES) - set(Role.values)
        if unknown:
            # A misspelt role would silently leave its holders without a second factor.
            msg = (
                f"MFA_REQUIRED_ROLES names unknown roles {sorted(unknown)}; "
                f"the roles are {', '.join(Role.values)}"
            )
            raise ImproperlyConfigured(msg)
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_ROLES
            and user is not None
            and user.is_authenticated
            and not self._allowed(request)
            and mfa_required(user)
            and not has_authenticator_app(user)
        ):
            return self._to_activation(request)
        return self.get_response(request)

    @staticmethod
    def _allowed(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # the 404 page (static files are served before the middleware)
        return match.url_name in ALLOWED_URL_NAMES

    @staticmethod
    def _to_activation(request):
        url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        if request.method == "GET":
            messages.warning(
                request,
                _(
                    "Your role requires two-factor authentication: activate an authenticator "
                    "app to continue."
                ),
            )
        return HttpResponseRedirect(url)
