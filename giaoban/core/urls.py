from django.urls import path

from giaoban.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
