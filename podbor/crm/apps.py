from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "podbor.crm"
    label = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from django.db.backends.signals import connection_created

        from podbor.lib.sqlite_unicode import install

        connection_created.connect(lambda sender, connection, **kw: install(connection), weak=False,
                                   dispatch_uid="podbor-sqlite-unicode-like")
