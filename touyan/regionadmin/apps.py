from django.apps import AppConfig


class RegionAdminConfig(AppConfig):
    """The region tree's pages and API and the yearly statistics write: above accounts and audit,
    which they need for capabilities and the audit trail (the tree itself is `touyan.regions`)."""

    name = "touyan.regionadmin"
    label = "regionadmin"
