from django.urls import include, path

from giaoban.api import docs
from giaoban.api.api import api

# Included under /api/ with the namespace "api" (api:openapi-json, api:unit_detail, …).
# The docs page joins ninja's routes in the same namespace, under the name ninja would give
# its own (turned off) docs page.
# (Not named app_name at module level: include() would read that as this module's own.)
_routes, _app, _namespace = api.urls
urlpatterns = [
    path(
        "",
        include(
            ([path("docs", docs.docs, name="openapi-view"), *_routes], _app),
            namespace=_namespace,
        ),
    )
]
