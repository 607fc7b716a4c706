"""``contextsms-emulator``: run the emulator (see docs/emulator.md for every flag)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from contextsms_emulator import settings as defaults
from contextsms_emulator.accounts import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, AccountSpec
from contextsms_emulator.app import create_app
from contextsms_emulator.faults import FaultConfig
from contextsms_emulator.fixtures import RecordsFileError
from contextsms_emulator.server import READY_PREFIX, is_loopback, make_server
from contextsms_emulator.settings import Settings

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _account(text: str) -> AccountSpec:
    try:
        return AccountSpec.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contextsms-emulator",
        description="Local emulator of the ContextSMS Webex (v1) and Teams (v2) APIs.",
        epilog=(
            f"Without --user, one demo account exists: {DEMO_USER} / {DEMO_PASSWORD} "
            f"(CSP {DEMO_CSP_ID}, CSP_ADMIN)."
        ),
    )
    p.add_argument("--host", default=defaults.DEFAULT_HOST, help="default: %(default)s")
    p.add_argument(
        "--port",
        type=_non_negative,
        default=defaults.DEFAULT_PORT,
        help="0 picks a free port (default: %(default)s)",
    )
    p.add_argument(
        "--db",
        default=defaults.DEFAULT_DB_PATH,
        help="SQLite file, or :memory: (default: %(default)s)",
    )
    p.add_argument(
        "--user",
        dest="users",
        action="append",
        type=_account,
        default=[],
        metavar="EMAIL:PASSWORD:CSPID[:ROLE]",
        help="an account (repeatable); ROLE is CSP_ADMIN (default) or CSP_BUSINESS",
    )
    p.add_argument(
        "--token-ttl",
        type=_positive,
        default=defaults.DEFAULT_TOKEN_TTL,
        help="access token lifetime, seconds (default: %(default)s)",
    )
    p.add_argument(
        "--refresh-ttl",
        type=_positive,
        default=defaults.DEFAULT_REFRESH_TTL,
        help="refresh token lifetime, seconds (default: %(default)s)",
    )
    p.add_argument(
        "--stripe-webhook-secret",
        default=defaults.DEFAULT_WEBHOOK_SECRET,
        help="Stripe-Signature HMAC secret (default: %(default)s)",
    )
    p.add_argument(
        "--webhook-tolerance",
        type=_non_negative,
        default=defaults.DEFAULT_WEBHOOK_TOLERANCE,
        help="max webhook timestamp age, seconds; 0 disables (default: %(default)s)",
    )
    p.add_argument("--error-rate", type=_rate, default=0.0, help="share of API calls answered 500")
    p.add_argument(
        "--rate-limit-rate", type=_rate, default=0.0, help="share of API calls answered 429"
    )
    p.add_argument(
        "--retry-after",
        type=_non_negative,
        default=1,
        help="Retry-After seconds on injected 429s (default: %(default)s)",
    )
    p.add_argument(
        "--latency-ms", type=_non_negative, default=0, help="delay added to every API call"
    )
    p.add_argument(
        "--drop-rate",
        type=_rate,
        default=0.0,
        help="share of writes committed, then cut off before the body",
    )
    p.add_argument("--fault-seed", type=int, default=None, help="seed for the fault RNG")
    p.add_argument(
        "--ignore-idempotency-keys",
        action="store_true",
        help="ignore Idempotency-Key, like a service that does not support it",
    )
    p.add_argument(
        "--load-records",
        metavar="FILE",
        default=None,
        help="load CSPs, enterprises and mappings from FILE (the JSON of "
        "GET /_emulator/records) before serving; ids already stored are kept",
    )
    p.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the emulator has no real security)",
    )
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        db_path=args.db,
        accounts=tuple(args.users),
        token_ttl=args.token_ttl,
        refresh_ttl=args.refresh_ttl,
        stripe_webhook_secret=args.stripe_webhook_secret,
        webhook_tolerance=args.webhook_tolerance,
        faults=FaultConfig(
            error_rate=args.error_rate,
            rate_limit_rate=args.rate_limit_rate,
            retry_after_seconds=args.retry_after,
            latency_ms=args.latency_ms,
            drop_rate=args.drop_rate,
            seed=args.fault_seed,
        ),
        honour_idempotency_keys=not args.ignore_idempotency_keys,
        records_path=args.load_records,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        parser().error(
            f"refusing to listen on non-loopback host {args.host!r} without --allow-remote"
        )

    # uvicorn handles SIGINT/SIGTERM while serving and re-raises them afterwards; with
    # these handlers in place that re-raise is harmless, so a signal means exit 0.
    stop_requested = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    try:
        app = create_app(settings_from(args))
    except RecordsFileError as exc:
        sys.stderr.write(f"contextsms-emulator: {exc}\n")
        return 2

    def announce(url: str) -> None:
        if stop_requested:
            server.should_exit = True
            return
        sys.stdout.write(f"{READY_PREFIX}{url}\n")
        sys.stdout.flush()

    try:
        server, sock = make_server(app, args.host, args.port, args.log_level, announce)
    except OSError as exc:
        app.emulator.close()
        sys.stderr.write(f"contextsms-emulator: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
        app.emulator.close()
    return 0
