"""Discover and adopt a portal-made account of many numbers, against the engine floor.

    .venv/bin/python -m bench.adopt [--enterprises 100] [--numbers 20] [--platform teams]

1. An emulator seeded with the account (`POST /_emulator/seed`: what the portal made).
2. `contextsms discover`: wall time and requests (it only reads).
3. `pulumi up` of the discovered inventory (every record adopted): wall time, requests
   (no write), against `pulumi up` of the same graph on the do-nothing floor provider.
4. `pulumi preview --refresh --expect-no-changes` right after, on both.

Prints one JSON object per measure (docs/performance.md, "Adopting a live account").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess

from .cli import VENV, Workspace, ensure_bytecode

PROGRAM = Path(__file__).with_name("adopt_program.py")


def account(platform: str, enterprises: int, numbers: int) -> dict[str, Any]:
    """What the portal made: `enterprises` enterprises of `numbers` numbers each."""
    webex = platform == "webex"
    return {
        "service": platform,
        "csp_id": DEMO_CSP_ID,
        "enterprises": [
            {
                "name": f"Customer {e:03d}",
                "contact": "Ops Desk",
                "phone_number": f"+1555{e:03d}0000",
                "email": f"ops{e}@customer.example.com",
                **({"default_mms_selection": True} if webex else {}),
                "numbers": [
                    {
                        "phone_number": f"+1555{e:03d}{n:04d}",
                        "messaging_app_id": f"app-{e}-{n}",
                        **({"mms_enabled": n % 2 == 0} if webex else {"name": f"Desk {n}"}),
                    }
                    for n in range(1, numbers + 1)
                ],
            }
            for e in range(enterprises)
        ],
    }


def requests_by_kind(log: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(f"{r['method']} {r['path'].split('/')[3]}" for r in log))


def report(measure: str, **values: Any) -> None:
    print(json.dumps({"measure": measure, **values}), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adopt")
    parser.add_argument("--enterprises", type=int, default=100)
    parser.add_argument("--numbers", type=int, default=20, help="per enterprise")
    parser.add_argument("--platform", choices=("webex", "teams"), default="teams")
    args = parser.parse_args(argv)
    ensure_bytecode()
    base_of = {"webex": "webex_api_base", "teams": "teams_api_base"}
    total = args.enterprises * args.numbers
    with EmulatorProcess() as emulator, tempfile.TemporaryDirectory() as tmp:
        seeded = emulator.seed(account(args.platform, args.enterprises, args.numbers))
        api_base = getattr(emulator, base_of[args.platform])
        env = {
            **os.environ,
            "CONTEXTSMS_PLATFORM": args.platform,
            "CONTEXTSMS_API_BASE": api_base,
            "CONTEXTSMS_USERNAME": DEMO_USER,
            "CONTEXTSMS_PASSWORD": DEMO_PASSWORD,
            "CONTEXTSMS_CSP_ID": DEMO_CSP_ID,
        }
        out = Path(tmp) / "discovered"
        command = [str(VENV / "bin" / "contextsms"), "discover", "--out", str(out)]
        if args.platform == "webex":
            for enterprise in seeded["enterprises"]:
                command += ["--enterprise", enterprise["enterprise_id"]]
        emulator.clear_requests()
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        report(
            "discover",
            platform=args.platform,
            enterprises=args.enterprises,
            numbers=total,
            seconds=round(time.perf_counter() - started, 2),
            requests=requests_by_kind(emulator.requests()),
        )

        workspace = Workspace(Path(tmp) / "bench")
        shutil.copyfile(PROGRAM, workspace.project / "__main__.py")
        shutil.copyfile(out / "contextsms.yaml", workspace.project / "inventory.yaml")
        connection = {
            "contextsms:platform": args.platform,
            "contextsms:apiBase": api_base,
            "contextsms:username": DEMO_USER,
            "contextsms:cspId": DEMO_CSP_ID,
        }
        password = {"CONTEXTSMS_PASSWORD": DEMO_PASSWORD}
        stacks = {
            "floor": workspace.stack("floor", {"bench:kind": "floor"}, {}),
            "real": workspace.stack("real", {"bench:kind": "real", **connection}, {}, password),
        }
        for step, run in (
            ("up", lambda s: s.up()),
            ("preview --refresh", lambda s: s.preview("--refresh", "--expect-no-changes")),
        ):
            seconds = {}
            for kind, stack in stacks.items():
                emulator.clear_requests()
                seconds[kind] = run(stack).seconds
                log = emulator.requests()
            report(
                step,
                resources=args.enterprises + total,
                floor_seconds=round(seconds["floor"], 2),
                real_seconds=round(seconds["real"], 2),
                ratio=round(seconds["real"] / seconds["floor"], 2),
                requests=requests_by_kind(log),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
