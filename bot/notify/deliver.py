"""Delivery of stored summaries through Apprise, or to standard output with no URLs.

Each Apprise URL is one delivery target. Targets are stored and logged as a short
fingerprint of the URL (`apprise:1a2b3c4d5e6f`), never the URL, because URLs carry
passwords and bot tokens. Email targets get the HTML body with the chart inline.
Every other target gets the plain text, with the chart attached where the service
accepts attachments.

`flush_outbox` sends what the store says is due and records each outcome, and
never raises. A failed delivery is retried on a time-based backoff (`RETRY_DELAYS`)
by whichever job flushes the outbox after its delay, for about a day, then given up.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.notify.summary import CHART_NAME
from bot.store import jobs
from bot.store.db import Store

log = logging.getLogger(__name__)

LOCAL_TARGET = "local"
# The wait after the n-th failed attempt before the next one: quickly at first for a
# blip, then every three hours, about a day in all.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    *(timedelta(hours=3) for _ in range(8)),
)
# Attempts per delivery over all calls of `flush_outbox`, after which it is given up.
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_at(delivery: jobs.Delivery) -> datetime | None:
    """Return when a failed delivery is due again; None when it is not a failed one."""
    if delivery.state != jobs.FAILED or delivery.attempts < 1:
        return None
    index = min(delivery.attempts, len(RETRY_DELAYS)) - 1
    return delivery.updated_utc + RETRY_DELAYS[index]


def target_id(url: str) -> str:
    """Return the fingerprint stored and logged in place of an Apprise URL."""
    return "apprise:" + hashlib.sha256(url.encode()).hexdigest()[:12]


def summary_file_stem(summary: jobs.StoredSummary) -> str:
    stem = f"{summary.local_date.isoformat()}-{summary.kind}"
    if summary.session_id:
        stem += f"-{summary.session_id}"
    return stem


def write_summary_files(summary: jobs.StoredSummary, folder: Path) -> list[Path]:
    """Write the summary as .txt, .html and, with a chart, .png; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = summary_file_stem(summary)
    paths = [folder / f"{stem}.txt", folder / f"{stem}.html"]
    paths[0].write_text(summary.text + "\n", encoding="utf-8")
    page = summary.html
    if summary.chart_png is not None:
        chart = folder / f"{stem}.png"
        chart.write_bytes(summary.chart_png)
        paths.append(chart)
        # The saved page shows the chart from the file next to it.
        page = page.replace(f"cid:{CHART_NAME}", chart.name)
    paths[1].write_text(page, encoding="utf-8")
    return paths


class Notifier:
    """Sender of stored summaries to their targets, which keeps the Apprise URLs unlogged."""

    def __init__(
        self,
        urls: Sequence[str],
        *,
        out: TextIO | None = None,
        tries_per_send: int = 2,
        retry_delay_s: float = 5.0,
    ) -> None:
        self._urls = {target_id(url): url for url in urls}
        self._out = out
        self.tries_per_send = tries_per_send
        self.retry_delay_s = retry_delay_s

    def targets(self) -> list[str]:
        """Return the targets a new summary is delivered to."""
        return list(self._urls) if self._urls else [LOCAL_TARGET]

    def send(self, summary: jobs.StoredSummary, target: str) -> str | None:
        """Send a summary to one target; return None on success, else what failed."""
        if target == LOCAL_TARGET:
            out = self._out if self._out is not None else sys.stdout
            out.write(f"{summary.text}\n\n")
            out.flush()
            return None
        url = self._urls.get(target)
        if url is None:
            return "this target is no longer in PEAKBOT_APPRISE_URLS"
        error: str | None = "not sent"
        for attempt in range(1, self.tries_per_send + 1):
            error = _send_apprise(url, summary)
            if error is None:
                return None
            log.warning(
                "delivery of summary %s to %s failed (try %d of %d): %s",
                summary.id,
                target,
                attempt,
                self.tries_per_send,
                error,
            )
            if attempt < self.tries_per_send and self.retry_delay_s > 0:
                time.sleep(self.retry_delay_s)
        return error


def _send_apprise(url: str, summary: jobs.StoredSummary) -> str | None:
    import apprise
    from apprise.plugins.email import NotifyEmail

    # Apprise's own log lines can name hosts and addresses from the URL.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    app = apprise.Apprise()
    if not app.add(url):
        return (
            "Apprise rejected the URL; check its syntax at https://github.com/caronc/apprise/wiki"
        )
    server: Any = app[0]
    is_email = isinstance(server, NotifyEmail)
    if is_email:
        # Embed the chart in the HTML (Content-ID reps.png) rather than as a download.
        server.inline = True

    with tempfile.TemporaryDirectory(prefix="peakbot-") as folder:
        attach = None
        if summary.chart_png is not None and (is_email or server.attachment_support):
            path = Path(folder) / CHART_NAME
            path.write_bytes(summary.chart_png)
            attach = apprise.AppriseAttachment()
            attach.add(str(path))
        with _AppriseLogWatch() as plugin:
            try:
                ok = app.notify(
                    title=summary.title,
                    body=summary.html if is_email else summary.text,
                    body_format=(
                        apprise.NotifyFormat.HTML if is_email else apprise.NotifyFormat.TEXT
                    ),
                    attach=attach,
                )
            except Exception as error:  # Apprise plugins raise many types; none may stop the job.
                return f"{type(error).__name__} while sending"
    if ok:
        return None
    if plugin.refused:
        return f"the {server.service_name} service refused the connection; is it running?"
    return f"the {server.service_name} service did not accept the message"


class _AppriseLogWatch(logging.Handler):
    """Notes what Apprise logged during one send, without passing it on.

    Apprise reports a refused connection only in its log, whose lines can name the
    host, so they are read here for that one fact and never written anywhere.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.refused = False
        self._logger = logging.getLogger("apprise")
        self._saved = (self._logger.level, self._logger.propagate)

    def emit(self, record: logging.LogRecord) -> None:
        if "refused" in record.getMessage().lower():
            self.refused = True

    def __enter__(self) -> _AppriseLogWatch:
        self._logger.addHandler(self)
        self._logger.setLevel(logging.DEBUG)
        self._logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._saved[0])
        self._logger.propagate = self._saved[1]


@dataclass(frozen=True)
class OutboxReport:
    sent: int = 0
    failed: int = 0


def flush_outbox(
    store: Store,
    notifier: Notifier,
    now: Callable[[], datetime],
    *,
    summary_ids: set[int] | None = None,
) -> OutboxReport:
    """Send every due delivery (or only those of `summary_ids`) and record each outcome.

    Each delivery is claimed (`sending`, committed) before it is sent and recorded after,
    so a crash in between leaves it `sending`, which the next start marks `unknown`
    instead of sending it again.
    """
    sent = failed = 0
    for delivery in jobs.due_deliveries(store, MAX_ATTEMPTS):
        if summary_ids is not None and delivery.summary_id not in summary_ids:
            continue
        due = retry_at(delivery)
        if due is not None and now() < due:
            continue
        summary = jobs.get_summary_by_id(store, delivery.summary_id)
        if summary is None:
            continue
        if not jobs.claim_delivery(store, delivery.summary_id, delivery.target, now()):
            continue
        error = notifier.send(summary, delivery.target)
        jobs.record_delivery(
            store,
            delivery.summary_id,
            delivery.target,
            now(),
            sent=error is None,
            error=error,
            max_attempts=MAX_ATTEMPTS,
        )
        if error is None:
            sent += 1
            log.info(
                "sent %s summary %s for %s to %s",
                summary.kind,
                summary.id,
                summary.local_date,
                delivery.target,
            )
        else:
            failed += 1
            attempt = delivery.attempts + 1
            if attempt >= MAX_ATTEMPTS:
                log.error(
                    "gave up sending %s summary %s to %s after %d attempts: %s; "
                    "`peakbot summary --date %s --send` sends it again",
                    summary.kind,
                    summary.id,
                    delivery.target,
                    attempt,
                    error,
                    summary.local_date,
                )
            else:
                log.error(
                    "could not send %s summary %s to %s (attempt %d of %d, next in %s): %s",
                    summary.kind,
                    summary.id,
                    delivery.target,
                    attempt,
                    MAX_ATTEMPTS,
                    _duration(RETRY_DELAYS[attempt - 1]),
                    error,
                )
    return OutboxReport(sent=sent, failed=failed)


def _duration(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"
