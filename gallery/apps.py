from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = "Photo library"

    def ready(self) -> None:
        from gallery import signals  # noqa: F401  (file clean-up handlers)
