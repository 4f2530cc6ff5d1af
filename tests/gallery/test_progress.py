from django.core.management.base import OutputWrapper

from gallery.management.progress import ProgressBar


class Log:
    """Where a command's output goes under cron or CI: not a terminal."""

    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines += text.splitlines()

    def flush(self):
        pass

    def isatty(self):
        return False


def test_in_a_log_a_long_run_takes_a_line_a_tenth_not_a_line_a_file():
    log = Log()
    progress = ProgressBar(OutputWrapper(log), "Renditions")
    for step in range(1, 10_001):
        progress(step, 10_000, f"photo-{step}.jpg")
    assert len(log.lines) == 11
    assert log.lines[0].endswith("1/10000 photo-1.jpg")
    assert log.lines[-1] == f"Renditions [{'#' * 30}] 10000/10000 photo-10000.jpg"


def test_in_a_log_a_short_run_shows_every_step():
    log = Log()
    progress = ProgressBar(OutputWrapper(log), "Copying")
    for step in range(1, 4):
        progress(step, 3, f"{step}.jpg")
    assert [line.split("] ")[1] for line in log.lines] == ["1/3 1.jpg", "2/3 2.jpg", "3/3 3.jpg"]
