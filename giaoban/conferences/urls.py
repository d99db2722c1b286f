"""Giao ban: /giao-ban/… (each views module lists its own routes)."""

from giaoban.conferences.views import conference, consolidation, index, tasks

app_name = "conferences"
urlpatterns = [
    *index.urlpatterns,
    *consolidation.urlpatterns,
    *conference.urlpatterns,
    *tasks.urlpatterns,
]
