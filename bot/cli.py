"""The `servicebot` command line: one entry point, one subcommand per concern.

    servicebot run                 the web chat (http_host:http_port/chat/), Telegram polling when
                                   TELEGRAM_BOT_TOKEN is set, the WeChat webhook when
                                   SERVICEBOT_WECHAT_TOKEN is set
    servicebot console [--as ROLE] talk to the bot in this terminal (resident, staff, supervisor, admin)
    servicebot db upgrade          apply the database migrations
    servicebot kb check|ask|eval   validate and query the knowledge base
    servicebot report --period P --out DIR   a situation report's message, charts and workbook
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

log = logging.getLogger("servicebot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="servicebot", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="YAML settings file (else SERVICEBOT_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("kb", help="knowledge base: check | ask | eval", add_help=False)
    commands.add_parser("run", help="run the bot: the web chat, and Telegram and/or WeChat if "
                        "their tokens are set")
    console = commands.add_parser("console", help="talk to the bot in this terminal")
    console.add_argument("--as", dest="role", default="resident",
                         choices=("resident", "staff", "supervisor", "admin"))
    console.add_argument("--user", help="console user id (default: the role name)")
    console.add_argument("--lang", choices=("zh", "en"), help="language to start in")
    db = commands.add_parser("db", help="database: upgrade")
    db.add_argument("action", choices=("upgrade",))
    report = commands.add_parser("report", help="write a situation report (text, PNG, XLSX)")
    report.add_argument("--period", default="week",
                        help="week (last complete week), month (last complete month) or YYYY-MM")
    report.add_argument("--out", default=".", help="directory to write the files to")
    report.add_argument("--department", help="only this department's matters")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    return parser


def setup_logging(verbose: bool = False, log_format: str = "text") -> None:
    from domain.privacy import MaskingFilter

    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())  # phone and ID numbers never reach the log in full
    handler.setFormatter(log_formatter(log_format))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    # httpx logs request URLs, which contain the bot token, at INFO
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per plugin at start-up


def log_formatter(log_format: str) -> logging.Formatter:
    """`text` (a line per record) or `json` (an object per line, for log collectors)."""
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                             rename_fields={"asctime": "time", "levelname": "level",
                                            "name": "logger", "process": "pid"},
                             json_ensure_ascii=False)
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `servicebot` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args, rest = build_parser().parse_known_args(argv)
    if args.command == "kb":
        from knowledge.cli import main as kb_main  # imported late: keeps other commands light

        return kb_main(rest)
    if rest:
        build_parser().error(f"unrecognized arguments: {' '.join(rest)}")
    from bot.app import SchemaOutOfDate
    from bot.settings import SettingsError, load_settings
    from knowledge.loader import KBError

    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"servicebot: {exc}", file=sys.stderr)
        return 2
    if settings.log_format not in ("text", "json"):
        print(f"servicebot: log_format must be text or json, not {settings.log_format!r}",
              file=sys.stderr)
        return 2
    if args.command == "console" or args.command == "run":
        setup_logging(args.verbose, settings.log_format)
        logging.getLogger().setLevel(logging.WARNING if args.command == "console" else
                                     logging.DEBUG if args.verbose else logging.INFO)
    try:
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command == "report":
            from bot.reports import write_report

            return asyncio.run(write_report(settings, period=args.period, out=args.out,
                                            department=args.department, lang=args.lang))
        if args.command == "console":
            from bot.serve import prepare_process

            prepare_process(settings)
            return asyncio.run(_console(settings, args.role, args.user or args.role, args.lang,
                                        name=args.user or ""))
        from bot.serve import channels_configured, run

        if not channels_configured(settings) and not settings.web_chat:
            print("servicebot: no channel to run: set TELEGRAM_BOT_TOKEN or "
                  "SERVICEBOT_WECHAT_TOKEN, or leave web_chat on (or use `servicebot console`)",
                  file=sys.stderr)
            return 2
        if not channels_configured(settings):
            print("No Telegram or WeChat token is set: serving the web chat only.", flush=True)
        return run(settings)
    except KBError as exc:
        print(f"servicebot: the knowledge base is invalid:\n{exc}", file=sys.stderr)
        return 2
    except SchemaOutOfDate as exc:
        print(f"servicebot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _db_upgrade(settings) -> int:  # type: ignore[no-untyped-def]
    from storage.db import Database

    db = Database(settings.db_url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    print(f"database is up to date: {db.engine.url.render_as_string(hide_password=True)}")
    return 0


async def _console(settings, role: str, user: str, lang: str | None,  # type: ignore[no-untyped-def]
                   name: str = "") -> int:
    from bot.app import create_app
    from bot.channels.console import ConsoleChannel

    key = f"console:{user}"
    if role != "resident":  # the console is a local tool: whoever runs it may try any role
        field = {"staff": "staff", "supervisor": "supervisors", "admin": "admins"}[role]
        settings = settings.with_overrides(**{field: (*getattr(settings, field), key)})
    app = create_app(settings)
    await app.start()
    channel = ConsoleChannel(app, user_id=user, name=name, lang=lang)
    try:
        await channel.run()
    finally:
        await app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
