"""The `peakbot` command: a thin layer over the library.

Subcommands live in their own modules and are imported only when used, so
`peakbot --help` does not load the Garmin, Strava or plotting libraries.
"""

from __future__ import annotations

import importlib
import logging
import sys
import warnings
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

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


class ZoneFormatter(logging.Formatter):
    """Log formatter that writes each time as ISO 8601 with its UTC offset.

    Times are in `timezone` once the service has loaded the athlete's (set_log_timezone),
    and in the machine's local time before that.
    """

    timezone: tzinfo | None = None

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, self.timezone)
        if self.timezone is None:
            moment = moment.astimezone()
        return moment.isoformat(timespec="milliseconds")


def set_log_timezone(timezone: tzinfo) -> None:
    """Write the times of every later log line in `timezone`."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, ZoneFormatter):
            handler.formatter.timezone = timezone


def configure_logging(verbose: int) -> None:
    """Log to standard error at WARNING, INFO (-v) or DEBUG (-vv).

    APScheduler logs every job it adds or runs at INFO, so its logger stays at
    WARNING unless -vv is given. stravalib logs each request with the Strava URL
    it built, not the host the request goes to, and garminconnect logs an ERROR
    for each failed attempt that peakbot then retries and logs itself, so both
    stay at WARNING and CRITICAL unless -vv is given.
    """
    root = logging.getLogger()
    # Like logging.basicConfig: handlers set up by the embedding program stay as they are.
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(ZoneFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if any(isinstance(handler.formatter, ZoneFormatter) for handler in root.handlers):
        # Set again on each call, so -v after the subcommand raises the level set before it.
        root.setLevel(logging.WARNING - 10 * min(verbose, 2))
    debug = verbose >= 2
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("stravalib").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("garminconnect").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    # apprise 2.3 imports imghdr (deprecated since Python 3.11) for PGPy; it is not
    # peakbot's to fix, so only that warning from apprise is hidden.
    warnings.filterwarnings(
        "ignore", message=".*imghdr.*", category=DeprecationWarning, module=r"apprise(\.|$)"
    )


CONFIG_HELP = "Calendar file (YAML). Default: $PEAKBOT_CONFIG, then config/calendar.yaml."
ENV_FILE_HELP = "File of settings and secrets, read before the environment."
VERBOSE_HELP = "More log output (-v info, -vv debug)."
# Key in click's shared Context.meta for the -v count given so far.
VERBOSE_KEY = "peakbot.verbose"


def _override_context(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Replace the group's context when --config or --env-file follows the subcommand."""
    if value is None or ctx.get_parameter_source(str(param.name)) is ParameterSource.DEFAULT:
        return
    app = ctx.find_object(AppContext)
    if app is None:
        return
    ctx.obj = (
        app.with_config(value) if param.name == "config_override" else app.with_env_file(value)
    )


def _add_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """Add a subcommand's -v count to the count given before it and set the log level again."""
    if not value:
        return
    total = int(ctx.meta.get(VERBOSE_KEY, 0)) + value
    ctx.meta[VERBOSE_KEY] = total
    configure_logging(total)


def add_shared_options(command: click.Command) -> None:
    """Give a subcommand (and its own subcommands) --config, --env-file and -v.

    --config and --env-file override the options given before the subcommand, so both
    `peakbot --config cal.yaml plan` and `peakbot plan --config cal.yaml` work. Each -v
    adds to those given before the subcommand.
    """
    names = {param.name for param in command.params}
    if "verbose_more" not in names and "verbose" not in names:
        command.params.append(
            click.Option(
                ["-v", "--verbose", "verbose_more"],
                count=True,
                expose_value=False,
                callback=_add_verbosity,
                help=VERBOSE_HELP,
            )
        )
    if "config_override" not in names:
        command.params.append(
            click.Option(
                ["--config", "config_override"],
                type=click.Path(path_type=Path, dir_okay=False),
                expose_value=False,
                callback=_override_context,
                help=CONFIG_HELP,
            )
        )
    if "env_file_override" not in names:
        command.params.append(
            click.Option(
                ["--env-file", "env_file_override"],
                type=click.Path(path_type=Path, dir_okay=False),
                expose_value=False,
                callback=_override_context,
                default=Path(".env"),
                show_default=True,
                help=ENV_FILE_HELP,
            )
        )
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            add_shared_options(subcommand)


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
        add_shared_options(command)
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
    help=CONFIG_HELP,
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".env"),
    show_default=True,
    help=ENV_FILE_HELP,
)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.version_option(package_name="peakbot")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, env_file: Path, verbose: int) -> None:
    """peakbot: a self-hosted training bot for the last weeks before a marathon.

    The store (peakbot.sqlite3), saved tokens, offline FIT workouts, the activity
    folder and the summaries live under data/, or under the folder PEAKBOT_DATA_DIR
    names. PEAKBOT_TOKEN_DIR, PEAKBOT_WORKOUT_DIR and PEAKBOT_ACTIVITY_DIR move the
    tokens, the FIT workouts and the activity folder on their own. Set them in the
    environment or in the --env-file; .env.example lists every setting.
    """
    configure_logging(verbose)
    ctx.meta[VERBOSE_KEY] = verbose
    ctx.obj = AppContext.create(config_path=config_path, env_file=env_file)


def main() -> None:
    cli(prog_name="peakbot")
