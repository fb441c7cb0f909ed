from django.urls import path

from grants.views import apply as views

urlpatterns = [
    path("", views.my_applications, name="my_applications"),
    path("appel/<int:call_pk>/deposer/", views.start, name="apply_start"),
    path("<int:pk>/", views.application_detail, name="application"),
    path("<int:pk>/etape/<slug:step>/", views.step, name="apply_step"),
    path("<int:pk>/etape/<slug:step>/brouillon/", views.autosave, name="apply_autosave"),
    path("<int:pk>/documents/", views.document_upload, name="apply_document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/retirer/",
        views.document_remove,
        name="apply_document_remove",
    ),
    path("<int:pk>/soumettre/", views.submit, name="apply_submit"),
    path("<int:pk>/rouvrir/", views.reopen, name="apply_reopen"),
    path("<int:pk>/retirer/", views.withdraw, name="apply_withdraw"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/versions/<int:number>/recepisse.pdf", views.receipt, name="receipt"),
    path("<int:pk>/complements/<int:request_pk>/", views.complement, name="complement"),
    path(
        "<int:pk>/complements/<int:request_pk>/fichiers/<int:file_pk>/",
        views.complement_file,
        name="complement_file",
    ),
]
