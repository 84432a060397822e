"""State shared by the subcommands: settings, the calendar path and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config.settings import Settings, SettingsError, load_settings
from bot.errors import UserInputError

if TYPE_CHECKING:
    from bot.store.db import Store


@dataclass
class AppContext:
    settings: Settings
    config_path: Path
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def create(cls, config_path: Path | None, env_file: Path | None) -> AppContext:
        try:
            settings = load_settings(env_file)
        except SettingsError as error:
            raise UserInputError(str(error)) from None
        return cls(settings=settings, config_path=config_path or settings.config_path)

    @property
    def store(self) -> Store:
        if self._store is None:
            from bot.store.db import Store

            self._store = Store(self.settings.database)
        return self._store
