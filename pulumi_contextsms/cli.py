"""`contextsms`: the package's command line (``contextsms discover``).

Arguments, printing, files and exit codes; the work itself is in `discover`. Every
failure is one line on stderr, ``contextsms discover: <what>: <fix>``, exit 1, with no
traceback; usage errors exit 2 (argparse). The API is only read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import discover
from .client.errors import ContextSmsError, InvalidInputError
from .client.validation import validate_id
from .discover import (
    INVENTORY_FILE,
    PROGRAM_FILE,
    Account,
    Built,
    Target,
    counted,
)
from .failures import DiscoverError, InventoryError
from .inventory import Inventory, dump, load

if TYPE_CHECKING:
    from .client.client import ContextSmsClient
    from .client.settings import ConnectionSettings

__all__ = ["main"]

PROG = "contextsms"
EXIT_DIFFERENT = 1
EXIT_UNNAMED = 2  # Webex without --enterprise: nothing to write, like a usage error


def new_client(settings: ConnectionSettings) -> ContextSmsClient:
    """The API client of a run: the one place the command builds it (tests replace it)."""
    # httpx loads here, not with `contextsms --help` or a usage error
    from .client.client import ContextSmsClient

    return ContextSmsClient(settings)


class _Output:
    """Where a run writes: its streams, and the prefix of its one-line failures."""

    def __init__(self, command: str) -> None:
        self.out: IO[str] = sys.stdout
        self.err: IO[str] = sys.stderr
        self.prefix = f"{PROG} {command}: "

    def line(self, text: str) -> None:
        self.out.write(text + "\n")

    def fail(self, text: str) -> int:
        self.err.write(self.prefix + " ".join(text.split()) + "\n")
        return 1

    def warn(self, text: str) -> None:
        self.err.write(f"{self.prefix}warning: {text}\n")


@contextmanager
def _progress(stream: IO[str]) -> Iterator[discover.Progress | None]:
    """One updating line on a terminal (`stream` a TTY), cleared at the end; else none."""
    if not stream.isatty():
        yield None
        return
    shown = False

    def show(done: int, total: int, numbers: int) -> None:
        nonlocal shown
        stream.write(f"\r\x1b[Kdiscovering: {done}/{total} enterprises, {numbers} numbers")
        stream.flush()
        shown = True

    try:
        yield show
    finally:
        if shown:
            stream.write("\r\x1b[K")
            stream.flush()


def _existing(path: Path, target: Target, required: bool) -> Inventory | None:
    """The inventory file already at `path` (its keys are kept), checked before any
    request; None if there is none and it is not `required`."""
    if not path.exists():
        if required:
            raise DiscoverError(
                f"{path} does not exist: run `contextsms discover` first, or point --out at "
                "the directory that holds it"
            )
        return None
    try:
        found = load(path)
    except InventoryError as exc:
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        raise DiscoverError(f"{exc.problems[0]}{more}: fix it, or move it away") from None
    if found.platform not in (None, target.platform):
        raise DiscoverError(
            f"{path} holds a {found.platform} inventory and these settings read "
            f"{target.platform}: discover into another --out DIR (a stack declaring this file "
            "would delete its records)"
        )
    return load(path, platform=target.platform) if found.platform is None else found


def _write(path: Path, text: str) -> None:
    """Replace `path` whole: a crash leaves the old file or the new one, never half."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as temp:
        try:
            temp.write(text)
        except BaseException:
            os.unlink(temp.name)
            raise
    os.replace(temp.name, path)


def _warn_dropped(
    io: _Output, path: Path, before: Inventory, built: Built, account: Account
) -> None:
    """What the rewritten file no longer holds that a stack may still manage."""
    if account.every_enterprise:
        unread = []  # every enterprise was listed: the others are gone already
    else:
        read = set(built.keys)
        unread = [
            f"{k} ({e.id})" for k, e in before.enterprises.items() if e.id and e.id not in read
        ]
    if unread:
        io.warn(
            f"{path} had enterprises this run did not read, now left out of it: "
            f"{', '.join(unread)}; a stack declaring the file deletes them on `pulumi up`: "
            "name them with --enterprise to keep them"
        )
    to_create = sum(1 for e in before.enterprises.values() if e.id is None)
    to_create += sum(1 for _, _, n in before.numbers() if n.id is None)
    if to_create:
        io.warn(f"{path} had {to_create} entries without an id (to create): now left out of it")


def _paths(out: Path) -> tuple[Path, Path | None]:
    """The inventory file, and the program to write beside it unless it exists: --out is
    a directory, or the inventory file itself (a program that declares it exists)."""
    if out.suffix in (".yaml", ".yml"):
        return out, None
    return out / INVENTORY_FILE, out / PROGRAM_FILE


def _write_files(
    io: _Output,
    args: argparse.Namespace,
    target: Target,
    account: Account,
    before: Inventory | None,
) -> int:
    built = discover.build_inventory(account, target, before)
    path, main_py = _paths(args.out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, dump(built.inventory, discover.header(built, account, target)))
        wrote_program = main_py is not None and not main_py.exists()
        if main_py is not None and wrote_program:
            _write(main_py, discover.program(target.profile))
    except OSError as exc:
        return io.fail(f"cannot write to {args.out}: {exc.strerror or exc}: check --out")
    inventory = built.inventory
    count = sum(1 for _ in inventory.numbers())
    io.line(
        f"wrote {path}: {counted(len(inventory.enterprises), 'enterprise')}, "
        f"{counted(count, 'number')} from {target.describe()}"
    )
    if main_py is not None and wrote_program:
        io.line(f"wrote {main_py}: a Pulumi program that declares {path.name}")
    elif main_py is not None:
        io.line(f"kept {main_py}: it exists already")
    if account.unnamed:
        io.line(
            f"not named: {counted(len(account.unnamed), 'number')} under other enterprises of CSP "
            f"{target.csp_id} (listed in the file's header): {discover.unnamed_numbers(account)}"
        )
    for line in built.left_out:
        io.warn(f"left out (the inventory cannot hold it): {line}")
    if before is not None:
        _warn_dropped(io, path, before, built, account)
    return 0


def _report_check(io: _Output, path: Path, result: discover.CheckResult, target: Target) -> int:
    for line in (*result.differences, *result.notes):
        io.line(line)
    if not result.differences:
        io.line(
            f"{path} agrees with ContextSMS: {counted(result.enterprises, 'enterprise')}, "
            f"{counted(result.numbers, 'number')} ({target.describe()})"
        )
        return 0
    io.line(f"{counted(len(result.differences), 'difference')} between ContextSMS and {path}")
    return EXIT_DIFFERENT


def _discover(args: argparse.Namespace) -> int:
    io = _Output("discover")
    target: Target | None = None
    try:
        settings = discover.stack_settings(args.stack, Path.cwd(), os.environ)
        target = discover.resolve_target(settings, args.profile, args.csp_id, args.stack)
        path, _program = _paths(args.out)
        before = _existing(path, target, required=args.check)
        ids: list[str] = args.enterprises or []
        if target.platform == "webex" and not ids and before is not None and not args.check:
            # discovering again: the enterprises the file already holds
            ids = [e.id for e in before.enterprises.values() if e.id]
        if args.check:
            assert before is not None
            ids = discover.check_scope(before, target, ids)
        with new_client(target.connection) as client, _progress(io.err) as progress:
            account = discover.read_account(
                client, target.csp_id, ids, lenient=args.check, progress=progress
            )
    except DiscoverError as exc:
        return io.fail(str(exc))
    except ContextSmsError as exc:
        return io.fail(discover.explain_failure(exc, target))
    except KeyboardInterrupt:
        io.fail("interrupted: nothing was written")
        return 130
    if args.check:
        assert before is not None
        result = discover.check(account, before, target, args.enterprises or ())
        return _report_check(io, path, result, target)
    if target.platform == "webex" and not ids:
        io.line(
            f"{counted(len(account.unnamed or ()), 'number')} live under the enterprises of CSP "
            f"{target.csp_id}: {discover.unnamed_numbers(account) or 'none'}"
        )
        io.fail(
            "the Webex Bot API cannot list enterprises: name the ones to discover with "
            "--enterprise ID (nothing was written)"
        )
        return EXIT_UNNAMED
    return _write_files(io, args, target, account, before)


def _id(what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return validate_id(value, what)
        except InvalidInputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return check


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG, description="The command line of pulumi-contextsms (ContextSMS as code)."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cmd = commands.add_parser(
        "discover",
        help="write what lives in a ContextSMS account as an inventory file",
        description=(
            f"Write the enterprises and numbers of a ContextSMS account to DIR/{INVENTORY_FILE}, "
            f"and DIR/{PROGRAM_FILE} (a Pulumi program that declares it) if it does not exist: "
            "`pulumi up` then adopts every record. Only reads the API. Reference: "
            "docs/discover.md."
        ),
    )
    cmd.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("."),
        help="where to write contextsms.yaml (and __main__.py if absent), or the path of the "
        "inventory file itself (*.yaml: no program is written) (default: .)",
    )
    cmd.add_argument(
        "--stack",
        metavar="NAME",
        help="read the contextsms:* settings from this stack's config (run in its project's "
        "directory); without it, the CONTEXTSMS_* environment variables",
    )
    cmd.add_argument(
        "--profile", metavar="NAME", help="the named connection contextsms:profiles.NAME"
    )
    cmd.add_argument(
        "--enterprise",
        metavar="ID",
        dest="enterprises",
        nargs="+",
        action="extend",
        type=_id("--enterprise"),
        help="only these enterprises (Teams); the enterprises to discover (Webex, whose API "
        "cannot list them: by default those the existing file holds)",
    )
    cmd.add_argument(
        "--csp-id",
        metavar="CSP",
        type=_id("--csp-id"),
        help="the CSP to discover (default: the settings' cspId)",
    )
    cmd.add_argument(
        "--check",
        action="store_true",
        help=f"write nothing: compare the account with DIR/{INVENTORY_FILE}; exit 1 if they differ",
    )
    cmd.set_defaults(run=_discover, parser=cmd)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run `contextsms` with `argv` (default: the process's); the exit status."""
    args, extra = parser().parse_known_args(argv)
    if extra:  # the command's own usage, not the top level's
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    status: int = args.run(args)
    return status
