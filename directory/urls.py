from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("find-help/", views.find_help, name="find_help"),
    path("find-help/forget/", views.forget_place, name="forget_place"),
]
