from django.contrib.auth.backends import BaseBackend


class CoordinatorPermissionBackend(BaseBackend):
    """Coordinators manage users, teams, municipalities and settings: all model permissions.

    This backend authenticates no one; it only answers permission questions, so a coordinator's
    rights follow from the role instead of hand-kept permission rows.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "role", None) == "coordinator")

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, app_label)
