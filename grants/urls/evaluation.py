from django.urls import path

from grants.views import evaluation as views

urlpatterns = [
    path("instruction/", views.calls, name="evaluation_calls"),
    path("instruction/appels/<int:call_pk>/", views.workspace, name="workspace"),
    path("instruction/appels/<int:call_pk>/affectation/", views.auto_assign, name="auto_assign"),
    path("instruction/appels/<int:call_pk>/classement/", views.ranking, name="ranking"),
    path("instruction/appels/<int:call_pk>/decisions/", views.decide_bulk, name="decide_bulk"),
    path("instruction/dossiers/<int:pk>/", views.instruction, name="instruction"),
    path("instruction/dossiers/<int:pk>/recevabilite/", views.admissibility, name="admissibility"),
    path("instruction/dossiers/<int:pk>/evaluateurs/", views.assign, name="assign"),
    path("instruction/dossiers/<int:pk>/consensus/", views.consensus, name="consensus"),
    path("instruction/dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("instruction/pv/<int:pk>/cloture/", views.minutes_close, name="minutes_close"),
    path("instruction/pv/<int:pk>/reouverture/", views.minutes_reopen, name="minutes_reopen"),
    path("instruction/pv/<int:pk>/pv.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("evaluations/", views.my_reviews, name="my_reviews"),
    path("evaluations/<int:pk>/", views.review, name="review"),
]
