"""Charts as server-rendered SVG geometry (the CSP allows no inline scripts or styles).

Each function returns plain numbers for a template to draw, with lengths taken from the values
as shown (disclosure control): a "< 5" gets no length of its own and a rounded value its rounded
length, so a chart never tells more than its table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats

WIDTH = 640
LABEL_WIDTH = 230
BAR_HEIGHT = 22
GAP = 10


@dataclass
class HBar:
    label: str
    shown: object
    y: int
    width: int
    text_x: int
    text_y: int


def hbars(items: list[tuple[str, int, object]]) -> dict:
    """Horizontal bars: (label, value for the length, value as shown)."""
    top = max([value for _l, value, _s in items] + [1])
    room = WIDTH - LABEL_WIDTH - 60
    bars = []
    for i, (label, value, shown) in enumerate(items):
        y = i * (BAR_HEIGHT + GAP)
        width = round(room * value / top)
        bars.append(
            HBar(
                label=str(label),
                shown=shown,
                y=y,
                width=width,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
            )
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": len(items) * (BAR_HEIGHT + GAP),
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


@dataclass
class Column:
    x: int
    y: int
    height: int
    series: int
    title: str
    hidden: bool = False


HIDDEN_MARK = 4  # a hidden value gets a small grey mark, not a bar of its size


def columns(months: list, shown: list, series: list[tuple[str, str]]) -> dict:
    """Grouped columns per month for a few series: months is [(date, {key: value for the
    length})], shown the same with the values as shown (ints, or "< 5")."""
    height = 220
    bottom = height - 30
    top_value = max([v[k] for _m, v in months for k, _l in series] + [1])
    slot = max(WIDTH // max(len(months), 1), 8)
    col_width = max((slot - 4) // max(len(series), 1), 2)
    cols, labels = [], []
    every = max(1, -(-len(months) // 8))
    for i, ((month, values), (_m, cells)) in enumerate(zip(months, shown, strict=True)):
        for s, (key, label) in enumerate(series):
            hidden = not isinstance(cells[key], int)
            h = HIDDEN_MARK if hidden else round((bottom - 10) * values[key] / top_value)
            cols.append(
                Column(
                    x=i * slot + 2 + s * col_width,
                    y=bottom - h,
                    height=h,
                    series=s,
                    title=f"{formats.date_format(month, 'F Y')}, {label}: {cells[key]}",
                    hidden=hidden,
                )
            )
        if i % every == 0:
            labels.append({"x": i * slot + 2, "text": formats.date_format(month, "M y")})
    return {
        "columns": cols,
        "labels": labels,
        "width": max(WIDTH, slot * len(months)),
        "height": height,
        "bottom": bottom,
        "col_width": col_width,
        "label_y": bottom + 18,
        "legend": [(s, label) for s, (_k, label) in enumerate(series)],
    }
