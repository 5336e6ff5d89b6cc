from django.urls import path

from tickets.documents import views as document_views
from tickets.intake import views
from tickets.policy_signals import views as signal_views
from tickets.privacy import views as privacy_views
from tickets.referrals import moving_views, network_views
from tickets.referrals import views as referral_views

app_name = "tickets"

urlpatterns = [
    path("ask/", views.ask, name="ask"),
    path("ask/done/", views.ask_done, name="ask_done"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/lost-code/", views.lost_code, name="lost_code"),
    path("follow-up/sign-out/", views.follow_up_sign_out, name="follow_up_sign_out"),
    path("follow-up/<str:reference>/", views.follow_up_question, name="follow_up_question"),
    path("pro/", views.pro_home, name="pro_home"),
    path("pro/new/", views.pro_new_consult, name="pro_new_consult"),
    path("pro/signal/", signal_views.pro_signal, name="pro_signal"),
    path("pro/<str:reference>/", views.pro_consult, name="pro_consult"),
    path("pro/<str:reference>/network/", network_views.pro_add, name="pro_network_add"),
    path(
        "pro/<str:reference>/network/<int:contact_id>/remove/",
        network_views.pro_remove,
        name="pro_network_remove",
    ),
    path("files/<int:pk>/", views.download_attachment, name="attachment"),
    # Documents: the requester's dossier and consent to a handover (tickets.documents.views).
    path(
        "follow-up/<str:reference>/dossier/",
        document_views.request_dossier,
        name="follow_up_dossier",
    ),
    path(
        "follow-up/<str:reference>/handover-consent/",
        document_views.give_handover_consent,
        name="follow_up_handover_consent",
    ),
    path("pro/<str:reference>/dossier/", document_views.request_dossier, name="pro_dossier"),
    path(
        "pro/<str:reference>/handover-consent/",
        document_views.give_handover_consent,
        name="pro_handover_consent",
    ),
    # Privacy: the statement with the retention periods, and erasure on request.
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("follow-up/<str:reference>/erase/", privacy_views.request_erasure, name="erasure"),
    path("pro/<str:reference>/erase/", privacy_views.request_erasure, name="pro_erasure"),
    # "We are moving": the requester or the professional reports a new municipality.
    path("follow-up/<str:reference>/moving/", moving_views.say_moving, name="follow_up_moving"),
    path("pro/<str:reference>/moving/", moving_views.say_moving, name="pro_moving"),
    # The one-time link a directory service opens to confirm a referral arrived.
    path(
        "referral-received/<str:token>/",
        referral_views.referral_receipt,
        name="referral_receipt",
    ),
    path("downloads/<uuid:pk>/", document_views.public_document, name="document"),
    path("downloads/<uuid:pk>/file/", document_views.public_document_file, name="document_file"),
]
