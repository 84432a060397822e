"""`peakbot status`: jobs, errors, token expiry and the coming week's pushed sessions.

Everything comes from the store and the token files; no request is sent. Token
files are read for their expiry fields only, and no token value is ever returned.
Every time is shown in the athlete's time zone with its UTC offset.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.settings import Settings
from bot.service.lock import holder_pid
from bot.store import jobs
from bot.store.db import Store

GARMIN_TOKEN_FILE = "garmin_tokens.json"
STRAVA_TOKEN_FILE = "strava_tokens.json"
UTC_ZONE = ZoneInfo("UTC")
JOB_ORDER = ("push", "sync", "morning-summary", "calendar")


def _local(moment: datetime | str | None, timezone: ZoneInfo) -> str | None:
    """Format an aware time (or ISO 8601 text) in `timezone` with its offset, to the second."""
    if moment is None:
        return None
    if isinstance(moment, str):
        text = moment
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone).isoformat(timespec="seconds")


def _jwt_expiry(token: object) -> str | None:
    """Read the `exp` claim of a JWT without checking its signature; None when absent."""
    if not isinstance(token, str) or token.count(".") < 2:
        return None
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expiry = float(claims["exp"])
    except (ValueError, KeyError, TypeError):
        return None
    return datetime.fromtimestamp(expiry, UTC).isoformat(timespec="seconds")


def token_status(token_dir: Path, timezone: ZoneInfo = UTC_ZONE) -> dict[str, Any]:
    """Return, per service, whether its token file exists and when its tokens expire."""
    garmin: dict[str, Any] = {"file": str(token_dir / GARMIN_TOKEN_FILE), "present": False}
    path = token_dir / GARMIN_TOKEN_FILE
    if path.is_file():
        garmin["present"] = True
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            garmin["problem"] = "unreadable; run `peakbot auth garmin` again"
        else:
            garmin["access_expires"] = _local(_jwt_expiry(data.get("di_token")), timezone)
            garmin["refresh_expires"] = _local(_jwt_expiry(data.get("di_refresh_token")), timezone)

    strava: dict[str, Any] = {"file": str(token_dir / STRAVA_TOKEN_FILE), "present": False}
    path = token_dir / STRAVA_TOKEN_FILE
    if path.is_file():
        strava["present"] = True
        try:
            data = json.loads(path.read_text())
            strava["access_expires"] = _local(
                datetime.fromtimestamp(int(data["expires_at"]), UTC), timezone
            )
        except (OSError, ValueError, KeyError, TypeError):
            strava["problem"] = "unreadable; run `peakbot auth strava` again"
        # Strava refresh tokens do not expire; each refresh replaces the saved one.
    return {"garmin": garmin, "strava": strava}


def _run_dict(run: jobs.JobRun | None, timezone: ZoneInfo) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "job": run.job,
        "started": _local(run.started_utc, timezone),
        "ended": _local(run.ended_utc, timezone),
        "result": run.result,
        "detail": run.detail,
        "error": run.error,
    }


def pushed_this_week(
    store: Store, today: date, days: int = 7, planned: set[tuple[str, date]] | None = None
) -> list[dict[str, Any]]:
    """Return the push records of the coming days.

    With `planned` (session id and date of each session of the current plan), only
    the records of those sessions: a row left by a session since deleted or moved
    describes nothing on the watch's calendar.
    """
    from bot.store.pushed import list_pushed

    end = today + timedelta(days=days - 1)
    rows: list[dict[str, Any]] = []
    for destination in ("garmin", "fit"):
        for record in list_pushed(store, destination).values():
            if planned is not None and (record.session_id, record.local_date) not in planned:
                continue
            if today <= record.local_date <= end:
                rows.append(
                    {
                        "destination": destination,
                        "session_id": record.session_id,
                        "date": record.local_date.isoformat(),
                        "state": record.state,
                        "workout_id": record.workout_id,
                        "file": record.file_name,
                    }
                )
    rows.sort(key=lambda row: (row["date"], row["session_id"]))
    return rows


def collect_status(
    settings: Settings, store: Store, *, today: date, timezone: ZoneInfo = UTC_ZONE
) -> dict[str, Any]:
    """Collect the status; `timezone` is the athlete's, for every time in it."""
    last = jobs.last_job_runs(store)
    next_runs = jobs.get_state(store, "next_runs", {}) or {}
    pid = holder_pid(settings.data_dir)
    names = [name for name in JOB_ORDER if name in last or name in next_runs]
    names += sorted(set(last) - set(names))
    return {
        "service": {"running": pid is not None, "pid": pid if pid and pid > 0 else None},
        "jobs": [
            {
                "job": name,
                "last_run": _run_dict(last.get(name), timezone),
                "next_run": _local(next_runs.get(name), timezone) if pid is not None else None,
            }
            for name in names
        ],
        "timezone": timezone.key,
        "last_error": _run_dict(jobs.last_error(store), timezone),
        "calendar_problem": jobs.get_state(store, "calendar_problem"),
        "deliveries": jobs.delivery_counts(store),
        "tokens": _with_rejections(store, token_status(settings.tokens, timezone)),
        "pushed": pushed_this_week(store, today, planned=_planned(settings, store)),
    }


def _planned(settings: Settings, store: Store) -> set[tuple[str, date]] | None:
    """Return the id and date of each session of the current plan; None when unreadable."""
    from bot.config.load import load_calendar
    from bot.errors import PeakbotError
    from bot.plan import build_plan, load_stored_prescriptions

    try:
        plan = build_plan(load_calendar(settings.config_path), load_stored_prescriptions(store))
    except (PeakbotError, OSError):
        return None
    return {(session.id, session.date) for session in plan}


def _with_rejections(store: Store, tokens: dict[str, Any]) -> dict[str, Any]:
    """Mark the tokens the service rejected on the last push or sync, until saved again."""
    for name, info in tokens.items():
        rejected = jobs.get_state(store, f"auth_rejected_{name}")
        if not info["present"] or not isinstance(rejected, dict):
            continue
        try:
            saved_after = Path(info["file"]).stat().st_mtime > float(rejected.get("at", 0))
        except OSError:
            saved_after = False
        if not saved_after:
            info["rejected"] = True
    return tokens


def format_status(status: dict[str, Any]) -> str:
    lines: list[str] = []
    service = status["service"]
    if service["running"]:
        lines.append(f"Service: running (pid {service['pid'] or 'unknown'})")
    else:
        lines.append("Service: not running; next runs are shown only while it runs")

    lines.append("Jobs:")
    if not status["jobs"]:
        lines.append("  no job has run yet")
    for job in status["jobs"]:
        run = job["last_run"]
        last = "never"
        if run is not None:
            last = f"{run['started']} {run['result']}"
            if run["detail"]:
                last += f" ({run['detail']})"
        lines.append(f"  {job['job']}: last {last}; next {job['next_run'] or '-'}")

    error = status["last_error"]
    lines.append(
        f"Last error: {error['job']} at {error['started']}: {error['error']}"
        if error
        else "Last error: none"
    )
    if status["calendar_problem"]:
        problem_lines = str(status["calendar_problem"]).splitlines()
        lines.append(f"Calendar problem: {problem_lines[0]}")
        lines.extend(f"  {line}" for line in problem_lines[1:])
    counts = status["deliveries"]
    if counts:
        lines.append(
            "Deliveries: "
            + ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
        )

    lines.append("Tokens:")
    for name, info in status["tokens"].items():
        if not info["present"]:
            lines.append(f"  {name}: not logged in (run `peakbot auth {name}`)")
        elif info.get("problem"):
            lines.append(f"  {name}: {info['problem']}")
        elif info.get("rejected"):
            lines.append(f"  {name}: rejected: run `peakbot auth {name}`")
        else:
            text = f"  {name}: access token expires {info.get('access_expires') or 'unknown'}"
            if name == "garmin":
                text += f", refresh token expires {info.get('refresh_expires') or 'unknown'}"
            else:
                text += " (refreshed automatically)"
            lines.append(text)

    lines.append("Pushed for the coming week:")
    if not status["pushed"]:
        lines.append("  nothing")
    for row in status["pushed"]:
        where = row["file"] or (f"workout {row['workout_id']}" if row["workout_id"] else "")
        lines.append(
            f"  {row['date']} {row['session_id']} -> {row['destination']} {where}"
            + (" (pending)" if row["state"] != "done" else "")
        )
    return "\n".join(lines)
