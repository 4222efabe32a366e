from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "congso.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401 - registers the deployment checks
        from .backup import secure_sqlite_files

        connection_created.connect(secure_sqlite_files, dispatch_uid="congso.secure_sqlite_files")
        from .db import replica

        if replica.configured():  # the replica's write guard, the primary's write detector
            connection_created.connect(replica.install_wrappers, dispatch_uid="congso.replica")
        # Every app's tasks.py, so the periodic jobs are registered in each process.
        autodiscover_modules("tasks")
        from . import export_jobs  # noqa: F401 - registers the purge of expired exports
