"""The Django admin without a login form of its own.

People log in to the admin through the portal's login page, which limits failed attempts per
account and per client address and asks for the second factor; the admin's own form had
neither.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class PortalAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(target)
            # Logged in without access to the admin: sending them to log in again would loop.
            raise PermissionDenied
        return HttpResponseRedirect(
            f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target})}"
        )


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
