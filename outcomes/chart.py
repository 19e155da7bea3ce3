"""A course's trend as an SVG drawn on the server (no script, no CDN): the scores session by session, the
baseline, the response line (half the baseline) and the remission line (PHQ-9, GAD-7: below 5).

Pure: a Series in, markup out. Colours are presentation attributes, not style attributes (the CSP allows no
inline style); every number is ours, every text escaped.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from outcomes.selectors import Series

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


def _x(index: int, count: int) -> str:
    span = WIDTH - LEFT - RIGHT
    return f"{LEFT + (span / 2 if count == 1 else span * index / (count - 1)):.1f}"


def _y(value: float, top: int, shift: float = 0) -> str:
    """A coordinate as text: format_html escapes its arguments into strings before it formats them."""
    return f"{TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top) + shift:.1f}"


def _hline(value: float, top: int, colour: str, dash: str, label: str) -> SafeString:
    y, above = _y(value, top), _y(value, top, -4)
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="{}"/>'
        '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="end">{}</text>',
        LEFT, y, WIDTH - RIGHT, y, colour, dash, WIDTH - RIGHT, above, colour, label,
    )


def trend_svg(series: Series) -> SafeString:
    """The chart of one instrument's scores across a course, with its title and description for screen readers."""
    top = series.max_total
    reads = series.reads
    name = series.instrument.name
    scores = ", ".join(f"session {r.measure.session.sequence}: {r.total}" for r in reads)
    parts = [
        format_html('<svg class="trend" role="img" viewBox="0 0 {} {}" width="100%" aria-labelledby="trend-{}-t trend-{}-d" '
                    'xmlns="http://www.w3.org/2000/svg">', WIDTH, HEIGHT, series.instrument.code, series.instrument.code),
        format_html('<title id="trend-{}-t">{} across the course</title>', series.instrument.code, name),
        format_html('<desc id="trend-{}-d">Scores by session: {}.</desc>', series.instrument.code, scores or "none yet"),
        format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#9ca3af"/>',
                    LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM),
    ]
    for tick in sorted({0, top // 2, top}):
        parts.append(format_html('<text x="{}" y="{}" font-size="11" fill="#374151" text-anchor="end">{}</text>',
                                 LEFT - 6, _y(tick, top, 4), tick))
    if series.baseline is not None:
        parts.append(_hline(series.baseline, top, "#6b7280", "2 3", f"Baseline {series.baseline}"))
    if series.response_line is not None:
        parts.append(_hline(series.response_line, top, "#1d4ed8", "6 4", f"Response (≤ {series.response_line:g})"))
    if series.remission_below is not None:
        parts.append(_hline(series.remission_below - 0.5, top, "#047857", "1 3", f"Remission (< {series.remission_below})"))
    points = [(_x(i, len(reads)), _y(r.total, top), r) for i, r in enumerate(reads)]
    label_y = f"{HEIGHT - BOTTOM + 16}"
    if len(points) > 1:
        parts.append(format_html('<polyline fill="none" stroke="#111827" stroke-width="2" points="{}"/>',
                                 " ".join(f"{x},{y}" for x, y, _ in points)))
    for x, y, r in points:
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="4" fill="#111827"/><text x="{}" y="{}" font-size="11" '
            'fill="#111827" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="11" fill="#374151" '
            'text-anchor="middle">S{}</text>', x, y, x, _y(r.total, top, -8), r.total, x, label_y, r.measure.session.sequence,
        ))
    # Each part is format_html's (escaped); the closing tag is the only literal.
    return format_html("{}" * len(parts) + "</svg>", *parts)
