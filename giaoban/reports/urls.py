from django.urls import path

from giaoban.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
]
