from django.urls import path

from grants.views import followup as views

urlpatterns = [
    path("subventions/", views.grant_list, name="grants"),
    path("subventions/<int:pk>/", views.grant_detail, name="grant"),
    path("subventions/<int:pk>/preparer/", views.prepare, name="grant_prepare"),
    path("subventions/<int:pk>/signature/", views.sign, name="grant_sign"),
    path("subventions/<int:pk>/action/", views.grant_action, name="grant_action"),
    path(
        "subventions/<int:pk>/convention/<slug:which>/",
        views.convention_file,
        name="grant_convention",
    ),
    path(
        "subventions/<int:pk>/tranches/<int:tranche_pk>/liberer/",
        views.tranche_release,
        name="tranche_release",
    ),
    path(
        "subventions/<int:pk>/tranches/<int:tranche_pk>/payer/",
        views.tranche_pay,
        name="tranche_pay",
    ),
    path("subventions/<int:pk>/rapports/<int:report_pk>/", views.report, name="grant_report"),
    path(
        "subventions/<int:pk>/rapports/<int:report_pk>/examen/",
        views.report_review,
        name="report_review",
    ),
    path(
        "subventions/<int:pk>/rapports/<int:report_pk>/depenses/<int:expense_pk>/",
        views.expense_receipt,
        name="expense_receipt",
    ),
    path("subventions/<int:pk>/visites/", views.visit, name="grant_visit"),
    path(
        "subventions/<int:pk>/visites/fichiers/<int:file_pk>/", views.visit_file, name="visit_file"
    ),
    path("subventions/<int:pk>/audits/", views.audit, name="grant_audit"),
    path("subventions/<int:pk>/audits/<int:audit_pk>/", views.audit_action, name="audit_action"),
]
