"""The result of one sync, shared by every activity source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SyncReport:
    """Outcome of one sync.

    `new`, `updated` and `removed` list activity keys, and `labels` maps a key to
    what a runner recognises it by (a file name or the activity's name) when the
    source knows it. `skipped` and `warnings` are lines that start with the item they
    are about and give the reason. `deferred` is why the rest waits for the next sync
    (None when the sync finished), and `requests` counts the HTTP requests sent.
    """

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deferred: str | None = None
    requests: int = 0
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
