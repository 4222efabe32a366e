from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "congso.documents"
    label = "documents"
    verbose_name = "Văn bản, hồ sơ công việc"

    def ready(self) -> None:
        from congso.org.services import register_merge_handler

        from .services import move_documents_on_merge

        register_merge_handler("documents", move_documents_on_merge)
