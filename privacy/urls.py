from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("export.json", views.export, name="export"),
    path("effacement/", views.request_erasure, name="request_erasure"),
    path("demandes/", views.requests, name="requests"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
]
