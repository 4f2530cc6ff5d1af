"""Rendition generation for one 24-megapixel JPEG: our pipeline against plain Pillow.

Run: .venv/bin/python benchmarks/renditions.py [--repeat N]

Both sides make the same files (widths 480, 800, 1200, 1600, 2400 in AVIF,
WebP and JPEG) with the same encoder settings, in the same process and run:

- pipeline: gallery.images.render(), exactly what the task worker runs
  (orientation, sRGB, metadata stripped, a redaction, plus the 1200x630 share image);
- baseline: Image.open(), then resize() from the full image and save() per file.

The figure that matters is the ratio; absolute times depend on the machine.
"""

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from gallery import images  # noqa: E402

WIDTHS = [480, 800, 1200, 1600, 2400]
SIZE = (6000, 4000)  # 24 megapixels, a common full-frame camera


def camera_jpeg() -> bytes:
    """A photo-like 24 MP JPEG: smooth gradients, texture and edges, with EXIF."""
    base = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    noise = Image.effect_noise((SIZE[0] // 8, SIZE[1] // 8), 60).resize(SIZE).convert("RGB")
    image = Image.blend(base, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for i in range(0, SIZE[0], 250):
        draw.ellipse((i, i % SIZE[1], i + 400, i % SIZE[1] + 300), outline=(200, 40, 40), width=9)
    image = image.filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Camera maker", "Camera model"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def pipeline(data: bytes) -> int:
    files = images.render(
        data,
        upright_width=SIZE[0],
        widths=WIDTHS,
        regions=[(2500, 1500, 800, 800, "blur")],
    )
    return sum(len(encoded) for _, _, _, encoded in files)


def baseline(data: bytes) -> int:
    total = 0
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        for width in WIDTHS:
            resized = image.resize((width, round(image.height * width / image.width)))
            for fmt in images.RENDITION_FORMATS:
                total += len(images.encode(resized, fmt))
    return total


def timed(function, data: bytes, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (median)")
    args = parser.parse_args()
    data = camera_jpeg()
    print(f"Original: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    ours, ours_bytes = timed(pipeline, data, args.repeat)
    theirs, theirs_bytes = timed(baseline, data, args.repeat)
    print(f"{'':10} {'median s':>9} {'output MB':>10}   files")
    print(f"{'pipeline':10} {ours:9.2f} {ours_bytes / 1e6:10.2f}   15 + share image")
    print(f"{'baseline':10} {theirs:9.2f} {theirs_bytes / 1e6:10.2f}   15")
    print(f"Ratio pipeline/baseline: {ours / theirs:.2f} (below 1 means faster than plain Pillow)")


if __name__ == "__main__":
    main()
