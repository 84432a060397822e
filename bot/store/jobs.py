"""Service bookkeeping: job runs, summaries with their deliveries, tuning notes and state.

Summaries work as an outbox. A summary row is unique per (kind, local date, session
id) and is written with one `pending` delivery per target in the same transaction,
before anything is sent. A delivery moves to `sending` (committed) before the send
and to `sent` or `failed` after it. A delivery still in `sending` at start-up was
interrupted between send and record. It becomes `unknown` and is not sent again
unless the runner asks (`peakbot summary --send`), so a message arrives at most once.

Times are stored as ISO 8601 UTC strings; local dates as YYYY-MM-DD.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.store.db import Store

MIGRATIONS = [
    (
        "jobs-001-job-runs",
        """
        CREATE TABLE job_runs (
            id INTEGER PRIMARY KEY,
            job TEXT NOT NULL,
            started_utc TEXT NOT NULL,
            ended_utc TEXT,
            result TEXT NOT NULL DEFAULT 'running',
            detail TEXT,
            error TEXT
        );
        CREATE INDEX job_runs_by_job ON job_runs (job, id);
        """,
    ),
    (
        "jobs-002-summaries",
        """
        CREATE TABLE summaries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            local_date TEXT NOT NULL,
            session_id TEXT NOT NULL DEFAULT '',
            created_utc TEXT NOT NULL,
            late INTEGER NOT NULL DEFAULT 0,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT NOT NULL,
            chart_png BLOB,
            UNIQUE (kind, local_date, session_id)
        );
        CREATE TABLE deliveries (
            summary_id INTEGER NOT NULL REFERENCES summaries (id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            updated_utc TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY (summary_id, target)
        );
        CREATE INDEX deliveries_by_state ON deliveries (state);
        """,
    ),
    (
        "jobs-003-tuning-notes",
        """
        CREATE TABLE tuning_notes (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            next_session_id TEXT,
            decided_utc TEXT NOT NULL,
            action TEXT NOT NULL,
            text TEXT,
            reason TEXT NOT NULL,
            UNIQUE (session_id)
        );
        CREATE TABLE service_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        );
        """,
    ),
    (
        "jobs-004-reported-tuning",
        # Which morning summary reported each tuning note. Notes decided before a
        # stored morning summary count as reported by the first such summary; a note
        # decided in the same second as one was not in it, so it stays unreported.
        """
        ALTER TABLE tuning_notes ADD COLUMN reported_in INTEGER;
        UPDATE tuning_notes SET reported_in = (
            SELECT min(id) FROM summaries
            WHERE kind = 'morning' AND created_utc > tuning_notes.decided_utc
        );
        """,
    ),
    (
        "jobs-005-summary-activity",
        # The run a post-run summary was written from: a run gets at most one post-run
        # summary, and a summary is written again only when the run behind it changed.
        """
        ALTER TABLE summaries ADD COLUMN activity_key TEXT;
        CREATE INDEX summaries_by_activity ON summaries (activity_key);
        """,
    ),
]

# Delivery states, in the order a delivery passes through them.
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
# Interrupted between send and record: never retried, so nothing arrives twice.
UNKNOWN = "unknown"
# Failed `max_attempts` times: kept for `peakbot summary --send`, no longer retried.
GAVE_UP = "gave-up"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# --- Job runs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    id: int
    job: str
    started_utc: datetime
    ended_utc: datetime | None
    result: str  # "running", "ok", "skipped" or "error"
    detail: str | None
    error: str | None


def start_job_run(store: Store, job: str, now: datetime) -> int:
    """Record the start of a job run and return its id."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO job_runs (job, started_utc) VALUES (?, ?)", (job, _iso(now))
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def finish_job_run(
    store: Store,
    run_id: int,
    now: datetime,
    *,
    result: str,
    detail: str | None = None,
    error: str | None = None,
) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE job_runs SET ended_utc = ?, result = ?, detail = ?, error = ? WHERE id = ?",
            (_iso(now), result, detail, error, run_id),
        )


def close_interrupted_runs(store: Store, now: datetime) -> int:
    """Mark runs left `running` by a process that died as interrupted; return how many."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE job_runs SET ended_utc = ?, result = 'error',"
            " error = 'interrupted: the service stopped during this run.'"
            " WHERE result = 'running'",
            (_iso(now),),
        )
    return cursor.rowcount


def _job_run(row: Any) -> JobRun:
    return JobRun(
        id=row["id"],
        job=row["job"],
        started_utc=datetime.fromisoformat(row["started_utc"]),
        ended_utc=_parse(row["ended_utc"]),
        result=row["result"],
        detail=row["detail"],
        error=row["error"],
    )


def last_job_runs(store: Store) -> dict[str, JobRun]:
    """Return the latest run of each job, by job name."""
    rows = store.conn.execute(
        "SELECT * FROM job_runs WHERE id IN (SELECT max(id) FROM job_runs GROUP BY job)"
    ).fetchall()
    return {row["job"]: _job_run(row) for row in rows}


def last_error(store: Store) -> JobRun | None:
    row = store.conn.execute(
        "SELECT * FROM job_runs WHERE result = 'error' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return _job_run(row) if row else None


def list_job_runs(store: Store, job: str | None = None, limit: int = 1000) -> list[JobRun]:
    """Return job runs, oldest first."""
    if job is None:
        rows = store.conn.execute(
            "SELECT * FROM job_runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    else:
        rows = store.conn.execute(
            "SELECT * FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT ?", (job, limit)
        ).fetchall()
    return [_job_run(row) for row in reversed(rows)]


# --- Summaries and deliveries -----------------------------------------------------------------


@dataclass(frozen=True)
class StoredSummary:
    id: int
    kind: str  # "morning" or "post-run"
    local_date: date
    session_id: str  # "" for summaries that belong to no session
    created_utc: datetime
    late: bool
    title: str
    text: str
    html: str
    chart_png: bytes | None
    activity_key: str | None = None  # the run a post-run summary was written from


@dataclass(frozen=True)
class Delivery:
    summary_id: int
    target: str  # a fingerprint of the Apprise URL or "local"; never the URL itself
    state: str
    attempts: int
    updated_utc: datetime
    error: str | None


def _summary(row: Any) -> StoredSummary:
    return StoredSummary(
        id=row["id"],
        kind=row["kind"],
        local_date=date.fromisoformat(row["local_date"]),
        session_id=row["session_id"],
        created_utc=datetime.fromisoformat(row["created_utc"]),
        late=bool(row["late"]),
        title=row["title"],
        text=row["text"],
        html=row["html"],
        chart_png=row["chart_png"],
        activity_key=row["activity_key"],
    )


def _delivery(row: Any) -> Delivery:
    return Delivery(
        summary_id=row["summary_id"],
        target=row["target"],
        state=row["state"],
        attempts=row["attempts"],
        updated_utc=datetime.fromisoformat(row["updated_utc"]),
        error=row["error"],
    )


def get_summary(
    store: Store, kind: str, local_date: date, session_id: str = ""
) -> StoredSummary | None:
    row = store.conn.execute(
        "SELECT * FROM summaries WHERE kind = ? AND local_date = ? AND session_id = ?",
        (kind, local_date.isoformat(), session_id),
    ).fetchone()
    return _summary(row) if row else None


def get_summary_by_id(store: Store, summary_id: int) -> StoredSummary | None:
    row = store.conn.execute("SELECT * FROM summaries WHERE id = ?", (summary_id,)).fetchone()
    return _summary(row) if row else None


def list_summaries(
    store: Store, *, local_date: date | None = None, kind: str | None = None
) -> list[StoredSummary]:
    """Return summaries, oldest first, filtered by local date and kind when given."""
    sql = "SELECT * FROM summaries WHERE 1 = 1"
    params: list[object] = []
    if local_date is not None:
        sql += " AND local_date = ?"
        params.append(local_date.isoformat())
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    rows = store.conn.execute(sql + " ORDER BY id", params).fetchall()
    return [_summary(row) for row in rows]


def last_summary(store: Store, kind: str | None = None) -> StoredSummary | None:
    if kind is None:
        row = store.conn.execute("SELECT * FROM summaries ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = store.conn.execute(
            "SELECT * FROM summaries WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)
        ).fetchone()
    return _summary(row) if row else None


def create_summary(
    store: Store,
    *,
    kind: str,
    local_date: date,
    session_id: str,
    now: datetime,
    late: bool,
    title: str,
    text: str,
    html: str,
    chart_png: bytes | None,
    targets: list[str],
    already_sent: bool = False,
    activity_key: str | None = None,
) -> StoredSummary | None:
    """Store a summary and a pending delivery per target in one transaction.

    Returns None, and stores nothing, when a summary with the same kind, local date and
    session id exists: that is what keeps a restart from composing a message twice.
    With `already_sent` the deliveries are recorded as sent, for a summary that went
    out before the store lost its record of it.
    """
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO summaries"
            " (kind, local_date, session_id, created_utc, late, title, text, html, chart_png,"
            " activity_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind,
                local_date.isoformat(),
                session_id,
                _iso(now),
                int(late),
                title,
                text,
                html,
                chart_png,
                activity_key,
            ),
        )
        if cursor.rowcount == 0:
            return None
        summary_id = cursor.lastrowid
        for target in targets:
            conn.execute(
                "INSERT INTO deliveries (summary_id, target, state, updated_utc)"
                " VALUES (?, ?, ?, ?)",
                (summary_id, target, SENT if already_sent else PENDING, _iso(now)),
            )
    assert summary_id is not None
    return get_summary_by_id(store, summary_id)


def summary_of_activity(store: Store, kind: str, activity_key: str) -> StoredSummary | None:
    """Return the summary of this kind written from this run, if any."""
    row = store.conn.execute(
        "SELECT * FROM summaries WHERE kind = ? AND activity_key = ? ORDER BY id LIMIT 1",
        (kind, activity_key),
    ).fetchone()
    return _summary(row) if row else None


def set_summary_activity(store: Store, summary_id: int, activity_key: str) -> None:
    """Record the run a summary was written from, when the summary does not say."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE summaries SET activity_key = ? WHERE id = ? AND activity_key IS NULL",
            (activity_key, summary_id),
        )


def replace_summary(
    store: Store,
    summary_id: int,
    *,
    now: datetime,
    title: str,
    text: str,
    html: str,
    chart_png: bytes | None,
    activity_key: str | None,
    targets: list[str],
) -> StoredSummary | None:
    """Write a summary again (its run changed) and queue one fresh delivery per target."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE summaries SET created_utc = ?, title = ?, text = ?, html = ?,"
            " chart_png = ?, activity_key = ? WHERE id = ?",
            (_iso(now), title, text, html, chart_png, activity_key, summary_id),
        )
        conn.execute("DELETE FROM deliveries WHERE summary_id = ?", (summary_id,))
        for target in targets:
            conn.execute(
                "INSERT INTO deliveries (summary_id, target, state, updated_utc)"
                " VALUES (?, ?, ?, ?)",
                (summary_id, target, PENDING, _iso(now)),
            )
    return get_summary_by_id(store, summary_id)


def deliveries_for(store: Store, summary_id: int) -> list[Delivery]:
    rows = store.conn.execute(
        "SELECT * FROM deliveries WHERE summary_id = ? ORDER BY target", (summary_id,)
    ).fetchall()
    return [_delivery(row) for row in rows]


def add_delivery(store: Store, summary_id: int, target: str, now: datetime) -> bool:
    """Queue one more delivery of a stored summary; False when that target already has one."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO deliveries (summary_id, target, state, updated_utc)"
            " VALUES (?, ?, ?, ?)",
            (summary_id, target, PENDING, _iso(now)),
        )
    return cursor.rowcount > 0


def due_deliveries(store: Store, max_attempts: int) -> list[Delivery]:
    """Return deliveries still to send: pending ones, and failed ones with attempts left."""
    rows = store.conn.execute(
        "SELECT * FROM deliveries WHERE state = ? OR (state = ? AND attempts < ?)"
        " ORDER BY summary_id, target",
        (PENDING, FAILED, max_attempts),
    ).fetchall()
    return [_delivery(row) for row in rows]


def claim_delivery(store: Store, summary_id: int, target: str, now: datetime) -> bool:
    """Move a delivery to `sending` before its send; False when it is no longer due."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE deliveries SET state = ?, attempts = attempts + 1, updated_utc = ?"
            " WHERE summary_id = ? AND target = ? AND state IN (?, ?)",
            (SENDING, _iso(now), summary_id, target, PENDING, FAILED),
        )
    return cursor.rowcount == 1


def record_delivery(
    store: Store,
    summary_id: int,
    target: str,
    now: datetime,
    *,
    sent: bool,
    error: str | None = None,
    max_attempts: int = 5,
) -> None:
    """Record the outcome of a claimed delivery."""
    with store.transaction() as conn:
        if sent:
            conn.execute(
                "UPDATE deliveries SET state = ?, updated_utc = ?, error = NULL"
                " WHERE summary_id = ? AND target = ?",
                (SENT, _iso(now), summary_id, target),
            )
        else:
            conn.execute(
                "UPDATE deliveries SET state = CASE WHEN attempts >= ? THEN ? ELSE ? END,"
                " updated_utc = ?, error = ? WHERE summary_id = ? AND target = ?",
                (max_attempts, GAVE_UP, FAILED, _iso(now), error, summary_id, target),
            )


def settle_interrupted_deliveries(store: Store, now: datetime) -> int:
    """Mark deliveries left in `sending` by a dead process as `unknown`; return how many.

    The message may or may not have left; sending it again could duplicate it, so it
    is not retried. `peakbot summary --send` sends it again on request.
    """
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE deliveries SET state = ?, updated_utc = ?,"
            " error = 'interrupted between send and record; not sent again'"
            " WHERE state = ?",
            (UNKNOWN, _iso(now), SENDING),
        )
    return cursor.rowcount


def delivery_counts(store: Store) -> dict[str, int]:
    rows = store.conn.execute("SELECT state, count(*) FROM deliveries GROUP BY state").fetchall()
    return {row[0]: row[1] for row in rows}


# --- Tuning notes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TuningNote:
    session_id: str  # the analysed session
    next_session_id: str | None  # the session whose prescription changed, if any
    decided_utc: datetime
    action: str
    text: str | None  # the new prescription's workout text
    reason: str
    id: int = 0
    reported_in: int | None = None  # the id of the morning summary that reported it


def record_tuning(
    store: Store,
    *,
    session_id: str,
    next_session_id: str | None,
    now: datetime,
    action: str,
    text: str | None,
    reason: str,
) -> None:
    """Record the coach's decision after a session; a later decision for it replaces this.

    A replaced decision counts as unreported again, so the next morning summary says it.
    """
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO tuning_notes"
            " (session_id, next_session_id, decided_utc, action, text, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id) DO UPDATE SET next_session_id = excluded.next_session_id,"
            " decided_utc = excluded.decided_utc, action = excluded.action,"
            " text = excluded.text, reason = excluded.reason, reported_in = NULL",
            (session_id, next_session_id, _iso(now), action, text, reason),
        )


def delete_unreported_tuning(store: Store, session_ids: list[str]) -> None:
    """Forget the decisions taken after these sessions that no morning summary reported."""
    with store.transaction() as conn:
        conn.executemany(
            "DELETE FROM tuning_notes WHERE session_id = ? AND reported_in IS NULL",
            [(session_id,) for session_id in session_ids],
        )


def tuning_notes_since(store: Store, since: datetime | None) -> list[TuningNote]:
    """Return tuning decisions made after `since` (all when None), oldest first."""
    if since is None:
        rows = store.conn.execute("SELECT * FROM tuning_notes ORDER BY decided_utc, id").fetchall()
    else:
        rows = store.conn.execute(
            "SELECT * FROM tuning_notes WHERE decided_utc > ? ORDER BY decided_utc, id",
            (_iso(since),),
        ).fetchall()
    return [_tuning_note(row) for row in rows]


def unreported_tuning_notes(store: Store) -> list[TuningNote]:
    """Return the tuning decisions no morning summary has reported yet, oldest first."""
    rows = store.conn.execute(
        "SELECT * FROM tuning_notes WHERE reported_in IS NULL ORDER BY decided_utc, id"
    ).fetchall()
    return [_tuning_note(row) for row in rows]


def mark_tuning_reported(store: Store, note_ids: list[int], summary_id: int) -> None:
    """Record that the morning summary `summary_id` reported these tuning notes."""
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE tuning_notes SET reported_in = ? WHERE id = ? AND reported_in IS NULL",
            [(summary_id, note_id) for note_id in note_ids],
        )


def _tuning_note(row: Any) -> TuningNote:
    return TuningNote(
        session_id=row["session_id"],
        next_session_id=row["next_session_id"],
        decided_utc=datetime.fromisoformat(row["decided_utc"]),
        action=row["action"],
        text=row["text"],
        reason=row["reason"],
        id=row["id"],
        reported_in=row["reported_in"],
    )


# --- Service state ----------------------------------------------------------------------------


def set_state(store: Store, key: str, value: Any, now: datetime) -> None:
    """Store a JSON-serialisable value under `key`."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO service_state (key, value, updated_utc) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_utc = excluded.updated_utc",
            (key, json.dumps(value), _iso(now)),
        )


def get_state(store: Store, key: str, default: Any = None) -> Any:
    row = store.conn.execute("SELECT value FROM service_state WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else default


def delete_state(store: Store, key: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM service_state WHERE key = ?", (key,))


def requeue_delivery(store: Store, summary_id: int, target: str, now: datetime) -> None:
    """Make a delivery due again with fresh attempts, for a resend the runner asked for."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE deliveries SET state = ?, attempts = 0, error = NULL, updated_utc = ?"
            " WHERE summary_id = ? AND target = ?",
            (PENDING, _iso(now), summary_id, target),
        )
