"""The ``contextsms-emulator`` command (and ``python -m contextsms_emulator``): flags in, server up.

Why a module of its own: the command is the one part of the emulator a plain
``pip install pulumi-contextsms`` installs without the web server it runs, so it must
import none of the ``emulator`` extra. It checks that the extra is installed (saying
what to install instead of ending in an ImportError traceback), reads the flags into a
:class:`~contextsms_emulator.settings.Settings` (every flag is in docs/emulator.md),
refuses a non-loopback ``--host`` without ``--allow-remote``, and hands over to
:func:`contextsms_emulator.server.run`, imported only then.

It also owns :data:`READY_PREFIX`, the one line the command writes to stdout once the
server accepts connections: what :class:`~contextsms_emulator.EmulatorProcess` waits for.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence
from importlib.util import find_spec
from typing import Final

from contextsms_emulator import delivery
from contextsms_emulator import settings as defaults
from contextsms_emulator.accounts import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, AccountSpec
from contextsms_emulator.faults import FaultConfig
from contextsms_emulator.settings import Settings

# the distributions of the `emulator` extra, by the module each provides
EXTRA_MODULES: Final = {"fastapi": "fastapi", "uvicorn": "uvicorn", "jwt": "PyJWT"}
INSTALL_HINT: Final = "pip install 'pulumi-contextsms[emulator]'"
READY_PREFIX: Final = "contextsms-emulator listening on "

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


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _factor(text: str) -> float:
    value = float(text)
    if not value >= 1:
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
    p.add_argument(
        "--seed",
        dest="seeds",
        action="append",
        default=[],
        metavar="FILE",
        help="seed portal-made accounts from FILE (the body of POST /_emulator/seed; "
        "repeatable; e.g. the shipped contextsms_emulator/seeds/portal-account.json), "
        "only if the database holds no enterprise yet, so a restart on the same file "
        "database does not seed twice",
    )
    _add_webhook_flags(p)
    p.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the emulator has no real security)",
    )
    return p


def _add_webhook_flags(p: argparse.ArgumentParser) -> None:
    """Inbound-message webhooks: the delivery retry schedule (docs/emulator.md)."""
    p.add_argument(
        "--delivery-attempts",
        type=_positive,
        default=delivery.DEFAULT_MAX_ATTEMPTS,
        help="attempts per webhook event, the first included (default: %(default)s)",
    )
    p.add_argument(
        "--delivery-first-retry",
        type=_seconds,
        default=delivery.DEFAULT_FIRST_RETRY_SECONDS,
        help="seconds before the first retry (default: %(default)s)",
    )
    p.add_argument(
        "--delivery-backoff",
        type=_factor,
        default=delivery.DEFAULT_BACKOFF_FACTOR,
        help="each retry waits this many times longer (default: %(default)s)",
    )
    p.add_argument(
        "--delivery-max-retry",
        type=_seconds,
        default=delivery.DEFAULT_MAX_RETRY_SECONDS,
        help="longest wait between attempts, seconds (default: %(default)s)",
    )
    p.add_argument(
        "--delivery-timeout",
        type=_seconds,
        default=delivery.DEFAULT_TIMEOUT_SECONDS,
        help="seconds a receiver has to answer an event or a challenge (default: %(default)s)",
    )
    p.add_argument(
        "--allow-remote-webhooks",
        action="store_true",
        help="allow webhook URLs on non-loopback hosts",
    )


def _delivery_policy(args: argparse.Namespace) -> delivery.DeliveryPolicy:
    try:
        return delivery.DeliveryPolicy(
            max_attempts=args.delivery_attempts,
            first_retry_seconds=args.delivery_first_retry,
            backoff_factor=args.delivery_backoff,
            max_retry_seconds=max(args.delivery_max_retry, args.delivery_first_retry),
            timeout_seconds=args.delivery_timeout,
        )
    except ValueError as exc:
        parser().error(str(exc))


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
        seed_paths=tuple(args.seeds),
        delivery=_delivery_policy(args),
        allow_remote_webhooks=args.allow_remote_webhooks,
    )


def missing_distributions() -> list[str]:
    return [dist for module, dist in EXTRA_MODULES.items() if find_spec(module) is None]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_distributions()
    if missing:
        sys.stderr.write(
            f"contextsms-emulator: the emulator needs the package's `emulator` extra "
            f"({', '.join(missing)} not installed). Install it with:\n    {INSTALL_HINT}\n"
        )
        return 1
    args = parser().parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        parser().error(
            f"refusing to listen on non-loopback host {args.host!r} without --allow-remote"
        )
    settings = settings_from(args)
    from contextsms_emulator import server  # the extra: checked above

    return server.run(settings, args.host, args.port, args.log_level)
