"""The `peakbot` command: a thin layer over the library.

Subcommands live in their own modules and are imported only when used, so
`peakbot --help` does not load the Garmin, Strava or plotting libraries.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext
from bot.errors import PeakbotError

# Subcommand name -> "module:attribute" of its click command.
COMMANDS = {
    "validate": "bot.cli.plan:validate",
    "plan": "bot.cli.plan:plan",
    "show": "bot.cli.plan:show",
    "push": "bot.cli.push:push",
    "sync": "bot.cli.sync:sync",
    "analyze": "bot.cli.analyze:analyze",
    "run": "bot.cli.run:run",
    "summary": "bot.cli.run:summary",
    "status": "bot.cli.run:status",
    "auth": "bot.cli.auth:auth",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PeakbotError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Calendar file (YAML). Default: $PEAKBOT_CONFIG, then config/calendar.yaml.",
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".env"),
    show_default=True,
    help="File of settings and secrets, read before the environment.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="peakbot")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, env_file: Path, verbose: int) -> None:
    """peakbot: a self-hosted training bot for the last weeks before a marathon."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = AppContext.create(config_path=config_path, env_file=env_file)


def main() -> None:
    cli(prog_name="peakbot")
