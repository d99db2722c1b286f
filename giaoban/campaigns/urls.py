"""Đợt sinh hoạt chính trị: /sinh-hoat-chinh-tri/… (each views module lists its routes)."""

from giaoban.campaigns.views import pages

app_name = "campaigns"
urlpatterns = [*pages.urlpatterns]
