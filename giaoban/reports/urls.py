from django.urls import path

from giaoban.reports.views import actions, analysis, entry, files, forms_admin, index, review

app_name = "reports"
urlpatterns = [
    path("", index.index, name="index"),
    *review.urlpatterns,  # "cho-duyet/" before the report URLs
    *entry.urlpatterns,
    *actions.urlpatterns,
    *analysis.urlpatterns,
    *files.urlpatterns,
    *forms_admin.urlpatterns,
]
