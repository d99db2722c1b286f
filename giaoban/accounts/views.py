"""Profile (every user) and user administration (role admin, inside the admin's subtree).

Users are looked up through `scope_q(admin, ADMINISTER)` on their unit, so a user of
another subtree is a 404; a user without an administrator role anywhere gets a 403.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giaoban.accounts.forms import (
    LoginForm,
    OwnPasswordForm,
    RoleForm,
    SetPasswordForm,
    TokenForm,
    UserFilterForm,
    UserForm,
)
from giaoban.accounts.models import ApiToken, RoleAssignment, User
from giaoban.audit.registry import write as audit_write
from giaoban.core.paths import subtree_q
from giaoban.core.scope import ADMINISTER, get_in_scope_or_404, may, save_in_scope
from giaoban.core.text import fold
from giaoban.units.models import Unit

USERS_PAGE_SIZE = 50


# --- Signing in and out ---------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Đăng nhập: after a wrong password, how many tries are left before the lockout."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        username = (form.data.get("username") or "").strip()
        left = attempts_left(self.request, username)
        if username and left is not None:
            form.attempts_left = left
        return super().form_invalid(form)


def attempts_left(request, username):
    """Wrong passwords still allowed for this name from this address (axes counts them)."""
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    failures = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .values_list("failures_since_start", flat=True)
        .first()
    )
    if failures is None:
        return None
    return max(0, settings.AXES_FAILURE_LIMIT - failures)


@require_POST
def sign_out(request):
    """Đăng xuất, and say so on the login page."""
    logout(request)
    messages.info(request, _("Đồng chí đã đăng xuất. Hẹn gặp lại."))
    return redirect("login")


# --- Profile: every signed-in user, about themselves only ------------------------------------


def _render_profile(request, password_form=None, token_form=None, new_key=None, status=200):
    user = request.user
    context = {
        "roles": user.role_assignments.select_related("unit", "unit__level").order_by(
            "unit__path", "role"
        ),
        "password_form": password_form or OwnPasswordForm(user),
        "token_form": token_form or TokenForm(),
        "tokens": user.api_tokens.order_by("-created"),
        "new_key": new_key,
    }
    response = render(request, "accounts/profile.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def profile(request):
    return _render_profile(request)


@login_required
@require_POST
def password_change(request):
    form = OwnPasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _render_profile(request, password_form=form, status=400)
    with transaction.atomic():
        user = form.save()
        # The hash is not part of the audited snapshot; the change itself is recorded.
        audit_write(user, "update", message=_("Người dùng tự đổi mật khẩu."))
    update_session_auth_hash(request, user)
    messages.success(request, _("Đã đổi mật khẩu."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_issue(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, token_form=form, status=400)
    with transaction.atomic():
        _token, key = ApiToken.issue(request.user, form.cleaned_data["name"], form.expires_at())
    # Only the hash is kept: the key is shown in this response and never again.
    return _render_profile(request, new_key=key)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    with transaction.atomic():
        token.delete()
    messages.success(request, _("Đã thu hồi khóa API %(name)s.") % {"name": token.name})
    return redirect("accounts:profile")


# --- User administration ----------------------------------------------------------------------


def _require_admin(request):
    if not may(request.user, ADMINISTER):
        raise PermissionDenied


def _users(request):
    _require_admin(request)
    return User.objects.restrict(request.user, ADMINISTER)


def _get_user(request, pk):
    _require_admin(request)
    return get_in_scope_or_404(
        User.objects.select_related("unit"), request.user, ADMINISTER, pk=pk, message=""
    )


@login_required
@require_GET
def user_list(request):
    users = _users(request)
    form = UserFilterForm(request.GET or None, admin=request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        users = users.none()
    elif form.is_bound:
        unit = form.cleaned_data.get("unit")
        if unit is not None:
            users = users.filter(subtree_q(unit.path, "unit__path"))
        for word in form.cleaned_data["q"].split():
            users = users.filter(
                Q(username__icontains=word)
                | Q(full_name__icontains=word)
                | Q(position__icontains=word)
                | Q(email__icontains=word)
                | Q(search_text__contains=fold(word))
                | Q(unit__search_text__contains=fold(word))
            )
    users = users.select_related("unit").prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("unit").order_by("unit__path", "role"),
        )
    )
    page = Paginator(users.order_by("unit__path", "username"), USERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_list.html", {"form": form, "page": page}, status=status)


@login_required
def user_create(request):
    _require_admin(request)
    initial = {}
    code = (request.GET.get("unit") or "").strip().upper()
    if code and Unit.objects.restrict(request.user, ADMINISTER).filter(code=code).exists():
        initial["unit"] = code
    form = UserForm(request.POST or None, admin=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # Creating a user outside the admin's subtree rolls everything back.
            user = save_in_scope(request.user, ADMINISTER, form.save)
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user.username})
            return redirect("accounts:user_edit", pk=user.pk)
        status = 400
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


def _render_user_page(request, target, form=None, role_form=None, status=200):
    roles = target.role_assignments.select_related("unit", "unit__level").order_by(
        "unit__path", "role"
    )
    managed = set(
        RoleAssignment.objects.restrict(request.user, ADMINISTER)
        .filter(user=target)
        .values_list("pk", flat=True)
    )
    context = {
        "target": target,
        "form": form or UserForm(instance=target, admin=request.user),
        "role_form": role_form or RoleForm(admin=request.user, user=target),
        "roles": roles,
        "managed_roles": managed,
        "is_self": target.pk == request.user.pk,
    }
    return render(request, "accounts/user_edit.html", context, status=status)


@login_required
def user_edit(request, pk):
    target = _get_user(request, pk)
    if request.method != "POST":
        return _render_user_page(request, target)
    form = UserForm(request.POST, instance=target, admin=request.user)
    if not form.is_valid():
        return _render_user_page(request, target, form=form, status=400)
    user = save_in_scope(request.user, ADMINISTER, form.save)
    messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": user.username})
    return redirect("accounts:user_edit", pk=user.pk)


@login_required
def user_password(request, pk):
    target = _get_user(request, pk)
    form = SetPasswordForm(request.POST or None, user=target)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit_write(target, "update", message=_("Quản trị viên đặt lại mật khẩu."))
            messages.success(
                request, _("Đã đặt mật khẩu mới cho %(name)s.") % {"name": target.username}
            )
            return redirect("accounts:user_edit", pk=target.pk)
        status = 400
    context = {"target": target, "form": form}
    return render(request, "accounts/user_password.html", context, status=status)


def _set_active(request, pk, active):
    target = _get_user(request, pk)
    if target.pk == request.user.pk:
        messages.error(request, _("Không thể tự khóa tài khoản của chính mình."))
        return _render_user_page(request, target, status=400)
    with transaction.atomic():
        target.is_active = active
        target.save(update_fields=["is_active"])
    if active:
        messages.success(request, _("Đã mở khóa tài khoản %(name)s.") % {"name": target.username})
    else:
        messages.success(request, _("Đã khóa tài khoản %(name)s.") % {"name": target.username})
    return redirect("accounts:user_edit", pk=target.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    """Khóa: accounts are never deleted, their history stays attributed."""
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def user_activate(request, pk):
    return _set_active(request, pk, active=True)


@login_required
@require_POST
def role_add(request, pk):
    target = _get_user(request, pk)
    form = RoleForm(request.POST, admin=request.user, user=target)
    if not form.is_valid():
        return _render_user_page(request, target, role_form=form, status=400)
    with transaction.atomic():
        assignment = form.save()
    messages.success(request, _("Đã giao vai trò: %(role)s.") % {"role": assignment})
    return redirect("accounts:user_edit", pk=target.pk)


@login_required
@require_POST
def role_remove(request, pk):
    _require_admin(request)
    assignment = get_in_scope_or_404(
        RoleAssignment.objects.select_related("user", "unit"), request.user, ADMINISTER, pk=pk
    )
    target = assignment.user
    if target.pk == request.user.pk and assignment.role == RoleAssignment.Role.ADMIN:
        messages.error(request, _("Không thể tự gỡ vai trò quản trị của chính mình."))
        if _users(request).filter(pk=target.pk).exists():
            return _render_user_page(request, target, status=400)
        return redirect("accounts:profile")
    with transaction.atomic():
        assignment.delete()
    messages.success(request, _("Đã gỡ vai trò: %(role)s.") % {"role": assignment})
    if _users(request).filter(pk=target.pk).exists():
        return redirect("accounts:user_edit", pk=target.pk)
    return redirect("accounts:user_list")
