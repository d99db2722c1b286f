from django.urls import path

from giaoban.reports.views import analysis, entry, excel, forms_admin, index

app_name = "reports"
urlpatterns = [
    path("", index.index, name="index"),
    *entry.urlpatterns,
    *analysis.urlpatterns,
    *excel.urlpatterns,
    *forms_admin.urlpatterns,
]
