from django.urls import path

from giaoban.shell import views

urlpatterns = [
    path("", views.home, name="home"),
]
