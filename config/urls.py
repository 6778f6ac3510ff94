from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from touyan.accounts.views import LoginView
from touyan.api.api import api
from touyan.ops.health import healthz

# The admin site signs in through our login page (password, lockout and the TOTP code), never its own.
admin.site.login = LoginView.as_view(extra_context={"site_header": admin.site.site_header})  # type: ignore[method-assign,assignment]

handler500 = "touyan.core.views.server_error"  # JSON under /api/

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("touyan.accounts.urls")),
    path("regions/", include("touyan.regionadmin.urls")),
    path("cadres/excel/", include("touyan.cadres.urls_excel")),
    path("cadres/", include("touyan.cadres.urls")),
    path("attendance/", include("touyan.attendance.urls")),
    path("assessment/", include("touyan.assessment.urls")),
    path("policy/", include("touyan.policy.urls")),
    path("payroll/", include("touyan.payroll.urls")),
    path("training/", include("touyan.training.urls")),
    path("audit/", include("touyan.audit.urls")),
    path("affairs/", include("touyan.affairs.urls")),
    path("public/", include("touyan.affairs.urls_public")),
    path("selection/", include("touyan.selection.urls")),
    path("sysadmin/", admin.site.urls),
    path("", include("touyan.dashboards.urls")),
]
