"""Văn bản: /van-ban/… (each views module lists its own routes)."""

from giaoban.documents.views import bodies, detail, editing, exports, files, register, reminders

app_name = "documents"
urlpatterns = [
    *register.urlpatterns,
    *bodies.urlpatterns,
    *editing.urlpatterns,
    *files.urlpatterns,
    *exports.urlpatterns,
    *reminders.urlpatterns,
    *detail.urlpatterns,
]
