"""Rendition generation for one 24-megapixel JPEG: our pipeline against plain Pillow.

Run: .venv/bin/python benchmarks/renditions.py [--repeat N]

Both sides make the same files (widths 480, 800, 1200, 1600, 2400 in AVIF,
WebP and JPEG) with the same encoder settings, in the same process and run:

- pipeline: gallery.images.render(), exactly what the task worker runs
  (orientation, sRGB, metadata stripped, a redaction, plus the 1200x630 share image);
- baseline: Image.open(), then resize() from the full image and save() per file.

The figure that matters is the ratio; absolute times depend on the machine.
"""

import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from benchmarks import arguments, positive  # noqa: E402
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


def measure(function, data: bytes) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    size = function(data)
    return time.perf_counter() - wall, time.process_time() - cpu, size


def main() -> None:
    args = arguments(
        __doc__,
        lambda parser: parser.add_argument(
            "--repeat", type=positive, default=3, help="runs of each side (median)"
        ),
    )
    data = camera_jpeg()
    print(f"Original: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    runs = {"pipeline": [], "baseline": []}
    sides = {"pipeline": pipeline, "baseline": baseline}
    for i in range(args.repeat):
        # Alternate the order so that a busy moment on a shared machine hits both sides.
        for name in sorted(sides, reverse=bool(i % 2)):
            runs[name].append(measure(sides[name], data))
    medians = {
        name: [statistics.median(run[k] for run in results) for k in range(3)]
        for name, results in runs.items()
    }
    print(f"{'':10} {'wall s':>7} {'CPU s':>7} {'output MB':>10}   files")
    for name, files in (("pipeline", "15 + share image"), ("baseline", "15")):
        wall, cpu, size = medians[name]
        print(f"{name:10} {wall:7.2f} {cpu:7.2f} {size / 1e6:10.2f}   {files}")
    wall_ratio = medians["pipeline"][0] / medians["baseline"][0]
    cpu_ratio = medians["pipeline"][1] / medians["baseline"][1]
    print(f"Ratio pipeline/baseline: {wall_ratio:.2f} wall, {cpu_ratio:.2f} CPU (below 1: faster)")


if __name__ == "__main__":
    main()
