from django.urls import path

from associations import views

app_name = "associations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("nouvelle/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/verification/demande/", views.submit, name="submit"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/supprimer/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/invitations/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("territoires/provinces/", views.provinces, name="provinces"),
    path("territoires/communes/", views.communes, name="communes"),
    path("verifications/", views.verification_queue, name="verification_queue"),
    path("verifications/<int:pk>/", views.verification, name="verification"),
]
