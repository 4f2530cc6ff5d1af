"""Scripts that measure speed and size (README.md here says how to run each)."""

import argparse
import os


def positive(value: str) -> int:
    """A whole number of at least 1, for argparse."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


def server_environment(**settings: str) -> dict[str, str]:
    """The environment for a benchmark's own gunicorn: the shell's, but never its
    control socket or access log, which a production server beside it may own."""
    shell = {k: v for k, v in os.environ.items() if k != "GUNICORN_CONTROL_SOCKET"}
    return {**shell, "GUNICORN_ACCESS_LOG": "", **settings}


def arguments(doc: str, configure=None) -> argparse.Namespace:
    """The script's command line: --help prints its docstring, anything it does not
    take is refused in a line, before any work starts (a migration, a server)."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if configure is not None:
        configure(parser)
    return parser.parse_args()
