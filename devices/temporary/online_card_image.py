"""The online security card as a PNG image (KB1873: "printed or saved as an image"): the
same numbered grid as the printable page, drawn with Pillow's built-in font so that
nothing outside the package is needed."""

from __future__ import annotations

import io
import math
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from accounts.dates import moment_text

GRID_COLUMNS = 10
CELL_WIDTH = 96
CELL_HEIGHT = 52
MARGIN = 24
HEADER_HEIGHT = 72
INK = (27, 31, 36)
MUTED = (74, 85, 96)
LINE = (150, 160, 170)


def online_card_image_size(cells: int) -> tuple[int, int]:
    """Width and height in pixels of the image of a card with `cells` cells."""
    rows = math.ceil(cells / GRID_COLUMNS)
    return (
        2 * MARGIN + GRID_COLUMNS * CELL_WIDTH,
        2 * MARGIN + HEADER_HEIGHT + rows * CELL_HEIGHT,
    )


def online_card_png(*, serial: str, grid: dict[int, str], valid_until: datetime) -> bytes:
    """The card's grid with its serial and validity, as PNG bytes."""
    image = Image.new("RGB", online_card_image_size(len(grid)), "white")
    draw = ImageDraw.Draw(image)
    title = ImageFont.load_default(size=22)
    small = ImageFont.load_default(size=13)
    code_font = ImageFont.load_default(size=24)
    draw.text((MARGIN, MARGIN), f"Online Security Code Card {serial}", fill=INK, font=title)
    draw.text(
        (MARGIN, MARGIN + 34),
        f"Valid until {moment_text(valid_until)}. Keep it private.",
        fill=MUTED,
        font=small,
    )
    top = MARGIN + HEADER_HEIGHT
    for position, index in enumerate(sorted(grid)):
        row, column = divmod(position, GRID_COLUMNS)
        left = MARGIN + column * CELL_WIDTH
        upper = top + row * CELL_HEIGHT
        draw.rectangle((left, upper, left + CELL_WIDTH, upper + CELL_HEIGHT), outline=LINE, width=1)
        draw.text((left + 5, upper + 3), str(index), fill=MUTED, font=small)
        draw.text(
            (left + CELL_WIDTH / 2, upper + CELL_HEIGHT / 2 + 6),
            grid[index],
            fill=INK,
            font=code_font,
            anchor="mm",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
