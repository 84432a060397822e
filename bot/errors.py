"""Error types shared by every part of peakbot.

Adapters convert their client library's exceptions into these two, so the
scheduler and the CLI decide on the type alone: a `ServiceError` is transient
(retry on the next tick), an `AuthError` needs the runner to log in again.
"""

from __future__ import annotations


class PeakbotError(Exception):
    """Base class for errors that reach the runner as a message, never a traceback."""

    exit_code = 1


class UserInputError(PeakbotError):
    """Invalid calendar, workout text, file or option; the message names it and the fix."""

    exit_code = 2


class ServiceError(PeakbotError):
    """A remote service failed or is unreachable; the next run tries again."""


class AuthError(ServiceError):
    """Saved tokens are missing, expired or revoked; the runner must authorise again."""
