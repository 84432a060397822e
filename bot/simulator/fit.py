"""Write an Activity as a FIT activity file, optionally with the workout it executed.

garmin-fit-sdk's Encoder scales values itself for main fields (seconds, metres, m/s)
but silently drops values given under sub-field names, so workout steps are written
with main fields only, as raw scaled integers (bot.garmin.fit_export.fit_steps). The
file is decoded again after writing and a lap or step that does not read back raises.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.activities.model import Activity
from bot.workouts.model import Workout

FILE_ID = 0
SESSION = 18
LAP = 19
RECORD = 20
EVENT = 21
WORKOUT = 26
WORKOUT_STEP = 27
ACTIVITY = 34
# Identifies files written by peakbot; "development" is the FIT manufacturer for that.
MANUFACTURER = "development"


def encode_activity_fit(activity: Activity, workout: Workout | None = None) -> bytes:
    """Return the FIT bytes of the activity: records, one lap per Lap, session, activity."""
    from garmin_fit_sdk import Encoder

    start = activity.start_utc
    end = start + timedelta(seconds=activity.elapsed_time_s)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": FILE_ID,
            "type": "activity",
            "manufacturer": MANUFACTURER,
            "product": 0,
            "serial_number": 1,
            "time_created": start,
        }
    )
    if workout is not None:
        _write_workout(encoder, workout)
    encoder.write_mesg(
        {"mesg_num": EVENT, "timestamp": start, "event": "timer", "event_type": "start"}
    )
    for record in _records(activity):
        encoder.write_mesg(record)
    for index, lap in enumerate(activity.laps):
        lap_start = start + timedelta(seconds=lap.start_offset_s)
        fields: dict[str, Any] = {
            "mesg_num": LAP,
            "message_index": index,
            "timestamp": lap_start + timedelta(seconds=lap.elapsed_time_s),
            "start_time": lap_start,
            "event": "lap",
            "event_type": "stop",
            "total_elapsed_time": lap.elapsed_time_s,
            "total_timer_time": lap.moving_time_s,
            "total_distance": lap.distance_m,
            "sport": "running",
            "lap_trigger": "distance" if lap.step_index is not None else "manual",
        }
        if lap.avg_speed_mps is not None:
            fields["enhanced_avg_speed"] = lap.avg_speed_mps
        if lap.avg_hr is not None:
            fields["avg_heart_rate"] = round(lap.avg_hr)
        if lap.max_hr is not None:
            fields["max_heart_rate"] = round(lap.max_hr)
        if lap.avg_cadence is not None:
            fields["avg_cadence"] = round(lap.avg_cadence / 2)  # FIT counts one foot
        if lap.step_index is not None:
            fields["wkt_step_index"] = lap.step_index
        encoder.write_mesg(fields)
    encoder.write_mesg(
        {"mesg_num": EVENT, "timestamp": end, "event": "timer", "event_type": "stop_all"}
    )
    session: dict[str, Any] = {
        "mesg_num": SESSION,
        "message_index": 0,
        "timestamp": end,
        "start_time": start,
        "event": "session",
        "event_type": "stop",
        "sport": "running",
        "total_elapsed_time": activity.elapsed_time_s,
        "total_timer_time": activity.moving_time_s,
        "total_distance": activity.distance_m,
        "first_lap_index": 0,
        "num_laps": len(activity.laps),
    }
    if activity.sub_sport:
        session["sub_sport"] = activity.sub_sport
    if activity.avg_hr is not None:
        session["avg_heart_rate"] = round(activity.avg_hr)
    if activity.max_hr is not None:
        session["max_heart_rate"] = round(activity.max_hr)
    encoder.write_mesg(session)
    encoder.write_mesg(
        {
            "mesg_num": ACTIVITY,
            "timestamp": end,
            "total_timer_time": activity.moving_time_s,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
        }
    )
    data = bytes(encoder.close())
    _check(data, activity, workout)
    return data


def write_activity_fit(activity: Activity, path: Path, workout: Workout | None = None) -> None:
    """Write the activity to `path` as a FIT file; `workout` adds its workout messages."""
    data = encode_activity_fit(activity, workout)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _write_workout(encoder: Any, workout: Workout) -> None:
    from bot.garmin.fit_export import fit_steps

    steps = fit_steps(workout.steps)
    encoder.write_mesg(
        {
            "mesg_num": WORKOUT,
            "sport": "running",
            "num_valid_steps": len(steps),
            "wkt_name": workout.name or "Workout",
        }
    )
    for step in steps:
        encoder.write_mesg({"mesg_num": WORKOUT_STEP, **step})


def _records(activity: Activity) -> list[dict[str, Any]]:
    streams = activity.streams
    if streams is None:
        return []
    records: list[dict[str, Any]] = []
    last_second: int | None = None
    for k, t in enumerate(streams.time_s):
        # FIT timestamps are whole seconds: keep the first sample of each second.
        second = round(t)
        if second == last_second:
            continue
        last_second = second
        record: dict[str, Any] = {
            "mesg_num": RECORD,
            "timestamp": activity.start_utc + timedelta(seconds=second),
        }
        if streams.distance_m is not None:
            record["distance"] = streams.distance_m[k]
        if streams.speed_mps is not None:
            record["enhanced_speed"] = streams.speed_mps[k]
        if streams.heart_rate is not None and streams.heart_rate[k] is not None:
            record["heart_rate"] = round(streams.heart_rate[k] or 0)
        if streams.cadence is not None and streams.cadence[k] is not None:
            record["cadence"] = round((streams.cadence[k] or 0) / 2)  # FIT counts one foot
        records.append(record)
    return records


def _check(data: bytes, activity: Activity, workout: Workout | None) -> None:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    if errors:
        raise ValueError(f"FIT activity does not decode: {errors[0]}")
    laps = messages.get("lap_mesgs") or []
    if len(laps) != len(activity.laps):
        raise ValueError(
            f"FIT activity has {len(laps)} laps after encoding, not {len(activity.laps)}"
        )
    for written, read in zip(activity.laps, laps, strict=True):
        if abs(float(read.get("total_distance") or 0.0) - written.distance_m) > 0.01:
            raise ValueError(f"FIT lap distance reads back as {read.get('total_distance')}")
        if written.step_index is not None and read.get("wkt_step_index") != written.step_index:
            raise ValueError(f"FIT lap step index reads back as {read.get('wkt_step_index')}")
    if workout is not None:
        from bot.garmin.fit_export import fit_steps

        expected = fit_steps(workout.steps)
        steps = messages.get("workout_step_mesgs") or []
        if len(steps) != len(expected):
            raise ValueError(f"FIT workout has {len(steps)} steps after encoding")
        for want, got in zip(expected, steps, strict=True):
            for key, value in want.items():
                if got.get(key) != value:
                    raise ValueError(f"FIT workout step {key} reads back as {got.get(key)!r}")
