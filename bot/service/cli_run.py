"""The data-directory lock and a job-run record for one-shot commands (`push`, `sync`).

A command that writes the store takes the same lock as the service, so it never
works on the data directory while the service does, and records itself as a job
run, so `peakbot status` shows its result and its error like the service's jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import PeakbotError
from bot.service import records
from bot.service.lock import ProcessLock
from bot.store import jobs
from bot.store.db import Store


@dataclass
class CommandRun:
    """Outcome of one command: its detail, and an error when it partly failed."""

    detail: str = ""
    error: str | None = None


@contextmanager
def locked_run(data_dir: Path, store: Store, job: str) -> Iterator[CommandRun]:
    """Hold the data-directory lock and record the command as a run of `job`.

    Raises AlreadyRunning before anything is recorded when another process holds
    the lock. A PeakbotError raised inside is recorded as the run's error and raised again.
    """
    with ProcessLock(data_dir):
        run_id = jobs.start_job_run(store, job, datetime.now(UTC))
        run = CommandRun()
        try:
            yield run
        except PeakbotError as error:
            _finish(store, run_id, run.detail, _sentence(str(error) or type(error).__name__))
            records.note_auth(store, job, error, datetime.now(UTC))
            raise
        except BaseException as error:
            if isinstance(error, SystemExit) and not error.code:
                _finish(store, run_id, run.detail, run.error)
            else:
                _finish(store, run_id, run.detail, run.error or _sentence(type(error).__name__))
            raise
        _finish(store, run_id, run.detail, run.error)
        records.note_auth(store, job, None, datetime.now(UTC))


def _finish(store: Store, run_id: int, detail: str, error: str | None) -> None:
    jobs.finish_job_run(
        store,
        run_id,
        datetime.now(UTC),
        result="error" if error else "ok",
        detail=f"{detail}; from the command line" if detail else "from the command line",
        error=error,
    )


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."
