"""Generate the sandbox's construction-site JPEGs (dev-only; needs Pillow, which is not a runtime dependency).

Run once and commit the output: `python scripts/make_sandbox_photos.py`. Writes eight 640x480 scenes and their
160x120 thumbnails into acc_mcp/sandbox/assets/. Everything is drawn from fixed seeds, so rerunning with the same
Pillow version gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent.parent / "acc_mcp" / "sandbox" / "assets"
W, H = 640, 480
HORIZON = 300

RGB = tuple[int, int, int]


def sky(d: ImageDraw.ImageDraw, top: RGB, bottom: RGB, until: int = HORIZON) -> None:
    for y in range(until):
        t = y / max(1, until - 1)
        d.line([(0, y), (W, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))


def ground(d: ImageDraw.ImageDraw, color: RGB, rng: random.Random, start: int = HORIZON) -> None:
    d.rectangle([0, start, W, H], fill=color)
    for _ in range(260):
        x, y = rng.randint(0, W), rng.randint(start, H)
        shade = rng.randint(-28, 18)
        c = tuple(max(0, min(255, v + shade)) for v in color)
        d.ellipse([x, y, x + rng.randint(2, 9), y + rng.randint(1, 4)], fill=c)


def crane(d: ImageDraw.ImageDraw, x: int, base: int, top: int, jib: int, color: RGB = (236, 180, 40)) -> None:
    """A tower crane: lattice mast, jib, counter-jib, hook line."""
    d.rectangle([x - 7, top, x + 7, base], outline=color, width=2)
    for y in range(top, base, 14):
        d.line([(x - 7, y), (x + 7, y + 14)], fill=color, width=1)
        d.line([(x + 7, y), (x - 7, y + 14)], fill=color, width=1)
    d.rectangle([x - 60, top - 8, x + jib, top], outline=color, width=2)
    for xx in range(x - 60, x + jib, 16):
        d.line([(xx, top), (xx + 8, top - 8)], fill=color, width=1)
    d.polygon([(x - 6, top - 8), (x + 6, top - 8), (x, top - 40)], outline=color)
    d.line([(x, top - 40), (x + jib - 10, top - 8)], fill=color, width=1)
    d.line([(x, top - 40), (x - 58, top - 8)], fill=color, width=1)
    d.rectangle([x - 58, top, x - 36, top + 14], fill=(120, 120, 125))
    hook_x = x + jib * 2 // 3
    d.line([(hook_x, top), (hook_x, top + 120)], fill=(40, 40, 40), width=1)
    d.rectangle([hook_x - 4, top + 120, hook_x + 4, top + 128], fill=(200, 40, 30))


def steel_frame(d: ImageDraw.ImageDraw, x0: int, x1: int, base: int, floors: int, bay: int, color: RGB) -> None:
    h = 44
    for f in range(floors + 1):
        y = base - f * h
        d.line([(x0, y), (x1, y)], fill=color, width=5)
    for x in range(x0, x1 + 1, bay):
        d.line([(x, base), (x, base - floors * h)], fill=color, width=6)
    for f in range(floors):
        for x in range(x0, x1 - bay + 1, bay * 2):
            d.line([(x, base - f * h), (x + bay, base - (f + 1) * h)], fill=color, width=2)


def caption(img: Image.Image, text: str) -> None:
    band = Image.new("RGBA", (W, 34), (0, 0, 0, 150))
    img.paste(band, (0, H - 34), band)
    font = ImageFont.load_default(size=17)
    ImageDraw.Draw(img).text((12, H - 27), text, fill=(245, 245, 245), font=font)


def grain(img: Image.Image, rng: random.Random, amount: float = 0.10) -> Image.Image:
    """Seeded sensor-like noise, so the files compress like photos rather than flat drawings."""
    noise = Image.frombytes("L", (W, H), rng.randbytes(W * H)).convert("RGB")
    return Image.blend(img, noise, amount).filter(ImageFilter.GaussianBlur(0.6))


def scene_slab_pour(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(d, (120, 165, 215), (205, 220, 235))
    ground(d, (128, 112, 92), rng)
    d.rectangle([60, 220, 600, 300], fill=(150, 150, 150))
    for x in range(60, 600, 24):
        d.line([(x, 220), (x, 300)], fill=(110, 110, 112), width=1)
    d.polygon([(60, 300), (600, 300), (640, 420), (20, 420)], fill=(170, 168, 160))
    d.polygon([(200, 320), (460, 320), (520, 400), (150, 400)], fill=(120, 120, 118))
    d.line([(470, 420), (430, 180), (300, 130), (260, 300)], fill=(230, 120, 30), width=9)
    d.rectangle([470, 380, 600, 440], fill=(230, 120, 30))
    for i in range(4):
        x = 180 + i * 70
        d.ellipse([x, 330, x + 16, 346], fill=(250, 210, 30))
        d.rectangle([x + 3, 346, x + 13, 390], fill=(255, 120, 20))


def scene_steel(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(d, (90, 140, 200), (190, 210, 230))
    ground(d, (110, 100, 85), rng)
    steel_frame(d, 80, 480, HORIZON, 5, 80, (80, 70, 65))
    crane(d, 540, HORIZON, 80, 180)
    d.rectangle([90, 300, 560, 330], fill=(95, 90, 80))


def scene_curtain_wall(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(d, (110, 160, 220), (215, 228, 240), 120)
    d.rectangle([0, 120, W, H], fill=(70, 80, 92))
    for y in range(130, H, 58):
        for x in range(10, W, 78):
            tint = rng.randint(-15, 15)
            d.rectangle([x, y, x + 72, y + 52], fill=(90 + tint, 130 + tint, 160 + tint))
            d.line([(x + 6, y + 48), (x + 60, y + 6)], fill=(170, 200, 220), width=2)
    d.rectangle([0, 360, 220, 480], fill=(160, 160, 150))
    d.line([(30, 360), (30, 480)], fill=(200, 190, 40), width=4)
    d.line([(190, 360), (190, 480)], fill=(200, 190, 40), width=4)


def scene_rebar(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(d, (150, 180, 210), (220, 225, 230), 110)
    ground(d, (120, 95, 70), rng, 110)
    d.rectangle([60, 170, 580, 440], fill=(150, 140, 125))
    for x in range(70, 580, 18):
        d.line([(x, 170), (x + rng.randint(-3, 3), 440)], fill=(120, 60, 40), width=3)
    for y in range(180, 440, 18):
        d.line([(60, y), (580, y + rng.randint(-2, 2))], fill=(135, 70, 45), width=3)
    for _ in range(30):
        x, y = rng.randint(70, 570), rng.randint(180, 430)
        d.ellipse([x, y, x + 6, y + 6], fill=(60, 60, 60))


def scene_mep(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    d.rectangle([0, 0, W, H], fill=(170, 165, 155))
    d.polygon([(0, 0), (W, 0), (520, 160), (120, 160)], fill=(120, 118, 115))
    d.polygon([(0, H), (W, H), (520, 330), (120, 330)], fill=(150, 145, 135))
    d.rectangle([120, 160, 520, 330], fill=(190, 185, 175))
    d.polygon([(40, 40), (600, 40), (480, 110), (160, 110)], fill=(200, 200, 205))
    for y, color in ((70, (200, 40, 40)), (95, (40, 110, 200)), (125, (60, 160, 70))):
        d.line([(0, y + 20), (W, y)], fill=color, width=10)
    for x in range(140, 520, 40):
        d.line([(x, 160), (x, 330)], fill=(160, 160, 165), width=5)
    d.rectangle([300, 200, 360, 260], fill=(90, 90, 95))


def scene_framing(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    d.rectangle([0, 0, W, H], fill=(210, 205, 195))
    d.polygon([(0, H), (W, H), (560, 380), (80, 380)], fill=(140, 135, 125))
    d.rectangle([80, 60, 560, 380], fill=(185, 180, 170))
    for x in range(90, 560, 32):
        d.rectangle([x, 60, x + 5, 380], fill=(175, 180, 190))
    d.rectangle([80, 60, 560, 68], fill=(160, 165, 175))
    d.rectangle([80, 372, 560, 380], fill=(160, 165, 175))
    d.rectangle([80, 68, 330, 372], fill=(225, 225, 220))
    for _ in range(40):
        x, y = rng.randint(90, 320), rng.randint(70, 370)
        d.ellipse([x, y, x + 3, y + 3], fill=(200, 200, 195))


def scene_site(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(d, (60, 70, 120), (240, 160, 100))
    ground(d, (90, 80, 70), rng)
    d.rectangle([100, 150, 360, HORIZON], fill=(60, 60, 70))
    for y in range(160, HORIZON, 22):
        for x in range(110, 350, 26):
            lit = rng.random() < 0.25
            d.rectangle([x, y, x + 14, y + 12], fill=(250, 220, 140) if lit else (80, 85, 95))
    crane(d, 430, HORIZON, 60, 160, (230, 170, 60))
    for x in (60, 470):
        d.rectangle([x, 330, x + 110, 380], fill=(240, 240, 240))
        d.rectangle([x + 110, 345, x + 150, 380], fill=(220, 60, 40))
        d.ellipse([x + 10, 372, x + 34, 396], fill=(30, 30, 30))
        d.ellipse([x + 110, 372, x + 134, 396], fill=(30, 30, 30))


def scene_thermal(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """False-colour IR scan of a wall: cool field, a warm window frame, a warm leak at a slab edge."""
    palette = [(20, 0, 60), (90, 0, 130), (180, 20, 110), (230, 80, 40), (250, 170, 20), (255, 240, 140)]
    for y in range(0, H, 4):
        for x in range(0, W, 4):
            v = 0.22 + 0.18 * y / H + rng.uniform(-0.05, 0.05)
            v += 0.45 * max(0.0, 1 - ((x - 430) ** 2 + (y - 150) ** 2) / 110**2)
            if 120 < x < 300 and 120 < y < 360 and not (136 < x < 284 and 136 < y < 344):
                v += 0.4
            if 330 < y < 350:
                v += 0.2
            i = max(0, min(len(palette) - 1, int(v * len(palette))))
            d.rectangle([x, y, x + 3, y + 3], fill=palette[i])
    for i, color in enumerate(reversed(palette)):
        d.rectangle([W - 30, 40 + i * 60, W - 14, 100 + i * 60], fill=color)


SCENES: tuple[tuple[str, Callable[[ImageDraw.ImageDraw, random.Random], None], str], ...] = (
    ("site-01", scene_slab_pour, "SLAB POUR - EAST BAY"),
    ("site-02", scene_steel, "STEEL ERECTION - GRID C/4"),
    ("site-03", scene_curtain_wall, "CURTAIN WALL - NORTH ELEVATION"),
    ("site-04", scene_rebar, "FOOTING REBAR - PRE-POUR CHECK"),
    ("site-05", scene_mep, "MEP ROUGH-IN - CORRIDOR"),
    ("site-06", scene_framing, "INTERIOR FRAMING - LEVEL 2"),
    ("site-07", scene_site, "SITE OVERVIEW - DUSK"),
    ("site-08", scene_thermal, "IR SCAN - EXTERIOR WALL"),
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for n, (name, draw, text) in enumerate(SCENES):
        rng = random.Random(f"sandbox-photo:{n}")
        img = Image.new("RGB", (W, H))
        draw(ImageDraw.Draw(img), rng)
        img = grain(img, rng)
        caption(img, text)
        img.save(OUT / f"{name}.jpg", "JPEG", quality=82, optimize=True)
        thumb = img.resize((160, 120), Image.Resampling.LANCZOS)
        thumb.save(OUT / f"{name}_t.jpg", "JPEG", quality=86, optimize=True)
    for path in sorted(OUT.glob("*.jpg")):
        print(f"{path.name:16} {path.stat().st_size:7,d} bytes")


if __name__ == "__main__":
    main()
