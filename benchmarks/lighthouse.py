"""Lighthouse 12 (mobile, the default preset) on the home, story and slide pages of the demo.

Setup, once: cd benchmarks && npm install   (Lighthouse 12: Node 20; 13 needs Node 22)
Run:         .venv/bin/python benchmarks/lighthouse.py

Uses Debian's Chromium through CHROME_PATH; nothing else is downloaded. The
server is the same throwaway, production-like one as pageweight.py. Exits
non-zero when any score is under 95.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import arguments  # noqa: E402
from benchmarks.pageweight import CHROMIUM, CHROMIUM_ARGS, demo_server  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 95


def lighthouse(url: str, report: Path) -> dict[str, int]:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit("Lighthouse is missing: run `npm install` in benchmarks/ first.")
    # Chromium now and then fails to start on a busy machine; one more try settles it.
    for attempt in (1, 2):
        finished = subprocess.run(
            [
                str(binary),
                url,
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
                f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                "--quiet",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=attempt == 2,
        )
        if finished.returncode == 0:
            break
    result = json.loads(report.read_text())
    failing = [
        audit["id"]
        for audit in result["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
    ]
    scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {
        name: result["audits"][name]["displayValue"]
        for name in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "cumulative-layout-shift",
        )
    }
    return {"scores": scores, "metrics": metrics, "failing": failing}


def main() -> int:
    low = []
    with demo_server() as base, tempfile.TemporaryDirectory() as reports:
        from newsroom.demo import SLUG  # Importable once demo_server() has set Django up.

        pages = {"home": "/", "story": f"/stories/{SLUG}/", "slide": f"/stories/{SLUG}/3/"}
        print(f"{'page':<6} " + " ".join(f"{c:>14}" for c in CATEGORIES) + "  FCP / LCP / CLS")
        for name, path in pages.items():
            result = lighthouse(base + path, Path(reports) / f"{name}.json")
            scores = result["scores"]
            metrics = " / ".join(result["metrics"].values())
            print(f"{name:<6} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES) + f"  {metrics}")
            if result["failing"]:
                print(f"       audits under 0.9: {', '.join(result['failing'])}")
            low += [f"{name} {c}" for c in CATEGORIES if scores[c] < MINIMUM]
    print("All scores at least 95." if not low else f"UNDER {MINIMUM}: {', '.join(low)}")
    return 1 if low else 0


if __name__ == "__main__":
    arguments(__doc__)
    sys.exit(main())
