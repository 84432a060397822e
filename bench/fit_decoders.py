"""Time garmin-fit-sdk and fitdecode on every FIT activity file in a folder.

Run by hand, not by the tests:

    /work/venv/bin/python bench/fit_decoders.py [FOLDER]

FOLDER defaults to $PEAKBOT_REAL_DATA or ../shared/data/real next to the repository.
For each file and decoder it prints the median wall time of 5 decodes, the number of
`record` and `lap` messages read, and the first error, if any.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 5


def decode_garmin_sdk(path: Path) -> tuple[int, int, str | None]:
    from garmin_fit_sdk import Decoder, Stream

    decoder = Decoder(Stream.from_file(str(path)))
    messages, errors = decoder.read(convert_datetimes_to_dates=True)
    error = str(errors[0]) if errors else None
    return len(messages.get("record_mesgs", [])), len(messages.get("lap_mesgs", [])), error


def decode_fitdecode(path: Path) -> tuple[int, int, str | None]:
    import fitdecode

    records = laps = 0
    error = None
    try:
        with fitdecode.FitReader(
            str(path), check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    if frame.name == "record":
                        records += 1
                    elif frame.name == "lap":
                        laps += 1
    except Exception as exc:  # the bench reports every failure, whatever its type
        error = f"{type(exc).__name__}: {exc}"
    return records, laps, error


DECODERS: dict[str, Callable[[Path], tuple[int, int, str | None]]] = {
    "garmin-fit-sdk": decode_garmin_sdk,
    "fitdecode": decode_fitdecode,
}


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
    folder = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PEAKBOT_REAL_DATA", default)
    )
    files = sorted(p for p in folder.rglob("*.fit") if not p.name.startswith("Workout"))
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| file | bytes | decoder | median ms | records | laps | error |")
    print("|---|---|---|---|---|---|---|")
    totals = dict.fromkeys(DECODERS, 0.0)
    for path in files:
        for name, decode in DECODERS.items():
            timings = []
            result: tuple[int, int, str | None] = (0, 0, None)
            for _ in range(RUNS):
                start = time.perf_counter()
                result = decode(path)
                timings.append(time.perf_counter() - start)
            median_ms = statistics.median(timings) * 1000
            totals[name] += median_ms
            records, laps, error = result
            print(
                f"| {path.name} | {path.stat().st_size} | {name} | {median_ms:.0f} "
                f"| {records} | {laps} | {(error or '')[:70]} |"
            )
    for name, total in totals.items():
        print(f"total median ms, {name}: {total:.0f}")


if __name__ == "__main__":
    main()
