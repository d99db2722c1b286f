"""The caller's own identity: who they are, their unit and their roles."""

from ninja import Router

from giaoban.api.schemas import ErrorOut, MeOut
from giaoban.api.units import unit_ref

router = Router(tags=["Người dùng"])


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    url_name="me",
    operation_id="getMe",
    summary="Người dùng hiện tại",
)
def me(request):
    """Tên đăng nhập, họ tên, đơn vị và các vai trò (mỗi vai trò gắn với một đơn vị)."""
    user = request.auth
    roles = user.role_assignments.select_related("unit").order_by("unit__path", "role")
    return {
        "username": user.get_username(),
        "full_name": user.full_name,
        "position": user.position,
        "unit": unit_ref(user.unit) if user.unit_id else None,
        "roles": [
            {"role": ra.role, "role_name": str(ra.get_role_display()), "unit": unit_ref(ra.unit)}
            for ra in roles
        ],
        "auth": getattr(request, "auth_method", "session"),
    }
