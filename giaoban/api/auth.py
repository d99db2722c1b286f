"""Who is calling the API: a browser session (with CSRF on unsafe methods) or a bearer token."""

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from giaoban.accounts.models import ApiToken
from giaoban.api.errors import ApiError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BearerToken(HttpBearer):
    """`Authorization: Bearer gb_…` — a key issued with `ApiToken.issue`."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token, writing=request.method not in SAFE_METHODS)
        if user is None:
            # A key that was sent but is unknown, revoked or expired is refused outright,
            # rather than quietly falling back to whatever session cookie came along.
            raise AuthenticationError()
        # The audit receivers read request.user: an API write must be attributed too.
        request.user = user
        request.auth_method = "token"
        return user


class BrowserSession(SessionAuth):
    """Django's session cookie; ninja checks CSRF for unsafe methods, refused in Vietnamese."""

    def _get_key(self, request):
        try:
            return super()._get_key(request)
        except HttpError as exc:
            if exc.status_code == 403:
                raise ApiError(
                    403, _("Kiểm tra CSRF không đạt: tải lại trang rồi gửi lại yêu cầu.")
                ) from exc
            raise


# Token first: a client sending a key should not depend on whatever cookie it carries.
API_AUTH = [BearerToken(), BrowserSession()]
