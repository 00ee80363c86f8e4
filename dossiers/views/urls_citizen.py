"""URL patterns: the citizen's pages, mounted at /ho-so/ under the ``dossiers`` namespace.

``start`` is what the catalogue's "Nộp hồ sơ trực tuyến" button opens (``/ho-so/nop/<code>/``); messages link to
``detail`` (``/ho-so/<pk>/``); ``mine`` is "Hồ sơ của tôi"; ``store`` is the document store (kho dữ liệu).
"""

from django.urls import path

from dossiers.views import citizen, store, submission

urlpatterns = [
    path("", citizen.my_dossiers, name="mine"),
    path("nop/<str:code>/", submission.start, name="start"),
    # the document store (before <int:pk>/ for readability; the int converter keeps them apart anyway)
    path("kho-du-lieu/", store.store, name="store"),
    path("kho-du-lieu/<int:document_id>/tep/", store.store_file, name="store_file"),
    path("kho-du-lieu/<int:document_id>/xoa/", store.store_delete, name="store_delete"),
    path("kho-du-lieu/xac-thuc/", store.verify_search, name="store_verify"),
    path("kho-du-lieu/xac-thuc/<int:user_id>/", store.verify_owner, name="store_verify_owner"),
    path("kho-du-lieu/xac-thuc/tep/<int:document_id>/", store.verify_file, name="store_verify_file"),
    # one dossier
    path("<int:pk>/", citizen.dossier_detail, name="detail"),
    path("<int:pk>/to-khai/", submission.eform, name="form"),
    path("<int:pk>/to-khai/tu-dong-luu/", submission.autosave, name="autosave"),
    path("<int:pk>/thanh-phan/", submission.files, name="files"),
    path("<int:pk>/thanh-phan/<int:component_id>/tai-len/", submission.upload, name="upload"),
    path("<int:pk>/thanh-phan/<int:component_id>/dung-kho/", submission.reuse, name="reuse"),
    path("<int:pk>/tep/<int:attachment_id>/", citizen.attachment_download, name="attachment"),
    path("<int:pk>/tep/<int:attachment_id>/go/", submission.remove, name="remove"),
    path("<int:pk>/nop/", submission.review, name="review"),
    path("<int:pk>/ky-so/don-de-nghi.pdf", submission.application_pdf, name="application_pdf"),
    path("<int:pk>/ky-so/", submission.signed_upload, name="signed_upload"),
    path("<int:pk>/ky-so/khi-nhan-ket-qua/", submission.sign_at_pickup, name="sign_at_pickup"),
    path("<int:pk>/bo-sung/", citizen.supplement_answer, name="supplement"),
    path("<int:pk>/rut/", citizen.withdraw, name="withdraw"),
    path("<int:pk>/giay-tiep-nhan.pdf", citizen.receipt_download, name="receipt"),
    path("<int:pk>/van-ban/<int:document_id>/", citizen.document_download, name="document"),
]
