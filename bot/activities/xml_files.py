"""TCX and GPX activity files, parsed with the standard library's ElementTree.

Namespaces differ between writers (Garmin Connect, Strava, older Garmin devices),
so elements are matched on their local name only.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.activities.model import Activity, Lap, Streams

# GPX has no moving-time field: an interval counts as moving above this speed.
MOVING_SPEED_MPS = 0.5
_EARTH_RADIUS_M = 6_371_008.8


def activity_from_tcx(data: bytes, name: str, timezone: ZoneInfo) -> tuple[Activity, list[str]]:
    """Build an Activity from the first <Activity> of a TCX file.

    Raises ValueError when the file is not valid XML or contains no activity.
    """
    root = _parse(data)
    activity_element = next(_descendants(root, "Activity"), None)
    if activity_element is None:
        raise ValueError("no <Activity> element")
    warnings: list[str] = []
    lap_elements = list(_children(activity_element, "Lap"))
    start = _time(activity_element.get("StartTime") or _text(activity_element, "Id"))
    if lap_elements and lap_elements[0].get("StartTime"):
        start = _time(lap_elements[0].get("StartTime"))
    if start is None:
        raise ValueError("no start time in <Id> or the first <Lap>")

    rows: list[_Point] = []
    lap_starts: list[datetime] = []
    lap_totals: list[tuple[float, float, float | None, float | None, float | None]] = []
    for lap_element in lap_elements:
        lap_start = _time(lap_element.get("StartTime")) or start
        lap_starts.append(lap_start)
        lap_totals.append(
            (
                _float(_text(lap_element, "TotalTimeSeconds")) or 0.0,
                _float(_text(lap_element, "DistanceMeters")) or 0.0,
                _float(_text(lap_element, "AverageHeartRateBpm", "Value")),
                _float(_text(lap_element, "MaximumHeartRateBpm", "Value")),
                _float(_text(lap_element, "Cadence")),
            )
        )
        for point in _descendants(lap_element, "Trackpoint"):
            row = _tcx_point(point)
            if row is not None:
                rows.append(row)
    streams = _streams(rows, start)
    end = rows[-1].time if rows else None

    laps: list[Lap] = []
    for index, (lap_start, totals) in enumerate(zip(lap_starts, lap_totals, strict=True)):
        moving, distance, avg_hr, max_hr, cadence = totals
        next_start = lap_starts[index + 1] if index + 1 < len(lap_starts) else end
        elapsed = (next_start - lap_start).total_seconds() if next_start else moving
        laps.append(
            Lap(
                start_offset_s=(lap_start - start).total_seconds(),
                distance_m=distance,
                moving_time_s=moving,
                elapsed_time_s=max(elapsed, moving),
                avg_speed_mps=distance / moving if moving > 0 else None,
                avg_hr=avg_hr,
                max_hr=max_hr,
                # TCX <Cadence> counts strides (one foot) per minute for running.
                avg_cadence=cadence * 2 if cadence is not None else None,
            )
        )
    moving_total = sum(lap.moving_time_s for lap in laps)
    elapsed_total = (end - start).total_seconds() if end else moving_total
    sport = (activity_element.get("Sport") or "Running").lower()
    hr_values = [v for v in (streams.heart_rate or []) if v is not None] if streams else []
    lap_hr = [(lap.avg_hr, lap.moving_time_s) for lap in laps if lap.avg_hr is not None]
    avg_hr = None
    if lap_hr and moving_total > 0:
        avg_hr = sum(hr * time for hr, time in lap_hr) / sum(time for _, time in lap_hr)
    elif hr_values:
        avg_hr = sum(hr_values) / len(hr_values)
    max_candidates = [lap.max_hr for lap in laps if lap.max_hr is not None] + hr_values
    creator = _text(activity_element, "Creator", "Name")
    if streams is not None and streams.latlng is None:
        sub_sport: str | None = "treadmill"
    else:
        sub_sport = None
    return (
        Activity(
            source="file",
            source_id=start.strftime("%Y%m%dT%H%M%SZ"),
            start_utc=start,
            local_date=start.astimezone(timezone).date(),
            sport="running" if sport == "running" else sport,
            sub_sport=sub_sport,
            device=creator,
            name=_text(activity_element, "Notes"),
            distance_m=sum(lap.distance_m for lap in laps),
            moving_time_s=moving_total,
            elapsed_time_s=max(elapsed_total, moving_total),
            avg_hr=avg_hr,
            max_hr=max(max_candidates) if max_candidates else None,
            laps=laps,
            streams=streams,
        ),
        warnings,
    )


def activity_from_gpx(data: bytes, name: str, timezone: ZoneInfo) -> tuple[Activity, list[str]]:
    """Build an Activity from the tracks of a GPX file, as one lap.

    GPX stores points only, so distance sums the great-circle distances between
    points and moving time sums the intervals faster than MOVING_SPEED_MPS.
    Raises ValueError when the file is not valid XML or has no timed points.
    """
    root = _parse(data)
    rows: list[_Point] = []
    for point in _descendants(root, "trkpt"):
        when = _time(_text(point, "time"))
        if when is None:
            continue
        lat = _float(point.get("lat"))
        lon = _float(point.get("lon"))
        hr = cadence = None
        for element in point.iter():
            local = _local(element.tag)
            if local == "hr":
                hr = _float(element.text)
            elif local == "cad":
                cadence = _float(element.text)
        position = (lat, lon) if lat is not None and lon is not None else None
        # GPX cadence extensions count strides (one foot) per minute.
        rows.append(_Point(when, position, None, hr, cadence * 2 if cadence else cadence))
    if not rows:
        raise ValueError("no track points with a <time>")
    rows.sort(key=lambda row: row.time)
    distance = 0.0
    moving = 0.0
    for previous, current in itertools.pairwise(rows):
        step = _haversine_m(previous.position, current.position)
        seconds = (current.time - previous.time).total_seconds()
        distance += step
        current.distance_m = distance
        if seconds > 0 and step / seconds >= MOVING_SPEED_MPS:
            moving += seconds
    rows[0].distance_m = 0.0
    start = rows[0].time
    elapsed = (rows[-1].time - start).total_seconds()
    streams = _streams(rows, start)
    hr_values = [row.heart_rate for row in rows if row.heart_rate is not None]
    cadence_values = [row.cadence for row in rows if row.cadence]
    track = next(_descendants(root, "trk"), None)
    track_name = _text(track, "name") if track is not None else None
    track_type = (_text(track, "type") if track is not None else None) or "running"
    lap = Lap(
        start_offset_s=0.0,
        distance_m=distance,
        moving_time_s=moving,
        elapsed_time_s=elapsed,
        avg_speed_mps=distance / moving if moving > 0 else None,
        avg_hr=sum(hr_values) / len(hr_values) if hr_values else None,
        max_hr=max(hr_values) if hr_values else None,
        avg_cadence=sum(cadence_values) / len(cadence_values) if cadence_values else None,
    )
    return (
        Activity(
            source="file",
            source_id=start.strftime("%Y%m%dT%H%M%SZ"),
            start_utc=start,
            local_date=start.astimezone(timezone).date(),
            sport="running" if track_type.lower() in {"running", "run", "9"} else track_type,
            device=root.get("creator"),
            name=track_name,
            distance_m=distance,
            moving_time_s=moving,
            elapsed_time_s=elapsed,
            avg_hr=lap.avg_hr,
            max_hr=lap.max_hr,
            laps=[lap],
            streams=streams,
        ),
        [],
    )


class _Point:
    __slots__ = ("cadence", "distance_m", "heart_rate", "position", "time")

    def __init__(
        self,
        time: datetime,
        position: tuple[float, float] | None,
        distance_m: float | None,
        heart_rate: float | None,
        cadence: float | None,
    ) -> None:
        self.time = time
        self.position = position
        self.distance_m = distance_m
        self.heart_rate = heart_rate
        self.cadence = cadence


def _tcx_point(element: ET.Element) -> _Point | None:
    when = _time(_text(element, "Time"))
    if when is None:
        return None
    lat = _float(_text(element, "Position", "LatitudeDegrees"))
    lon = _float(_text(element, "Position", "LongitudeDegrees"))
    cadence = _float(_text(element, "Cadence"))
    for child in element.iter():
        if _local(child.tag) == "RunCadence":
            cadence = _float(child.text)
    return _Point(
        when,
        (lat, lon) if lat is not None and lon is not None else None,
        _float(_text(element, "DistanceMeters")),
        _float(_text(element, "HeartRateBpm", "Value")),
        cadence * 2 if cadence is not None else None,
    )


def _streams(rows: list[_Point], start: datetime) -> Streams | None:
    if not rows:
        return None
    distances = [row.distance_m for row in rows]
    known = [d for d in distances if d is not None]
    filled: list[float] | None = None
    if known:
        last = known[0]
        filled = []
        for value in distances:
            last = value if value is not None else last
            filled.append(last)
    heart_rate = [row.heart_rate for row in rows]
    cadence = [row.cadence for row in rows]
    latlng = [row.position for row in rows]
    return Streams(
        time_s=[(row.time - start).total_seconds() for row in rows],
        distance_m=filled,
        heart_rate=heart_rate if any(v is not None for v in heart_rate) else None,
        cadence=cadence if any(v is not None for v in cadence) else None,
        latlng=latlng if any(p is not None for p in latlng) else None,
    )


def _parse(data: bytes) -> ET.Element:
    try:
        return ET.fromstring(data.lstrip(b"\xef\xbb\xbf \r\n\t"))
    except ET.ParseError as error:
        raise ValueError(f"invalid XML: {error}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element.iter() if _local(child.tag) == name)


def _text(element: ET.Element, *path: str) -> str | None:
    current: ET.Element | None = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    if current is None or current.text is None:
        return None
    return current.text.strip()


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _haversine_m(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if a is None or b is None:
        return 0.0
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))
