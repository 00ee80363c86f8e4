"""Account pages under /tai-khoan/ (namespace ``accounts``)."""

from django.urls import path

from portal.accounts.views import audit, auth, identity, passwords, profile, registration

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", auth.login_view, name="login"),
    path("dang-xuat/", auth.logout_view, name="logout"),
    path("dang-ky/", registration.register_view, name="register"),
    path("xac-minh/", registration.verify_view, name="verify"),
    path("xac-minh/lien-ket/<str:token>/", registration.verify_link_view, name="verify_link"),
    path("quen-mat-khau/", passwords.reset_request_view, name="password_reset"),
    path("quen-mat-khau/nhap-ma/", passwords.reset_confirm_view, name="password_reset_confirm"),
    path("quen-mat-khau/lien-ket/<str:token>/", passwords.reset_link_view, name="password_reset_link"),
    path("doi-mat-khau/", passwords.password_change_view, name="password_change"),
    path("ho-so/", profile.profile_view, name="profile"),
    path("ho-so/lien-he/<str:channel>/", profile.contact_change_view, name="contact_change"),
    # Two-factor pages: an officer who still owes the code may open these (see portal.middleware).
    path("xac-thuc-hai-lop/", auth.otp_view, name="otp"),
    path("xac-thuc-hai-lop/kich-hoat/", auth.otp_setup_view, name="otp_setup"),
    path("xac-thuc-hai-lop/ma-du-phong/", auth.backup_codes_view, name="otp_backup_codes"),
    path("xac-thuc-danh-tinh/", identity.identity_search_view, name="identity"),
    path("xac-thuc-danh-tinh/<int:pk>/", identity.identity_check_view, name="identity_check"),
    path("nhat-ky-bao-mat/", audit.audit_log_view, name="audit_log"),
]
