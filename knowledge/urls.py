from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge-vote/<int:page_id>/", views.vote, name="vote"),
]
