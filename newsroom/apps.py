from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from newsroom import invalidation

        # Cache invalidation is a side effect of any editorial save, wherever it happens.
        invalidation.connect()
