from django.urls import path

from giaoban.api.api import api

# Included under /api/ with the namespace "api" (api:openapi-json, api:unit_detail, …).
urlpatterns = [path("", api.urls)]
