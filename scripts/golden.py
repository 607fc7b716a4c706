"""Record golden stacks: what this release writes into a user's state, kept for ever.

For each program in tests/golden/programs/ this runs `pulumi up` through the real CLI
against a fresh emulator, then saves into tests/golden/<version>/<name>/:

  stack.json    `pulumi stack export`, verbatim
  records.json  the emulator's records behind it (GET /_emulator/records), which
                `contextsms-emulator --load-records` brings back with the same ids
  config.json   the stack config, the emulator's origin written as {emulator}
  __main__.py   the program, as this release's users wrote it
  meta.json     project, stack, versions, commit, the emulator's port

The emulator listens on a fixed port (GOLDEN_PORT), recorded in meta.json: the engine
keeps the stack config in the state (encrypted where a value is secret, as a profile
with a password is), and `refresh` and `destroy` use that copy, so the test must serve
the records at the same address, as the real API stays where it was for a user.

tests/pulumi/test_upgrade_golden.py imports every one of them with today's code
(`refresh`, `up --expect-no-changes`, `destroy`). Run `make golden` at each release: a
version that already has goldens is refused (they are history; add, never rewrite),
unless --force.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER, EmulatorProcess

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
PROGRAMS = GOLDEN / "programs"
PULUMI = REPO / ".venv" / "bin" / "pulumi"
PASSPHRASE = "contextsms-golden"  # the passphrase every golden stack is encrypted with
STACK = "golden"
GOLDEN_PORT = 18779  # below the ephemeral range; the demo uses 18765
EMULATOR = "{emulator}"


def config_for(name: str) -> dict[str, Any]:
    """Each golden's stack config: `values` (set with --path), `secrets` (their values
    are the demo password) and whether the password comes from CONTEXTSMS_PASSWORD."""
    if name == "webex":
        return {
            "values": {
                "contextsms:platform": "webex",
                "contextsms:apiBase": f"{EMULATOR}/api/v1",
                "contextsms:username": DEMO_USER,
                "contextsms:cspId": DEMO_CSP_ID,
            },
            "secrets": [],
            "password_from_env": True,
        }
    if name == "teams":
        return {
            "values": {
                "contextsms:profiles.teams.platform": "teams",
                "contextsms:profiles.teams.apiBase": f"{EMULATOR}/api/v2",
                "contextsms:profiles.teams.username": DEMO_USER,
                "contextsms:profiles.teams.cspId": DEMO_CSP_ID,
            },
            "secrets": ["contextsms:profiles.teams.password"],
            "password_from_env": False,
        }
    raise SystemExit(f"golden: no config for program {name!r}")


def cli_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTEXTSMS_", "PULUMI_"))}
    (work / "state").mkdir()
    env.update(
        PATH=f"{PULUMI.parent}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_BACKEND_URL=f"file://{work / 'state'}?metadata=skip",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_HOME=str(work / "pulumi-home"),
        XDG_STATE_HOME=str(work / "xdg-state"),  # the providers' create journal
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
    )
    return env


def pulumi(project: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(PULUMI), *args, "--non-interactive", "--stack", STACK],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"golden: pulumi {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "pulumi_contextsms"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head}{' (with uncommitted changes to pulumi_contextsms)' if dirty else ''}"


def record(name: str, dest: Path) -> None:
    config = config_for(name)
    with (
        tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as tmp,
        EmulatorProcess(port=GOLDEN_PORT) as emu,
    ):
        work = Path(tmp)
        env = cli_env(work)
        project = work / "project"
        project.mkdir()
        project_name = f"contextsms-golden-{name}"
        (project / "Pulumi.yaml").write_text(
            f"name: {project_name}\nruntime:\n  name: python\n  options:\n"
            f"    toolchain: pip\n    virtualenv: {REPO / '.venv'}\n"
        )
        shutil.copy(PROGRAMS / f"{name}.py", project / "__main__.py")
        pulumi(project, env, "stack", "init")
        args = ["config", "set-all", "--path"]
        for key, value in config["values"].items():
            args += ["--plaintext", f"{key}={value.replace(EMULATOR, emu.url)}"]
        for key in config["secrets"]:
            args += ["--secret", f"{key}={DEMO_PASSWORD}"]
        pulumi(project, env, *args)
        if config["password_from_env"]:
            env["CONTEXTSMS_PASSWORD"] = DEMO_PASSWORD
        pulumi(project, env, "up", "--yes", "--skip-preview")
        stack = pulumi(project, env, "stack", "export")
        records = emu.records()
        cli = subprocess.run(
            [str(PULUMI), "version"], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

        dest.mkdir(parents=True)
        (dest / "stack.json").write_text(stack)
        (dest / "records.json").write_text(json.dumps(records, indent=2) + "\n")
        (dest / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        shutil.copy(PROGRAMS / f"{name}.py", dest / "__main__.py")
        meta = {
            "project": project_name,
            "stack": STACK,
            "passphrase": PASSPHRASE,
            "emulator_port": emu.port,
            "package_version": version("pulumi-contextsms"),
            "pulumi_cli": cli,
            "pulumi_sdk": version("pulumi"),
            "python": platform.python_version(),
            "commit": commit(),
        }
        (dest / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"golden: wrote {dest.relative_to(REPO)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=version("pulumi-contextsms"))
    parser.add_argument("--force", action="store_true", help="replace existing goldens")
    args = parser.parse_args()
    target = GOLDEN / args.version
    if target.exists():
        if not args.force:
            print(
                f"golden: {target.relative_to(REPO)} exists; goldens of a released version "
                "are history: bump the version in pyproject.toml, or pass --force",
                file=sys.stderr,
            )
            return 1
        shutil.rmtree(target)
    for program in sorted(PROGRAMS.glob("*.py")):
        record(program.stem, target / program.stem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
