"""Chart of each rep's time against its target band, as PNG bytes.

matplotlib is imported here, inside the function, with the Agg backend so that a
server with no display can draw and `peakbot --help` stays fast.
"""

from __future__ import annotations

import io
from datetime import date

from bot.analysis.model import SessionAnalysis
from bot.workouts.pace import format_duration

# Point colours by verdict, which the legend shows too.
IN_BAND = "#2e7d32"
FAST = "#1565c0"
SLOW = "#c62828"
UNJUDGED = "#555555"
BAND_FILL = "#a5d6a7"
VERDICT_COLOURS = {"in": IN_BAND, "fast": FAST, "slow": SLOW}
LEGEND = ((IN_BAND, "in band"), (FAST, "fast"), (SLOW, "slow"), (UNJUDGED, "no target"))

# Reps slower than this many seconds get m:ss labels on the time axis.
SECONDS_AXIS_MAX_S = 90.0


def rep_chart_png(
    analysis: SessionAnalysis, *, title: str = "", session_date: date | None = None
) -> bytes:
    """Draw rep times as points coloured by verdict, the target time band as a shaded strip."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    numbers = [rep.number for rep in analysis.reps]
    times = [rep.time_s for rep in analysis.reps]
    fast: list[float] = []
    slow: list[float] = []
    for rep in analysis.reps:
        # The shaded strip is the band a rep counts as "in" (with its small margin),
        # so the colour of every point agrees with where it sits.
        band = rep.band_time_s
        fast.append(float("nan") if band is None else band[0])
        slow.append(float("nan") if band is None else band[1])

    # A Figure made directly (not through pyplot) is freed with its last reference,
    # so a long-running service does not collect open figures.
    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    axes = figure.add_subplot()
    steps = [n - 0.5 for n in numbers] + [numbers[-1] + 0.5] if numbers else []
    has_band = bool(steps) and not all(value != value for value in fast)
    if has_band:
        axes.fill_between(
            steps, [*fast, fast[-1]], [*slow, slow[-1]], step="post", color=BAND_FILL, alpha=0.6
        )
    colours = [VERDICT_COLOURS.get(rep.verdict or "", UNJUDGED) for rep in analysis.reps]
    axes.plot(numbers, times, color="#37474f", linewidth=1, zorder=2)
    axes.scatter(numbers, times, c=colours, zorder=3)
    axes.set_xlabel("rep")
    axes.set_xticks(numbers)
    if any(t > SECONDS_AXIS_MAX_S for t in times):
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_duration(value)))
        axes.set_ylabel("time (m:ss)")
    else:
        axes.set_ylabel("time (s)")
    axes.invert_yaxis()  # faster reps sit higher, as on a pace chart
    axes.grid(axis="y", alpha=0.3)

    # The legend lists every colour used, below the axes so it never hides a point.
    handles: list[Patch | Line2D] = []
    if has_band:
        handles.append(Patch(color=BAND_FILL, alpha=0.6, label="target band"))
    for colour, label in LEGEND:
        if colour in colours:
            dot = Line2D([], [], marker="o", linestyle="", color=colour, label=label)
            handles.append(dot)
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=len(handles),
        fontsize="small",
        frameon=False,
    )
    heading = title
    if session_date is not None:
        heading = (
            f"{title} ({session_date:%a %d %b %Y})" if title else f"{session_date:%a %d %b %Y}"
        )
    if heading:
        axes.set_title(heading)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
