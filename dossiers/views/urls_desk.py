"""URL patterns: the officers' pages, mounted at /mot-cua/ under the ``dossiers`` namespace (names start ``desk_``).

Lists: the desk queue, the departments' worklist, the approval queue. One dossier and its actions under
``ho-so/<pk>/``. Counter and postal intake, and the tracking book (Mẫu 06).
"""

from django.urls import path

from dossiers.views import approval, desk, processing

urlpatterns = [
    path("", desk.queue, name="desk_queue"),
    path("xu-ly/", processing.worklist, name="desk_worklist"),
    path("phe-duyet/", approval.approval_queue, name="desk_approval_queue"),
    path("tiep-nhan-truc-tiep/", desk.intake_start, name="desk_intake"),
    path("tiep-nhan-truc-tiep/nguoi-nop-moi/", desk.intake_new_applicant, name="desk_intake_applicant"),
    path("tiep-nhan-truc-tiep/nhap/", desk.intake_form, name="desk_intake_form"),
    path("so-theo-doi/", desk.tracking_book, name="desk_tracking_book"),
    path("ho-so/<int:pk>/", desk.dossier_page, name="desk_dossier"),
    path("ho-so/<int:pk>/tiep-nhan/", desk.accept, name="desk_accept"),
    path("ho-so/<int:pk>/yeu-cau-bo-sung/", desk.request_supplement, name="desk_supplement"),
    path("ho-so/<int:pk>/tu-choi/", desk.refuse, name="desk_refuse"),
    path("ho-so/<int:pk>/phan-cong/", processing.assign, name="desk_assign"),
    path("ho-so/<int:pk>/tham-dinh/", processing.record_work, name="desk_work"),
    path("ho-so/<int:pk>/lien-thong/", processing.transfer, name="desk_transfer"),
    path("ho-so/<int:pk>/trinh/", processing.propose, name="desk_propose"),
    path("ho-so/<int:pk>/phe-duyet/", approval.approve, name="desk_approve"),
    path("ho-so/<int:pk>/tra-lai/", approval.send_back, name="desk_send_back"),
    path("ho-so/<int:pk>/xin-loi/", approval.apology, name="desk_apology"),
    path("ho-so/<int:pk>/dung/", approval.stop, name="desk_stop"),
    path("ho-so/<int:pk>/bao-tra-som/", desk.notify_early_return, name="desk_early_notice"),
    path("ho-so/<int:pk>/tra-ket-qua/", desk.return_result, name="desk_return"),
    path("ho-so/<int:pk>/phieu/<str:kind>/", desk.paper, name="desk_paper"),
    path("ho-so/<int:pk>/van-ban/<int:document_pk>/", desk.issued_document, name="desk_document"),
    path("ho-so/<int:pk>/tep/<int:attachment_pk>/", desk.attachment, name="desk_attachment"),
]
