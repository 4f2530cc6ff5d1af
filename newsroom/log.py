"""What settings.LOGGING names: the console's line format and its filter."""

import logging

# As gunicorn writes its own lines, so the app's sit among them in order.
LINE_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def quiet_task_states():
    """Leave out django.tasks' lines below WARNING: one per task started and finished.

    A logger level cannot do it: django-tasks-db's db_worker sets that logger to
    INFO at start whatever LOGGING says. Failures still show.
    """

    def keep(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith("django.tasks")

    return keep
