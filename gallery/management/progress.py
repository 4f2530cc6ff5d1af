"""A small text progress bar for management commands (the photo desk's and the newsroom's)."""

from django.core.management.base import OutputWrapper


class ProgressBar:
    """`[#####-----] 5/9 name` on one line in a terminal. In a log (cron, CI) a line
    for the first step, each tenth and the last: not ten thousand lines for a library."""

    def __init__(self, out: OutputWrapper, label: str, width: int = 30):
        self.out = out
        self.label = label
        self.width = width
        self.interactive = out.isatty()

    def __call__(self, step: int, total: int, name: str) -> None:
        filled = self.width * step // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label} [{bar}] {step}/{total} {name}"
        if self.interactive:
            self.out.write(f"\r{text[:120]:<120}", ending="\n" if step == total else "")
            self.out.flush()
        elif step in (1, total) or step % max(total // 10, 1) == 0:
            self.out.write(text)
