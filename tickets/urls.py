from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("ask/done/", views.ask_done, name="ask_done"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/lost-code/", views.lost_code, name="lost_code"),
    path("follow-up/<str:reference>/", views.follow_up_question, name="follow_up_question"),
    path("pro/", views.pro_home, name="pro_home"),
    path("pro/new/", views.pro_new_consult, name="pro_new_consult"),
    path("pro/<str:reference>/", views.pro_consult, name="pro_consult"),
    path("files/<int:pk>/", views.download_attachment, name="attachment"),
]
