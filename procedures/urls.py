"""Public catalogue URLs, mounted at /thu-tuc/ (namespace ``procedures``)."""

from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("huong-dan/", views.help_page, name="help"),
    path("dia-gioi/xa/", views.communes, name="communes"),
    path("xem-truoc/<int:version_id>/", views.eform_preview, name="preview"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/mau/<int:component_id>/", views.template_download, name="template"),
]
