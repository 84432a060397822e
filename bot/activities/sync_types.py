"""The result of one sync, shared by every activity source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SyncReport:
    """What one sync did: activity keys new, updated and removed, items skipped with the
    reason, warnings about damaged files, why the rest was deferred (None when the sync
    finished), and the number of HTTP requests sent."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deferred: str | None = None
    requests: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
