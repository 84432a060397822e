"""Measure the service's memory over accelerated days and its CPU use while idle.

Run by hand, not by the tests:

    /work/venv/bin/python bench/service_idle.py [--days N] [--idle-seconds S]

Memory: an in-process service on the example calendar, offline (FIT workout files
out, a folder of simulated FIT runs in, summaries to a file), driven by a manual
clock through the job functions the scheduler calls: push at 04:30, a calendar
check every minute, a sync every 30 minutes in waking hours, the morning summary at
06:30, and a simulated run at 07:00 on session days. The resident set size (VmRSS)
is read after the first cycle (first day's push, morning summary and the sync that
analyses its run, matplotlib loaded) and after each further simulated day.

Idle CPU: a real `peakbot run` process on the same data; once its start-up jobs are
done, the CPU time (user + system, /proc/PID/stat) it uses over S seconds.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
# A Speed Sharpen day, so the first cycle already draws a chart (matplotlib loaded).
FIRST_DAY = date(2023, 3, 28)


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure_memory(folder: Path, days: int) -> list[tuple[str, int]]:
    from bot.config.settings import Settings
    from bot.notify.deliver import Notifier
    from bot.plan import build_plan, load_stored_prescriptions
    from bot.service.calendar_watch import CalendarWatch
    from bot.service.clock import ManualClock
    from bot.service.cycle import Cycle
    from bot.service.service import Service
    from bot.simulator import SimulatedRunner, write_activity_fit
    from bot.store.db import Store

    shutil.copytree(ROOT / "config", folder / "config")
    settings = Settings(
        config_path=folder / "config" / "calendar.yaml",
        data_dir=folder / "data",
        activity_dir=folder / "activities",
    )
    settings.activities_in.mkdir(parents=True)
    zone = ZoneInfo("Europe/London")
    clock = ManualClock(datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=zone))
    store = Store(settings.database)
    watch = CalendarWatch(settings.config_path)
    calendar = watch.load()
    cycle = Cycle(settings, store, watch, clock=clock, notifier=Notifier([], out=io.StringIO()))
    service = Service(cycle)
    runner = SimulatedRunner(capability_s_per_km=174.0, seed=11)
    readings: list[tuple[str, int]] = []

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)

    for offset in range(days + 1):
        day = FIRST_DAY + timedelta(days=offset)
        clock.set(at(day, 4, 30))
        service.push_job()
        clock.set(at(day, 6, 30))
        service.morning_job()
        plan = build_plan(calendar, load_stored_prescriptions(store))
        for session in [s for s in plan if s.date == day]:
            activity = runner.run(session.workout, day, timezone=zone)
            runner.advance()
            write_activity_fit(
                activity, settings.activities_in / f"{session.id}.fit", workout=session.workout
            )
        if offset == 0:
            clock.set(at(day, 9, 0))
            service.sync_job()
            gc.collect()
            readings.append(("after the first cycle", rss_kib()))
            continue
        moment = at(day, 0, 0)
        while moment.date() == day:
            clock.set(moment)
            service.calendar_job()
            if moment.minute % 30 == 0:
                service.sync_job()
            moment += timedelta(minutes=1)
        gc.collect()
        readings.append((f"after day {offset}", rss_kib()))
    store.close()
    return readings


def measure_idle_cpu(folder: Path, seconds: float) -> tuple[float, float]:
    """Return (CPU seconds used while idle, wall seconds measured)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEAKBOT_")}
    env["PEAKBOT_DATA_DIR"] = str(folder / "data")
    env["PEAKBOT_ACTIVITY_DIR"] = str(folder / "activities")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(folder / "config" / "calendar.yaml"), "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = folder / "data" / "peakbot.sqlite3"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with sqlite3.connect(database) as conn:
                done = conn.execute(
                    "SELECT count(*) FROM job_runs WHERE job = 'sync' AND result != 'running'"
                    " AND started_utc > datetime('now', '-5 minutes')"
                ).fetchone()[0]
            if done:
                break
            time.sleep(0.5)
        time.sleep(2)
        before = cpu_seconds(process.pid)
        started = time.monotonic()
        time.sleep(seconds)
        used = cpu_seconds(process.pid) - before
        wall = time.monotonic() - started
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    return used, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=1, help="Accelerated days after the first.")
    parser.add_argument("--idle-seconds", type=float, default=120.0, help="Idle CPU window.")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="peakbot-bench-") as name:
        folder = Path(name)
        started = time.monotonic()
        readings = measure_memory(folder, args.days)
        print(f"accelerated run: {time.monotonic() - started:.1f} s wall")
        first = readings[0][1]
        for label, kib in readings:
            print(f"RSS {label}: {kib / 1024:.1f} MiB ({(kib - first) / first * 100:+.1f} %)")
        used, wall = measure_idle_cpu(folder, args.idle_seconds)
        print(f"idle peakbot run: {used:.2f} s CPU in {wall:.0f} s ({used / wall * 100:.3f} %)")


if __name__ == "__main__":
    main()
