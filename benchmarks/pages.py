"""Queries and median server time of the story, slide and home pages at 10, 50 and 200 slides.

Run: .venv/bin/python benchmarks/pages.py
Uncached times bypass the page cache (it is cleared before every request);
cached times are cache hits.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

from benchmarks import arguments  # noqa: E402

arguments(__doc__)  # Before the setup below migrates a database.

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.fixtures import make_story  # noqa: E402

SIZES = (10, 50, 200)
RUNS = 25


def measure(client: Client, url: str, cached: bool) -> tuple[int, float]:
    timings, queries = [], 0
    client.get(url)  # Warm up (and fill the cache).
    for _ in range(RUNS):
        if not cached:
            for alias in ("default", "pages"):
                caches[alias].clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return queries, statistics.median(timings)


def main() -> None:
    call_command("migrate", verbosity=0)
    client = Client()
    rows = []
    for size in SIZES:
        article = make_story(size, slug=f"bench-{size}")
        story = article.get_absolute_url()
        for label, url in (("story", story), ("slide 5", f"{story}5/"), ("home", "/")):
            q_uncached, t_uncached = measure(client, url, cached=False)
            q_cached, t_cached = measure(client, url, cached=True)
            rows.append((size, label, q_uncached, t_uncached, q_cached, t_cached))
    header = ("slides", "page", "queries", "median ms", "cached q", "cached ms")
    print("{:>6} {:<8} {:>7} {:>10} {:>8} {:>10}".format(*header))
    for size, label, qu, tu, qc, tc in rows:
        print(f"{size:>6} {label:<8} {qu:>7} {tu:>10.1f} {qc:>8} {tc:>10.2f}")
    story = {size: tu for size, label, _, tu, _, _ in rows if label == "story"}
    per_slide = (story[200] - story[10]) / 190
    print(f"per-slide cost of the uncached story page: {per_slide:.2f} ms")


if __name__ == "__main__":
    main()
