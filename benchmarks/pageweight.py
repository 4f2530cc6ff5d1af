"""Page weight of the demo story on a phone, against the reader-experience budgets.

Run: .venv/bin/python benchmarks/pageweight.py

Loads the 9-slide demo into a throwaway database (DEBUG off, benchmarks.settings),
serves it on a random loopback port, opens the story in Debian's Chromium with a
412 px wide phone viewport (DPR 1.75, like Lighthouse's mobile preset) and
records every response. Exits non-zero when a budget is exceeded.
"""

import contextlib
import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import arguments, server_environment  # noqa: E402

# The browser tests' Chromium, launched the same way.
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75}
BUDGETS = {"html_gzip": 30 * 1024, "css_js_gzip": 25 * 1024, "first_photo": 150 * 1024}


def gz(data: bytes) -> int:
    # Level 6: what nginx and most CDNs use by default.
    return len(gzip.compress(data, compresslevel=6))


@contextlib.contextmanager
def demo_server():
    """Yield the base URL of a production-like server holding the demo story.

    gunicorn with gunicorn.conf.py, DEBUG off, static files collected as a
    deployment collects them (hashed names, gzip copies).
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["BENCH_COLLECTSTATIC"] = "1"
    # Every rendition width, so the browser picks what a real phone would.
    os.environ["GALLERY_RENDITION_WIDTHS"] = "480,800,1200,1600,2400"
    import django

    django.setup()  # benchmarks.settings fixes BENCH_DIR in os.environ for the server too.
    from django.core.management import call_command

    from newsroom.demo import demo_load

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_load()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env=server_environment(HOST="127.0.0.1", PORT=str(port), GUNICORN_WORKERS="2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://localhost:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/robots.txt", timeout=1)
                break
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(base: str, path: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(**PHONE, is_mobile=True, has_touch=True).new_page()
        responses, errors = [], []
        page.on("response", lambda response: responses.append(response))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + path, wait_until="networkidle")
        first_photo = page.evaluate("document.querySelector('.slide img').currentSrc")
        bodies = {r.url: r.body() for r in responses if r.status == 200}
        browser.close()
    own = urlsplit(base).netloc
    kinds = {r.url: r.request.resource_type for r in responses}
    html = bodies[base + path]
    assets = [bodies[u] for u, kind in kinds.items() if kind in ("stylesheet", "script")]
    images = {u: len(b) for u, b in bodies.items() if kinds[u] == "image"}
    return {
        "html": len(html),
        "html_gzip": gz(html),
        "css_js": sum(len(b) for b in assets),
        "css_js_gzip": sum(gz(b) for b in assets),
        "first_photo": len(bodies[first_photo]),
        "first_photo_url": first_photo.rsplit("/", 1)[-1],
        "images": len(images),
        "image_bytes": sum(images.values()),
        "requests": len(responses),
        "third_party": sorted({u for u in kinds if urlsplit(u).netloc != own}),
        "console_errors": errors,
    }


def main() -> int:
    with demo_server() as base:
        from newsroom.demo import SLUG

        figures = measure(base, f"/stories/{SLUG}/")
    kb = 1024
    print("Demo story on a 412 px phone (DPR 1.75), first load:")
    html, html_gzip = figures["html"] / kb, figures["html_gzip"] / kb
    print(f"  HTML                 {html:6.1f} KB, gzip {html_gzip:5.1f} KB")
    print(
        f"  CSS + JS             {figures['css_js'] / kb:6.1f} KB, "
        f"gzip {figures['css_js_gzip'] / kb:5.1f} KB"
    )
    photo, photo_name = figures["first_photo"] / kb, figures["first_photo_url"]
    print(f"  first photo          {photo:6.1f} KB ({photo_name})")
    print(
        f"  images fetched       {figures['images']} ({figures['image_bytes'] / kb:.1f} KB), "
        f"{figures['requests']} requests in all"
    )
    print(f"  third-party requests {len(figures['third_party'])} {figures['third_party'] or ''}")
    print(
        f"  console errors       {len(figures['console_errors'])} {figures['console_errors'] or ''}"
    )
    over = [name for name, limit in BUDGETS.items() if figures[name] > limit]
    if figures["third_party"]:
        over.append("third_party")
    print("Budgets:", "all met" if not over else f"EXCEEDED: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    arguments(__doc__)
    sys.exit(main())
