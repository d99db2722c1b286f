from django.urls import include, path

from giaoban.accounts import views

# Profile and user administration live in the "accounts" namespace; login and logout keep
# their global names (settings.LOGIN_URL and the page header use them).
account_patterns = (
    [
        path("ca-nhan/", views.profile, name="profile"),
        path("ca-nhan/mat-khau/", views.password_change, name="password_change"),
        path("ca-nhan/khoa-api/", views.token_issue, name="token_issue"),
        path("ca-nhan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
        path("nguoi-dung/", views.user_list, name="user_list"),
        path("nguoi-dung/them/", views.user_create, name="user_create"),
        path("nguoi-dung/<int:pk>/", views.user_edit, name="user_edit"),
        path("nguoi-dung/<int:pk>/mat-khau/", views.user_password, name="user_password"),
        path("nguoi-dung/<int:pk>/khoa/", views.user_deactivate, name="user_deactivate"),
        path("nguoi-dung/<int:pk>/mo-khoa/", views.user_activate, name="user_activate"),
        path("nguoi-dung/<int:pk>/vai-tro/", views.role_add, name="role_add"),
        path("vai-tro/<int:pk>/xoa/", views.role_remove, name="role_remove"),
    ],
    "accounts",
)

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.sign_out, name="logout"),
    path("", include(account_patterns)),
]
