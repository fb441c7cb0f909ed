from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.bilans, name="bilans"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("travaux/<int:pk>/", views.job, name="job"),
    path("travaux/<int:pk>/progression/", views.job_progress, name="job_progress"),
    path("travaux/<int:pk>/fichier/", views.job_download, name="job_download"),
    path("statistiques/", views.public_statistics, name="public"),
    path("donnees-ouvertes/projets.csv", views.opendata_csv, name="opendata_csv"),
    path("donnees-ouvertes/projets.json", views.opendata_json, name="opendata_json"),
]
