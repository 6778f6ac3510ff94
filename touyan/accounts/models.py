"""Users bound to a role and a region, and hashed API tokens (SPEC A1)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("组织部管理员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇党委干部")
    LIAISON = "liaison", _("包村干部")
    CADRE = "cadre", _("村干部")
    REVIEWER = "reviewer", _("联审部门")
    FINANCE = "finance", _("财政")
    AUDITOR = "auditor", _("安全审计员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


class Department(models.TextChoices):
    """Joint-review departments (R-ELIG-04): the API codes of a reviewer's department."""

    DISCIPLINE = "discipline", _("纪委监委")
    ORGANIZATION = "organization", _("组织部")
    SOCIAL_WORK = "social_work", _("社会工作部")
    POLITICAL_LEGAL = "political_legal", _("政法委")
    POLICE = "police", _("公安")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    JUSTICE = "justice", _("司法局")
    PETITION = "petition", _("信访局")
    CIVIL_AFFAIRS = "civil_affairs", _("民政局")
    HEALTH = "health", _("卫健")
    MARKET = "market", _("市场监管")
    TAX = "tax", _("税务")
    AGRICULTURE = "agriculture", _("农业农村")
    HRSS = "hrss", _("人社")
    UNITED_FRONT = "united_front", _("统战(宗教)")


# 等保 三权分立: the system administrator, the security administrator and the auditor are three
# people; none of the latter two may also be a superuser (an administrator of everything).
SEPARATED_ROLES = (Role.AUDITOR, Role.SECURITY_ADMIN)


class User(AbstractUser):
    """A person who logs in. `region` is the scope; a superuser with no region
    is a national administrator. A user of role `cadre` is bound to their own
    file (the cadres app adds that link)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ADMIN)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("所属区域"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    cadre = models.OneToOneField(
        "cadres.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
        verbose_name=_("本人档案"),
    )

    # A reviewer's joint-review department (R-ELIG-04; A8 POST /users `department`); blank for other roles.
    department = models.CharField(_("联审部门"), max_length=20, choices=Department.choices, blank=True)

    # Set by an administrator's password reset: the next login must choose a new password.
    password_change_required = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["auditor", "security_admin"], is_superuser=True),
                name="user_separated_roles_not_superuser",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class LiaisonVillage(models.Model):
    """A village assigned to a liaison official (包村, SPEC A1 "assigned villages"): a liaison bound
    to a township who has villages assigned sees and approves only those villages (the ASSIGNED
    reach, `scope.assigned_villages`). Set on the user's edit page (`liaison_villages_set`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="liaison_villages")
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="liaisons", verbose_name=_("包联村")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("包联村")
        verbose_name_plural = _("包联村")
        constraints = [models.UniqueConstraint(fields=["user", "village"], name="liaison_village_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.village_id}"
