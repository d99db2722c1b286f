from django.urls import path

from giaoban.units import views

app_name = "units"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("chon/", views.pick, name="pick"),  # before the unit codes (lower case: no clash)
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/con/", views.children, name="children"),
    path("<str:code>/them/", views.create, name="create"),
    path("<str:code>/sua/", views.edit, name="edit"),
    path("<str:code>/giai-the/", views.close, name="close"),
    path("<str:code>/xoa/", views.delete, name="delete"),
]
