"""Nhật ký hoạt động: /hoat-dong/… (each views module lists its own routes)."""

from giaoban.activities.views import edit, files, log

app_name = "activities"
urlpatterns = [
    *log.urlpatterns,
    *edit.urlpatterns,
    *files.urlpatterns,
]
