"""Chart of each rep's time against its target band, as PNG bytes.

matplotlib is imported here, inside the function, with the Agg backend so that a
server with no display can draw and `peakbot --help` stays fast.
"""

from __future__ import annotations

import io

from bot.analysis.model import SessionAnalysis


def rep_chart_png(analysis: SessionAnalysis, *, title: str = "") -> bytes:
    """Draw rep times in seconds as points, the target time band as a shaded strip."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

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
    figure = Figure(figsize=(6.4, 3.2), dpi=100)
    axes = figure.add_subplot()
    steps = [n - 0.5 for n in numbers] + [numbers[-1] + 0.5] if numbers else []
    if steps and not all(value != value for value in fast):
        axes.fill_between(
            steps,
            [*fast, fast[-1]],
            [*slow, slow[-1]],
            step="post",
            color="#a5d6a7",
            alpha=0.6,
            label="target",
        )
    colours = [
        "#2e7d32" if rep.in_band else ("#c62828" if rep.in_band is False else "#555555")
        for rep in analysis.reps
    ]
    axes.plot(numbers, times, color="#37474f", linewidth=1, zorder=2)
    axes.scatter(numbers, times, c=colours, zorder=3, label="rep time")
    axes.set_xlabel("rep")
    axes.set_ylabel("time (s)")
    axes.set_xticks(numbers)
    axes.invert_yaxis()  # faster reps sit higher, as on a pace chart
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="best", fontsize="small")
    if title:
        axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
