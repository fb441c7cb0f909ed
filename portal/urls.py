"""Root URLs. Pages are translated by the language chosen on every page (a cookie/session),
not by a prefix, so a link works the same in French, Arabic and English."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal import views

urlpatterns = [
    path("", include("home.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("appels/", include("calls.urls")),
    path("associations/", include("associations.urls")),
    path("dossiers/", include("grants.urls")),
    path("conventions/", include("conventions.urls")),
    path("bilans/", include("reports.urls")),
    path("integrite/", include("integrity.urls")),
    path("donnees-personnelles/", include("privacy.urls")),
    path("audit/", include("audit.urls")),
    path("healthz", views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
]
