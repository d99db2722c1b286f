from giaoban.audit.context import Actor, _actor


class AuditContextMiddleware:
    """Puts the requesting user in a ContextVar so that the audit receivers know who acted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(_LazyActor(request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


class _LazyActor(Actor):
    # The user is resolved only when something is audited (it costs a session lookup).
    def __init__(self, request):
        self._request = request
        self._resolved = None

    def _resolve(self):
        if self._resolved is None:
            request = self._request
            self._resolved = Actor(
                user=getattr(request, "user", None),
                request_id=request.META.get("HTTP_X_REQUEST_ID"),
            )
        return self._resolved

    @property
    def user(self):
        return self._resolve().user

    @property
    def label(self):
        return self._resolve().label

    @property
    def request_id(self):
        return self._resolve().request_id
