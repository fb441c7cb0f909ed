from django.urls import include, path

app_name = "grants"

urlpatterns = [
    path("", include("grants.urls.apply")),
    path("", include("grants.urls.evaluation")),
    path("", include("grants.urls.followup")),
]
