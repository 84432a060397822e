"""No real sample file is stored in the repository, under any name."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import REPO_ROOT

# Folders that contain no committed files: the virtual environment, caches and run output.
SKIPPED_DIRS = {".git", ".venv", "venv", "data", "__pycache__", ".mypy_cache", ".ruff_cache"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def repo_files() -> list[Path]:
    files: list[Path] = []
    for path in REPO_ROOT.rglob("*"):
        parts = set(path.relative_to(REPO_ROOT).parts)
        if parts & SKIPPED_DIRS or any(p.endswith(".egg-info") for p in parts):
            continue
        if path.is_file():
            files.append(path)
    return files


def test_no_real_file_copied(real_data: Path) -> None:
    real = {p for p in real_data.rglob("*") if p.is_file() and p.name != "SOURCES.md"}
    by_size: dict[int, list[Path]] = {}
    for path in real:
        by_size.setdefault(path.stat().st_size, []).append(path)
    real_digests = {digest(p) for p in real}
    candidates = [p for p in repo_files() if p.stat().st_size in by_size]
    copies = [str(p.relative_to(REPO_ROOT)) for p in candidates if digest(p) in real_digests]
    assert copies == []
