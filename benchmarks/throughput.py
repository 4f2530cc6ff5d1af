"""Requests per second on gunicorn under wrk, on loopback.

Run: .venv/bin/python benchmarks/throughput.py   (needs Debian's `wrk`)

Figures, all from one server in one run (3 interleaved rounds, medians):
- cached demo story page vs a static file served by the same server (goal >= 80%);
- uncached demo story page vs a minimal Django view (goal >= 25%);
- uncached 10- and 200-slide stories, for the per-slide cost.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import arguments, positive, server_environment  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = os.environ.get("BENCH_ROUNDS", "3")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")

# Every request a different query string: a page cache miss each time.
UNIQUE_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "?nocache=" .. counter .. "-" .. math.random(1000000000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, script: str | None = None) -> float:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    global ROUNDS
    try:
        ROUNDS = positive(ROUNDS)
    except argparse.ArgumentTypeError as exc:
        raise SystemExit(f"throughput.py: BENCH_ROUNDS {exc}") from None
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-throughput-"))
    ours = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "BENCH_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
    }
    env = {**os.environ, **ours}
    python = sys.executable
    setup = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from newsroom.demo import demo_load; demo_load();"
        "from benchmarks.fixtures import make_story; make_story(10, 'bench-10');"
        "make_story(200, 'bench-200')"
    )
    print("Preparing the database and renditions…", flush=True)
    subprocess.run([python, "-c", setup], env=env, cwd=ROOT, check=True)

    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        env=server_environment(
            **ours,
            HOST="127.0.0.1",
            PORT=str(port),
            GUNICORN_WORKERS=os.environ.get("GUNICORN_WORKERS", "2"),
            GUNICORN_THREADS="1",
        ),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/hello/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        script = workdir / "unique.lua"
        script.write_text(UNIQUE_LUA)
        demo = f"{base}/stories/north-korean-soldiers-captured-in-kursk/"
        plan = {
            "static file (site.css)": (f"{base}/static/newsroom/site.css", None),
            "cached demo story": (demo, None),
            "minimal Django view": (f"{base}/bench/hello/", None),
            "uncached demo story (9 slides)": (demo, str(script)),
            "uncached 10-slide story": (f"{base}/stories/bench-10/", str(script)),
            "uncached 200-slide story": (f"{base}/stories/bench-200/", str(script)),
        }
        # Rounds interleave the URLs, so a slow spell on a shared machine hits
        # both sides of a ratio; ratios are taken per round, then the median.
        rounds = [{name: wrk(url, lua) for name, (url, lua) in plan.items()} for _ in range(ROUNDS)]
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{ROUNDS} rounds of wrk -d{DURATION} per URL; median req/s (lowest-highest):")
    for name in plan:
        runs = [r[name] for r in rounds]
        print(f"{name:<34} {median(runs):>7.0f} ({min(runs):.0f}-{max(runs):.0f})")

    def ratio(part: str, whole: str) -> str:
        per_round = [r[part] / r[whole] for r in rounds]
        return f"{median(per_round):.0%} (rounds: {', '.join(f'{x:.0%}' for x in per_round)})"

    ms10 = 1000 / median(r["uncached 10-slide story"] for r in rounds)
    ms200 = 1000 / median(r["uncached 200-slide story"] for r in rounds)
    cached = ratio("cached demo story", "static file (site.css)")
    uncached = ratio("uncached demo story (9 slides)", "minimal Django view")
    print(f"cached story / static file:    {cached}; goal >= 80%")
    print(f"uncached story / minimal view: {uncached}; goal >= 25%")
    print(f"per-slide cost (10 vs 200 slides): {(ms200 - ms10) / 190 * 1000:.0f} µs of server time")


if __name__ == "__main__":
    arguments(__doc__)
    main()
