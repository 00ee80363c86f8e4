"""Public statistics pages, mounted at /thong-ke/."""

from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bang/<slug:slug>/", views.table, name="table"),
    path("xuat/<slug:slug>.<str:fmt>", views.export, name="export"),
    path("phieu-xin-loi/", views.apologies, name="apologies"),
]
