"""Offline workout destination: one FIT workout file per session in a folder.

A watch mounted over USB takes workout files from its GARMIN/NewFiles folder, so
the runner (or a sync script) copies the files from here. Files are named
`<local date>_<workout key>.fit` and written atomically; a file whose bytes would
not change is left alone. A manifest in the folder records which file belongs to
which session, so files of sessions removed from the calendar are deleted, while
files the runner put there are never touched.

garmin-fit-sdk's Encoder silently drops values given under sub-field names
(`duration_time`, `custom_target_speed_low`, `repeat_steps`, ...), so each
workout step is written with its main fields as raw scaled integers: durations in
ms or cm, speeds in mm/s, and repeat counts in `target_value`. Every file is
decoded again before it is written, and a mismatch raises.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.config.settings import Settings
from bot.garmin.report import Action, PushReport, PushResult, horizon
from bot.garmin.workout_json import workout_name
from bot.plan import PlannedSession
from bot.store.db import Store
from bot.store.pushed import PushedWorkout, delete_pushed, save_pushed
from bot.workouts.model import Block, EndKind, Repeat, Step, StepKind

log = logging.getLogger(__name__)

DESTINATION = "fit"
MANIFEST_NAME = ".peakbot-workouts.json"
FILE_NAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})_(?P<key>[A-Za-z0-9._-]+)\.fit$")

FILE_ID = 0
WORKOUT = 26
WORKOUT_STEP = 27

INTENSITY = {
    StepKind.WARMUP: "warmup",
    StepKind.ACTIVE: "active",
    StepKind.RECOVERY: "recovery",
    StepKind.REST: "rest",
    StepKind.COOLDOWN: "cooldown",
}


class FitFolderDestination:
    """Workout destination that writes FIT workout files into `settings.workouts_out`."""

    name = "fit"

    def __init__(self, settings: Settings, store: Store) -> None:
        self.folder = settings.workouts_out
        self.store = store

    def push(
        self, sessions: list[PlannedSession], *, today: date, days: int, dry_run: bool = False
    ) -> PushReport:
        horizon_end, in_horizon = horizon(sessions, today, days)
        log.info("FIT export to %s started: %d sessions", self.folder, len(in_horizon))
        manifest = self._read_manifest()
        file_of_session = {entry["session_id"]: name for name, entry in manifest.items()}
        file_name_of = _file_names(in_horizon)
        results: list[PushResult] = []

        for session in in_horizon:
            file_name = file_name_of[session.id]
            data = encode_workout_fit(session)
            path = self.folder / file_name
            previous_name = file_of_session.get(session.id)
            action: Action
            detail = file_name
            if path.is_file() and path.read_bytes() == data:
                action = "unchanged"
            elif previous_name is not None and previous_name != file_name:
                action = "rescheduled"
                detail = f"{file_name}, was {previous_name}"
            elif path.is_file() or previous_name == file_name:
                action = "updated"
            else:
                action = "created"
            if not dry_run and action != "unchanged":
                self.folder.mkdir(parents=True, exist_ok=True)
                _write_atomically(path, data)
            if not dry_run:
                save_pushed(
                    self.store,
                    PushedWorkout(
                        destination=DESTINATION,
                        session_id=session.id,
                        local_date=session.date,
                        content_hash=hashlib.sha256(data).hexdigest()[:12],
                        file_name=file_name,
                    ),
                )
            results.append(PushResult(session.id, session.date, session.title, action, detail))

        results += self._remove_stale(manifest, sessions, file_name_of, today, horizon_end, dry_run)
        if not dry_run:
            self._write_manifest(manifest, in_horizon, file_name_of, today, horizon_end)
        results.sort(key=lambda r: (r.date, r.session_id))
        return PushReport(results=results, destination=self.name)

    def _remove_stale(
        self,
        manifest: dict[str, dict[str, str]],
        sessions: list[PlannedSession],
        file_name_of: dict[str, str],
        today: date,
        horizon_end: date,
        dry_run: bool,
    ) -> list[PushResult]:
        by_id = {s.id: s for s in sessions}
        planned_files = set(file_name_of.values())
        candidates: dict[str, str | None] = {
            name: entry["session_id"] for name, entry in manifest.items()
        }
        if self.folder.is_dir():
            # Without a manifest entry a file is still peakbot's when it has peakbot's name form.
            for path in self.folder.iterdir():
                if FILE_NAME_RE.match(path.name) and path.name not in candidates:
                    candidates[path.name] = None
        results: list[PushResult] = []
        for name, session_id in sorted(candidates.items()):
            match = FILE_NAME_RE.match(name)
            path = self.folder / name
            if name in planned_files or match is None or not path.is_file():
                continue
            day = date.fromisoformat(match["date"])
            if not today <= day <= horizon_end:
                continue  # past files stay as history, later ones wait for the horizon
            session = by_id.get(session_id) if session_id else None
            if not dry_run:
                path.unlink()
                if session_id and session is None:
                    delete_pushed(self.store, DESTINATION, session_id)
            log.info("deleted workout file %s", path)
            if session is None:
                # Older manifests have no title, so the file name's workout key is used instead.
                title = manifest.get(name, {}).get("title")
                if not isinstance(title, str) or not title:
                    title = match["key"]
                results.append(PushResult(session_id or name, day, title, "removed", name))
            elif session.id not in file_name_of:
                # Moved out of the horizon; its new file is written once the date is in it.
                results.append(
                    PushResult(session.id, session.date, session.title, "rescheduled", name)
                )
        return results

    def _read_manifest(self) -> dict[str, dict[str, str]]:
        path = self.folder / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(name): entry
            for name, entry in data.items()
            if isinstance(entry, dict) and isinstance(entry.get("session_id"), str)
        }

    def _write_manifest(
        self,
        manifest: dict[str, dict[str, str]],
        in_horizon: list[PlannedSession],
        file_name_of: dict[str, str],
        today: date,
        horizon_end: date,
    ) -> None:
        # Entries outside the horizon are entries; inside it the folder now matches the plan.
        entries = {
            name: entry
            for name, entry in manifest.items()
            if (match := FILE_NAME_RE.match(name)) is not None
            and not today <= date.fromisoformat(match["date"]) <= horizon_end
            and (self.folder / name).is_file()
        }
        for session in in_horizon:
            entries[file_name_of[session.id]] = {
                "session_id": session.id,
                "date": session.date.isoformat(),
                "title": session.title,
            }
        if not entries and not (self.folder / MANIFEST_NAME).exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(entries, indent=1, sort_keys=True) + "\n"
        _write_atomically(self.folder / MANIFEST_NAME, text.encode())


def _file_names(sessions: list[PlannedSession]) -> dict[str, str]:
    """Name each file by date and workout key; two sessions of one key on a date use ids."""
    names: dict[str, str] = {}
    uses: dict[str, int] = {}
    for session in sessions:
        base = f"{session.date.isoformat()}_{_safe(session.workout_key)}.fit"
        uses[base] = uses.get(base, 0) + 1
    for session in sessions:
        base = f"{session.date.isoformat()}_{_safe(session.workout_key)}.fit"
        if uses[base] > 1:
            base = f"{session.date.isoformat()}_{_safe(session.id)}.fit"
        names[session.id] = base
    return names


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "workout"


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def fit_steps(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    """Flatten workout blocks into workout_step fields (main fields, raw scaled integers).

    A repeat becomes its steps followed by a `repeat_until_steps_cmplt` step whose
    `duration_value` is the index of the repeat's first step and whose
    `target_value` is the repeat count.
    """
    steps: list[dict[str, Any]] = []
    _append_blocks(blocks, steps)
    for index, step in enumerate(steps):
        step["message_index"] = index
    return steps


def _append_blocks(blocks: tuple[Block, ...], steps: list[dict[str, Any]]) -> None:
    for block in blocks:
        if isinstance(block, Step):
            steps.append(_step_fields(block))
        else:
            _append_repeat(block, steps)


def _append_repeat(repeat: Repeat, steps: list[dict[str, Any]]) -> None:
    first_index = len(steps)
    _append_blocks(repeat.steps, steps)
    steps.append(
        {
            "duration_type": "repeat_until_steps_cmplt",
            "duration_value": first_index,
            "target_type": "open",
            "target_value": repeat.count,
        }
    )


def _step_fields(step: Step) -> dict[str, Any]:
    fields: dict[str, Any] = {"intensity": INTENSITY[step.kind]}
    value = step.end.value
    if step.end.kind is EndKind.TIME and value is not None:
        fields["duration_type"] = "time"
        fields["duration_value"] = round(value * 1000)  # ms
    elif step.end.kind is EndKind.DISTANCE and value is not None:
        fields["duration_type"] = "distance"
        fields["duration_value"] = round(value * 100)  # cm
    else:
        fields["duration_type"] = "open"
    if step.target is None:
        fields["target_type"] = "open"
    else:
        fields["target_type"] = "speed"
        fields["target_value"] = 0  # 0 selects the custom range below, not a speed zone
        fields["custom_target_value_low"] = round(step.target.min_speed_mps * 1000)  # mm/s
        fields["custom_target_value_high"] = round(step.target.max_speed_mps * 1000)
    return fields


def encode_workout_fit(session: PlannedSession) -> bytes:
    """Encode `session` as a FIT workout file; the bytes depend on the session only."""
    from garmin_fit_sdk import Encoder

    steps = fit_steps(session.workout.steps)
    created = datetime(session.date.year, session.date.month, session.date.day, tzinfo=UTC)
    serial = int.from_bytes(hashlib.sha256(session.id.encode()).digest()[:4], "big") or 1
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": FILE_ID,
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial,
            "time_created": created,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": WORKOUT,
            "sport": "running",
            "num_valid_steps": len(steps),
            "wkt_name": workout_name(session),
        }
    )
    for step in steps:
        encoder.write_mesg({"mesg_num": WORKOUT_STEP, **step})
    data = bytes(encoder.close())
    _check_decoded(data, steps)
    return data


def decode_workout_steps(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decode a FIT workout file into its workout message and its workout steps."""
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    if errors:
        raise ValueError(f"FIT workout does not decode: {errors[0]}")
    workouts: list[dict[str, Any]] = [dict(w) for w in messages.get("workout_mesgs") or [{}]]
    steps: list[dict[str, Any]] = [dict(step) for step in messages.get("workout_step_mesgs") or []]
    return workouts[0], steps


def _check_decoded(data: bytes, steps: list[dict[str, Any]]) -> None:
    _, decoded = decode_workout_steps(data)
    if len(decoded) != len(steps):
        raise ValueError(f"FIT workout has {len(decoded)} steps after encoding, not {len(steps)}")
    for written, read in zip(steps, decoded, strict=True):
        for key, value in written.items():
            if read.get(key) != value:
                raise ValueError(
                    f"FIT workout step {written['message_index']}: {key} reads back as "
                    f"{read.get(key)!r}, not {value!r}"
                )
