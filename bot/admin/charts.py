"""Charts as SVG drawn on the server: no script, readable in print, and each one followed by a table of its figures.

Every piece of text in a chart goes through `escape`; colours come from the stylesheet's classes,
so the Content-Security-Policy can forbid inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from bot.admin.figures import TeamTraining, TrendPoint

WIDTH = 640
LABEL_WIDTH = 210
ROW = 26
LONGEST_LABEL = 30


def bar_chart(teams: Sequence[TeamTraining], *, target: int, title: str, chart_id: str) -> Markup:
    """One horizontal bar a team, the target as a dashed line; teams below it are marked in the bar's class."""
    plot = WIDTH - LABEL_WIDTH - 50
    height = ROW * len(teams) + 40
    target_x = LABEL_WIDTH + plot * target / 100
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-title" '
             f'focusable="false"><title id="{chart_id}-title">{escape(title)}</title>']
    for row, team in enumerate(teams):
        y = 10 + row * ROW
        state = "met" if team.percent >= target else "below"
        label = team.team if len(team.team) <= LONGEST_LABEL else team.team[:LONGEST_LABEL - 1] + "…"
        parts.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                     f'<rect class="bar {state}" x="{LABEL_WIDTH}" y="{y + 2}" width="{plot * team.percent / 100:.1f}" '
                     f'height="{ROW - 8}"/>'
                     f'<text class="value" x="{LABEL_WIDTH + plot * team.percent / 100 + 6:.1f}" y="{y + 15}">'
                     f'{team.percent}%</text>')
    bottom = 10 + ROW * len(teams)
    parts.append(f'<line class="target" x1="{target_x:.1f}" y1="4" x2="{target_x:.1f}" y2="{bottom}"/>'
                 f'<text class="target-label" x="{target_x:.1f}" y="{bottom + 18}" text-anchor="middle">'
                 f'target {target}%</text></svg>')
    return Markup("".join(parts))  # noqa: S704  # every text above was escaped


def line_chart(points: Sequence[TrendPoint], *, target: int, title: str, chart_id: str) -> Markup:
    """The organisation's completion month by month, 0 to 100%, with the target as a dashed line."""
    height, left, right, top, bottom = 260, 48, 20, 16, 40
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    step = plot_width / max(len(points) - 1, 1)

    def y_of(percent: float) -> float:
        return top + plot_height * (1 - percent / 100)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-title" '
             f'focusable="false"><title id="{chart_id}-title">{escape(title)}</title>']
    for percent in (0, 25, 50, 75, 100):
        parts.append(f'<line class="grid" x1="{left}" y1="{y_of(percent):.1f}" x2="{WIDTH - right}" '
                     f'y2="{y_of(percent):.1f}"/><text class="label" x="{left - 6}" y="{y_of(percent) + 4:.1f}" '
                     f'text-anchor="end">{percent}%</text>')
    parts.append(f'<line class="target" x1="{left}" y1="{y_of(target):.1f}" x2="{WIDTH - right}" '
                 f'y2="{y_of(target):.1f}"/>')
    coordinates = [(left + index * step, y_of(point.percent)) for index, point in enumerate(points)]
    parts.append('<polyline class="trend" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates) + '"/>')
    for (x, y), point in zip(coordinates, points):
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
                     f'<text class="label" x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                     f'{point.day:%b}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # only numbers and dates above
