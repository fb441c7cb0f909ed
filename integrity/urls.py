from django.urls import path

from integrity import views

app_name = "integrity"
urlpatterns = [
    path("signaux/<int:pk>/garder/", views.decide, {"action": "keep"}, name="keep"),
    path("signaux/<int:pk>/ecarter/", views.decide, {"action": "dismiss"}, name="dismiss"),
]
