"""State shared by the subcommands: settings, the calendar path and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config.settings import Settings, SettingsError, load_settings
from bot.errors import UserInputError

if TYPE_CHECKING:
    from bot.config.calendar import Calendar
    from bot.plan import PlannedSession
    from bot.store.db import Store


@dataclass
class AppContext:
    settings: Settings
    config_path: Path
    # The --config and --env-file given on the command line, None when not given.
    given_config: Path | None = None
    env_file: Path | None = None
    _store: Store | None = field(default=None, repr=False)
    _calendar: Calendar | None = field(default=None, repr=False)
    _plan: list[PlannedSession] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, config_path: Path | None, env_file: Path | None) -> AppContext:
        try:
            settings = load_settings(env_file)
        except SettingsError as error:
            raise UserInputError(str(error)) from None
        return cls(
            settings=settings,
            config_path=config_path or settings.config_path,
            given_config=config_path,
            env_file=env_file,
        )

    def with_config(self, config_path: Path) -> AppContext:
        """Return a context on another calendar file, with the same settings."""
        return AppContext(
            settings=self.settings,
            config_path=config_path,
            given_config=config_path,
            env_file=self.env_file,
        )

    def with_env_file(self, env_file: Path) -> AppContext:
        """Return a context with settings read from another file; a given --config stays."""
        return AppContext.create(config_path=self.given_config, env_file=env_file)

    @property
    def store(self) -> Store:
        if self._store is None:
            from bot.store.db import Store

            self._store = Store(self.settings.database)
        return self._store

    @property
    def calendar(self) -> Calendar:
        """The validated calendar at `config_path`, loaded once; raises CalendarError."""
        if self._calendar is None:
            from bot.config.load import load_calendar

            self._calendar = load_calendar(self.config_path)
        return self._calendar

    @property
    def plan(self) -> list[PlannedSession]:
        """The calendar's sessions resolved with any stored tuned prescriptions, built once.

        A store that does not exist yet is not created just to find it empty.
        """
        if self._plan is None:
            from bot.plan import build_plan, load_stored_prescriptions

            store = self.store if self.settings.database.exists() else None
            self._plan = build_plan(self.calendar, load_stored_prescriptions(store))
        return self._plan

    def resolve_date(self, text: str, option: str) -> date:
        """Parse a date option: YYYY-MM-DD, relative to race day (race-19d, race-3w) or today.

        Only a race-relative date or `today` loads the calendar: the race date and the
        athlete's time zone come from it. Raises UserInputError naming the option.
        """
        from bot.config.values import RaceRelative, parse_date_spec

        if text.strip().lower() == "today":
            return datetime.now(self.calendar.athlete.timezone).date()
        try:
            spec = parse_date_spec(text)
        except ValueError as error:
            raise UserInputError(f"{option}: {error}, or today") from None
        if isinstance(spec, RaceRelative):
            return self.calendar.race.date + timedelta(days=spec.days)
        return spec
