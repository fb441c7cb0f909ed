from django.urls import path

from calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("<slug:programme>/<str:edition>/", views.call_detail, name="detail"),
    path(
        "<slug:programme>/<str:edition>/cahier-des-charges/",
        views.specifications,
        name="specifications",
    ),
]
