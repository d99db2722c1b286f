from django.urls import path

from giaoban.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/da-doc/", views.notification_read, name="read"),
    path("da-doc-tat-ca/", views.notification_read_all, name="read_all"),
]
