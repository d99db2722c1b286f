from django.urls import path

from giaoban.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/chay-lai/", views.job_retry, name="retry"),
]
