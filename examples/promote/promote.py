"""Promote dev to prod with the Pulumi Automation API: each step gates the next.

    python promote.py [--from dev] [--to prod] [--allow-replace]

1. ``up`` the dev stack.
2. Check dev: a refresh finds no drift, and every mapping the stack exported is live on
   the API (asked with dev's own settings, through ``pulumi_contextsms.client``).
3. Preview prod, and stop if the plan would delete or replace anything (a replaced
   enterprise or mapping is a new record, and for a mapping an outage of its number)
   unless ``--allow-replace``.
4. ``up`` prod, then check it like dev.

Prod is never touched unless every dev step passed. The stacks use the project's state
backend and secrets provider as configured (``PULUMI_BACKEND_URL``,
``PULUMI_CONFIG_PASSPHRASE``, ...); a stack that does not exist yet is created. Exit
status 0 when prod is up to date, 1 when a step stopped the promotion.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pulumi.automation as auto

from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient, ContextSmsError

HERE = Path(__file__).resolve().parent
DESTRUCTIVE_OPS = ("delete", "replace", "create-replacement", "delete-replaced")


class PromotionStopped(Exception):
    """A step failed: the promotion ends here."""


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def connection_of(stack: auto.Stack) -> ConnectionSettings:
    """The stack's ContextSMS connection, from its config (secrets decrypted) with the
    CONTEXTSMS_* environment as fallback: the settings its provider uses."""
    config = {key: value.value for key, value in stack.get_all_config().items()}

    def get(name: str) -> str | None:
        return config.get(f"contextsms:{name}") or os.environ.get(f"CONTEXTSMS_{name.upper()}")

    return ConnectionSettings.resolve(
        get("platform"),
        get("environment"),
        config.get("contextsms:apiBase") or os.environ.get("CONTEXTSMS_API_BASE"),
        config.get("contextsms:authBase") or os.environ.get("CONTEXTSMS_AUTH_BASE"),
        username=get("username"),
        password=get("password"),
    )


def check(stack: auto.Stack) -> None:
    """No drift, and every exported mapping is live on the API."""
    try:
        stack.refresh(expect_no_changes=True, on_output=print)
    except auto.CommandError as exc:
        raise PromotionStopped(f"{stack.name} drifted from its state: {exc}") from None
    outputs = stack.outputs()
    enterprise_id = outputs["enterprise_id"].value
    expected = set(outputs["mapping_ids"].value)
    try:
        with ContextSmsClient(connection_of(stack)) as client:
            live = {m.mapping_id for m in client.list_mappings(enterprise_id)}
    except ContextSmsError as exc:
        raise PromotionStopped(f"{stack.name}: the API cannot confirm the records: {exc}") from None
    if not expected <= live:
        missing = ", ".join(sorted(expected - live))
        raise PromotionStopped(f"{stack.name}: mappings {missing} are not live on the API")
    print(f"{stack.name}: enterprise {enterprise_id} and {len(expected)} mappings are live")


def promote(work_dir: Path, source: str, target: str, *, allow_replace: bool) -> None:
    dev = auto.create_or_select_stack(stack_name=source, work_dir=str(work_dir))
    prod = auto.create_or_select_stack(stack_name=target, work_dir=str(work_dir))

    step(f"1/4 up {source}")
    try:
        dev.up(on_output=print)
    except auto.CommandError as exc:
        raise PromotionStopped(f"pulumi up of {source} failed: {exc}") from None

    step(f"2/4 check {source}")
    check(dev)

    step(f"3/4 preview {target}")
    try:
        plan = prod.preview(on_output=print).change_summary
    except auto.CommandError as exc:
        raise PromotionStopped(f"pulumi preview of {target} failed: {exc}") from None
    print(f"{target} plan: {dict(sorted(plan.items()))}")
    destructive = {op: n for op, n in plan.items() if op in DESTRUCTIVE_OPS and n}
    if destructive and not allow_replace:
        raise PromotionStopped(
            f"the {target} plan deletes or replaces records ({destructive}); "
            "rerun with --allow-replace if that is intended"
        )

    step(f"4/4 up {target}")
    try:
        prod.up(on_output=print)
    except auto.CommandError as exc:
        raise PromotionStopped(f"pulumi up of {target} failed: {exc}") from None
    check(prod)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=HERE, help="the Pulumi project")
    parser.add_argument("--from", dest="source", default="dev", help="stack to prove first")
    parser.add_argument("--to", dest="target", default="prod", help="stack to promote to")
    parser.add_argument(
        "--allow-replace", action="store_true", help="let the prod plan delete or replace"
    )
    args = parser.parse_args(argv)
    try:
        promote(args.work_dir, args.source, args.target, allow_replace=args.allow_replace)
    except PromotionStopped as exc:
        print(f"\npromotion stopped: {exc}", file=sys.stderr)
        return 1
    print(f"\npromoted {args.source} to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
