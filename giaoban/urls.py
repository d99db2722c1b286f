from django.urls import include, path

urlpatterns = [
    path("", include("giaoban.shell.urls")),
    path("tai-khoan/", include("giaoban.accounts.urls")),
    path("don-vi/", include("giaoban.units.urls")),
    path("nhat-ky/", include("giaoban.audit.urls")),
    path("bao-cao/", include("giaoban.reports.urls")),
    path("van-ban/", include("giaoban.documents.urls")),
    path("hoat-dong/", include("giaoban.activities.urls")),
    path("giao-ban/", include("giaoban.conferences.urls")),
    path("sinh-hoat-chinh-tri/", include("giaoban.campaigns.urls")),
    path("cong-viec-nen/", include("giaoban.jobs.urls")),
    path("thong-bao/", include("giaoban.notifications.urls")),
    path("api/", include("giaoban.api.urls")),
]

# A database out of reach or a full data disk met outside a view: 503/507, not a 500.
handler500 = "giaoban.shell.middleware.server_error"
