"""Draw the addons' app icons (static/description/icon.png, 128x128) with Pillow.

    python3 scripts/make_icons.py          # writes the three icons

Shapes only, no font: an invoice on the collections colour, with a badge saying what the addon adds
(a clock for the collections ladder, a shopping bag for sales, an hourglass for timesheets). Drawn at
4x and scaled down, so the edges are smooth.
"""

# pylint: disable=print-used  # a command-line tool: what it prints is its output

from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
SIZE = 128
SCALE = 4
BACKGROUND = (31, 122, 140)  # teal
PAPER = (255, 255, 255)
INK = (170, 190, 198)
BADGES = {
    "freelance_collections": ((242, 165, 65), "clock"),
    "freelance_collections_sale": ((76, 175, 80), "bag"),
    "freelance_collections_timesheet": ((126, 87, 194), "hourglass"),
}


def _clock(draw, cx, cy, r):
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=PAPER, width=r // 5)
    w = r // 6
    draw.line((cx, cy, cx, cy - r * 0.62), fill=PAPER, width=w)
    draw.line((cx, cy, cx + r * 0.5, cy + r * 0.1), fill=PAPER, width=w)
    draw.ellipse((cx - w, cy - w, cx + w, cy + w), fill=PAPER)


def _bag(draw, cx, cy, r):
    top, bottom = cy - r * 0.35, cy + r * 0.85
    draw.rounded_rectangle((cx - r * 0.8, top, cx + r * 0.8, bottom), radius=r // 6, fill=PAPER)
    h = r * 0.45
    draw.arc((cx - h, top - h, cx + h, top + h), 180, 360, fill=PAPER, width=r // 6)


def _hourglass(draw, cx, cy, r):
    w, h = r * 0.7, r * 0.85
    draw.polygon([(cx - w, cy - h), (cx + w, cy - h), (cx, cy)], fill=PAPER)
    draw.polygon([(cx - w, cy + h), (cx + w, cy + h), (cx, cy)], fill=PAPER)
    bar = r // 7
    draw.rectangle((cx - w - bar, cy - h - bar, cx + w + bar, cy - h), fill=PAPER)
    draw.rectangle((cx - w - bar, cy + h, cx + w + bar, cy + h + bar), fill=PAPER)


SYMBOLS = {"clock": _clock, "bag": _bag, "hourglass": _hourglass}


def draw_icon(badge_colour, symbol):
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 6, fill=BACKGROUND)
    # the invoice: a sheet with a folded corner and a few lines of text
    left, top, right, bottom = s * 0.2, s * 0.14, s * 0.66, s * 0.8
    fold = s * 0.1
    draw.polygon([(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)], fill=PAPER)
    draw.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=INK)
    line = s * 0.035
    for n, length in enumerate((0.7, 0.9, 0.55, 0.8)):
        y = top + s * 0.14 + n * s * 0.1
        draw.rounded_rectangle(
            (left + s * 0.05, y, left + s * 0.05 + (right - left - s * 0.1) * length, y + line),
            radius=line / 2,
            fill=INK,
        )
    # the badge
    cx, cy, r = s * 0.7, s * 0.7, s * 0.21
    draw.ellipse((cx - r - s * 0.025, cy - r - s * 0.025, cx + r + s * 0.025, cy + r + s * 0.025), fill=BACKGROUND)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=badge_colour)
    SYMBOLS[symbol](draw, cx, cy, int(r * 0.62))
    return image.resize((SIZE, SIZE), Image.LANCZOS)


def main():
    for addon, (colour, symbol) in BADGES.items():
        path = REPO / addon / "static" / "description" / "icon.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_icon(colour, symbol).save(path, optimize=True)
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
