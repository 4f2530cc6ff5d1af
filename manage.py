#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Read before Django reads its command line: --settings must count here too.
    for arg, after in zip(sys.argv, [*sys.argv[1:], ""], strict=True):
        if arg.startswith("--settings="):
            os.environ["DJANGO_SETTINGS_MODULE"] = arg.removeprefix("--settings=")
        elif arg == "--settings" and after:
            os.environ["DJANGO_SETTINGS_MODULE"] = after
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  Read now, to say what is wrong in a line.
    except ImproperlyConfigured as exc:
        # A variable missing or malformed: its message, not sixty lines of traceback.
        sys.exit(f"manage.py: {exc}")
    except ImportError as exc:
        # DJANGO_SETTINGS_MODULE mistyped, or a package not installed (make install).
        name = os.environ["DJANGO_SETTINGS_MODULE"]
        sys.exit(f"manage.py: the settings module {name} could not be imported: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
