"""FIT activity files: decode, then map the messages onto the Activity model.

garmin-fit-sdk decodes first because it measured faster on real files
(bench/fit_decoders.py, docs/benchmarks.md). It reads no records from files with
compressed timestamps, so when it reports an error the file is decoded again with
fitdecode and the result with more records wins.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.activities.model import Activity, Lap, Streams
from bot.workouts.model import (
    Block,
    EndCondition,
    PaceRange,
    Repeat,
    Step,
    StepKind,
    Workout,
)

log = logging.getLogger(__name__)

Message = dict[str, Any]

# FIT timestamps below this value count seconds since the device was switched on,
# not since the FIT epoch (FIT protocol, "date_time" type).
_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_MIN_CALENDAR_DATE = _FIT_EPOCH + timedelta(seconds=0x10000000)

_SEMICIRCLE_TO_DEGREES = 180.0 / 2**31


@dataclass
class Decoded:
    """FIT messages by name (`record`, `lap`, `session`, ...), with the decoder's errors."""

    messages: dict[str, list[Message]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    decoder: str = ""

    def of(self, name: str) -> list[Message]:
        return self.messages.get(name, [])


def decode_garmin_sdk(data: bytes) -> Decoded:
    from garmin_fit_sdk import Decoder, Stream

    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(convert_datetimes_to_dates=True, merge_heart_rates=False)
    decoded = Decoded(decoder="garmin-fit-sdk", errors=[str(e) for e in errors])
    for key, values in messages.items():
        if isinstance(key, str) and key.endswith("_mesgs"):
            decoded.messages[key.removesuffix("_mesgs")] = list(values)  # type: ignore[call-overload]
    return decoded


def decode_fitdecode(data: bytes) -> Decoded:
    import fitdecode

    decoded = Decoded(decoder="fitdecode")
    try:
        with fitdecode.FitReader(
            io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    fields = {f.name: f.value for f in frame.fields if f.value is not None}
                    decoded.messages.setdefault(frame.name, []).append(fields)
    except fitdecode.FitError as error:
        decoded.errors.append(f"{type(error).__name__}: {error}")
    return decoded


def decode(data: bytes) -> Decoded:
    """Decode with garmin-fit-sdk, falling back to fitdecode when it reports errors."""
    first = decode_garmin_sdk(data)
    if not first.errors:
        return first
    second = decode_fitdecode(data)
    if len(second.of("record")) > len(first.of("record")):
        return second
    return first


def activity_from_fit(data: bytes, name: str, timezone: ZoneInfo) -> tuple[Activity, list[str]]:
    """Build an Activity from FIT bytes; returns it with warnings about damaged parts.

    Raises ValueError when the file contains no activity data at all.
    """
    decoded = decode(data)
    warnings = [f"{name}: {decoded.errors[0]}; loaded what was readable"] if decoded.errors else []
    records = decoded.of("record")
    laps = decoded.of("lap")
    sessions = decoded.of("session")
    file_ids = decoded.of("file_id")
    if file_ids and file_ids[0].get("type") not in (None, "activity"):
        raise ValueError(f"it is a FIT {file_ids[0].get('type')} file, not an activity")
    if not (records or laps or sessions):
        reason = decoded.errors[0] if decoded.errors else "no record, lap or session messages"
        raise ValueError(reason)

    session = sessions[0] if sessions else {}
    start = _first_time(session.get("start_time"), *(m.get("start_time") for m in laps))
    if start is None:
        start = _first_time(*(r.get("timestamp") for r in records))
    if start is None:
        raise ValueError("no start time in the session, lap or record messages")
    if start < _MIN_CALENDAR_DATE:
        warnings.append(
            f"{name}: the start time counts from the device's power-on, not a calendar date"
        )

    streams = _streams(records, start)
    lap_list = [_lap(m, start) for m in laps]
    if session:
        distance = float(session.get("total_distance") or 0.0)
        moving = float(session.get("total_timer_time") or 0.0)
        elapsed = float(session.get("total_elapsed_time") or moving)
    else:
        warnings.append(f"{name}: no session message; totals computed from laps and records")
        distance = sum(lap.distance_m for lap in lap_list)
        if not distance and streams and streams.distance_m:
            distance = max(streams.distance_m)
        moving = sum(lap.moving_time_s for lap in lap_list)
        elapsed = streams.time_s[-1] if streams else moving
        moving = moving or elapsed

    sport_message = (decoded.of("sport") or [{}])[0]
    sport = session.get("sport") or sport_message.get("sport") or "running"
    sub_sport = session.get("sub_sport") or sport_message.get("sub_sport")
    activity = Activity(
        source="file",
        source_id=start.strftime("%Y%m%dT%H%M%SZ"),
        start_utc=start,
        local_date=start.astimezone(timezone).date(),
        sport=str(sport),
        sub_sport=None if sub_sport in (None, "generic") else str(sub_sport),
        device=_device(file_ids, decoded.of("device_info")),
        name=_string(sport_message.get("name")),
        distance_m=distance,
        moving_time_s=moving,
        elapsed_time_s=elapsed,
        avg_hr=_number(session.get("avg_heart_rate")),
        max_hr=_number(session.get("max_heart_rate")),
        laps=lap_list,
        streams=streams,
    )
    workout_messages = decoded.of("workout")
    step_messages = decoded.of("workout_step")
    if step_messages:
        title = _string((workout_messages or [{}])[0].get("wkt_name")) or "Workout"
        try:
            activity.embedded_workout = workout_from_steps(title, step_messages)
        except ValueError as error:
            warnings.append(f"{name}: embedded workout skipped: {error}")
    return activity, warnings


def workout_from_steps(name: str, steps: list[Message]) -> Workout:
    """Convert FIT workout_step messages into a Workout, nesting the repeat steps.

    A `repeat_until_steps_cmplt` step at index i repeats the steps from its
    `duration_step` index up to i - 1, `repeat_steps` times in total.
    """
    ordered = sorted(steps, key=lambda m: int(m.get("message_index", 0)))
    # (index of the first FIT step in the block, block), in order.
    blocks: list[tuple[int, Block]] = []
    for position, message in enumerate(ordered):
        index = int(message.get("message_index", position))
        duration_type = message.get("duration_type")
        if duration_type == "repeat_until_steps_cmplt":
            first = int(message.get("duration_step") or message.get("duration_value") or 0)
            count = int(message.get("repeat_steps") or message.get("target_value") or 1)
            body = [block for start, block in blocks if start >= first]
            if not body:
                raise ValueError(f"repeat step {index} points at no earlier step")
            blocks = [(start, block) for start, block in blocks if start < first]
            blocks.append((first, Repeat(count=max(count, 1), steps=tuple(body))))
            continue
        blocks.append((index, _workout_step(message)))
    return Workout(name=name, steps=tuple(block for _, block in blocks))


_INTENSITY_KIND = {
    "warmup": StepKind.WARMUP,
    "cooldown": StepKind.COOLDOWN,
    "recovery": StepKind.RECOVERY,
    "rest": StepKind.REST,
    "active": StepKind.ACTIVE,
    "interval": StepKind.ACTIVE,
}


def _workout_step(message: Message) -> Step:
    kind = _INTENSITY_KIND.get(str(message.get("intensity")), StepKind.ACTIVE)
    duration_type = message.get("duration_type")
    raw = message.get("duration_value")
    if duration_type == "time":
        seconds = message.get("duration_time") or (raw / 1000 if raw else None)
        end = EndCondition.time(seconds) if seconds else EndCondition.lap_button()
    elif duration_type == "distance":
        metres = message.get("duration_distance") or (raw / 100 if raw else None)
        end = EndCondition.distance(metres) if metres else EndCondition.lap_button()
    else:
        # open, lap-button and conditions the model has no form for (heart rate, calories).
        end = EndCondition.lap_button()
    return Step(kind=kind, end=end, target=_speed_target(message))


def _speed_target(message: Message) -> PaceRange | None:
    if message.get("target_type") != "speed":
        return None
    low = message.get("custom_target_speed_low")
    high = message.get("custom_target_speed_high")
    if low is None and message.get("custom_target_value_low"):
        low = message["custom_target_value_low"] / 1000
    if high is None and message.get("custom_target_value_high"):
        high = message["custom_target_value_high"] / 1000
    if not low or not high:
        return None
    return PaceRange(fast_s_per_km=1000 / max(low, high), slow_s_per_km=1000 / min(low, high))


def _lap(message: Message, start: datetime) -> Lap:
    lap_start = _as_utc(message.get("start_time"))
    distance = float(message.get("total_distance") or 0.0)
    moving = float(message.get("total_timer_time") or 0.0)
    speed = _number(message.get("enhanced_avg_speed") or message.get("avg_speed"))
    if speed is None and moving > 0:
        speed = distance / moving
    step_index = message.get("wkt_step_index")
    return Lap(
        start_offset_s=(lap_start - start).total_seconds() if lap_start else 0.0,
        distance_m=distance,
        moving_time_s=moving,
        elapsed_time_s=float(message.get("total_elapsed_time") or moving),
        avg_speed_mps=speed,
        avg_hr=_number(message.get("avg_heart_rate")),
        max_hr=_number(message.get("max_heart_rate")),
        avg_cadence=_steps_per_minute(
            message.get("avg_running_cadence", message.get("avg_cadence")),
            message.get("avg_fractional_cadence"),
        ),
        step_index=int(step_index) if isinstance(step_index, int) else None,
    )


def _streams(records: list[Message], start: datetime) -> Streams | None:
    timed = [(_as_utc(r.get("timestamp")), r) for r in records]
    rows = [(t, r) for t, r in timed if t is not None]
    if not rows:
        return None
    time_s = [(t - start).total_seconds() for t, _ in rows]
    distance = [r.get("distance") for _, r in rows]
    speed = [r.get("enhanced_speed", r.get("speed")) for _, r in rows]
    heart_rate = [_number(r.get("heart_rate")) for _, r in rows]
    cadence = [_steps_per_minute(r.get("cadence"), r.get("fractional_cadence")) for _, r in rows]
    latlng = [_position(r) for _, r in rows]
    return Streams(
        time_s=time_s,
        distance_m=_filled(distance),
        speed_mps=_filled(speed),
        heart_rate=heart_rate if any(v is not None for v in heart_rate) else None,
        cadence=cadence if any(v is not None for v in cadence) else None,
        latlng=latlng if any(p is not None for p in latlng) else None,
    )


def _filled(values: list[Any]) -> list[float] | None:
    """Carry the last value forward over gaps; None when the series is absent."""
    if all(v is None for v in values):
        return None
    result: list[float] = []
    last = next(float(v) for v in values if v is not None)
    for value in values:
        if value is not None:
            last = float(value)
        result.append(last)
    return result


def _position(record: Message) -> tuple[float, float] | None:
    lat = record.get("position_lat")
    lon = record.get("position_long")
    if not isinstance(lat, int) or not isinstance(lon, int):
        return None
    return (lat * _SEMICIRCLE_TO_DEGREES, lon * _SEMICIRCLE_TO_DEGREES)


def _steps_per_minute(strides: Any, fraction: Any) -> float | None:
    # FIT running cadence counts strides (one foot) per minute; the model uses both feet.
    if not isinstance(strides, int | float):
        return None
    return (float(strides) + float(fraction or 0.0)) * 2


def _device(file_ids: list[Message], devices: list[Message]) -> str | None:
    for message in [*file_ids, *devices]:
        product = message.get("garmin_product") or message.get("product_name")
        manufacturer = message.get("manufacturer")
        if isinstance(product, str):
            return f"{manufacturer} {product}" if isinstance(manufacturer, str) else product
    for message in file_ids:
        if isinstance(message.get("manufacturer"), str):
            return str(message["manufacturer"])
    return None


def _first_time(*values: Any) -> datetime | None:
    for value in values:
        converted = _as_utc(value)
        if converted is not None:
            return converted
    return None


def _as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int):
        return _FIT_EPOCH + timedelta(seconds=value)
    return None


def _string(value: Any) -> str | None:
    # garmin-fit-sdk returns a string field as a list when the field contains several strings.
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
