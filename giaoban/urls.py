from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("giaoban.core.urls")),
    path("tai-khoan/", include("giaoban.accounts.urls")),
    path("don-vi/", include("giaoban.units.urls")),
    path("nhat-ky/", include("giaoban.audit.urls")),
    path("bao-cao/", include("giaoban.reports.urls")),
    path("api/", include("giaoban.api.urls")),
    path("quan-tri-django/", admin.site.urls),
]
