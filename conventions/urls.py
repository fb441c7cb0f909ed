from django.urls import path

from conventions import views

app_name = "conventions"

urlpatterns = [
    path("", views.convention_list, name="list"),
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/reunions/<int:meeting_pk>/pv/", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/avenants/<int:amendment_pk>/", views.amendment_file, name="amendment_file"),
]
