"""Where a refresh's time goes in the provider process (docs/performance.md, "Why the
misses"): `python -m bench.refresh_profile [N]`.

Creates 1 enterprise + N mappings in an emulator, then, in fresh processes like the
engine's provider process, times each part of serving a refresh: importing
`pulumi.dynamic`, importing our provider module, the first Read (client, login, one
listing) and the other N-1 Reads.
"""

from __future__ import annotations

import json
import subprocess
import sys

from contextsms_emulator import DEMO_CSP_ID, DEMO_PASSWORD, DEMO_USER
from contextsms_emulator.process import EmulatorProcess
from pulumi_contextsms.client import ConnectionSettings, ContextSmsClient, Platform
from pulumi_contextsms.client.specs import EnterpriseSpec, MappingSpec

RUNS = 3

# Runs in a fresh interpreter; reads what to read (JSON) from stdin.
PROVIDER_PROCESS = """
import json, sys, time

setup = json.load(sys.stdin)
marks = [(time.perf_counter(), time.process_time())]
import pulumi.dynamic
marks.append((time.perf_counter(), time.process_time()))
from pulumi_contextsms.config import StackSettings
from pulumi_contextsms import session
from pulumi_contextsms.providers.mapping import NumberMappingProvider
marks.append((time.perf_counter(), time.process_time()))
session.configure(StackSettings.from_config(setup["config"].get, environ={}))
provider = NumberMappingProvider()
first, *rest = setup["ids"]
provider.read(first, setup["props"])
marks.append((time.perf_counter(), time.process_time()))
for mapping_id in rest:
    provider.read(mapping_id, setup["props"])
marks.append((time.perf_counter(), time.process_time()))
print(json.dumps([[b[0] - a[0], b[1] - a[1]] for a, b in zip(marks, marks[1:])]))
"""
PARTS = ("import pulumi.dynamic", "import our provider", "first Read", "other Reads")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with EmulatorProcess() as emulator:
        settings = ConnectionSettings.resolve(
            Platform.WEBEX,
            None,
            emulator.webex_api_base,
            None,
            username=DEMO_USER,
            password=DEMO_PASSWORD,
        )
        with ContextSmsClient(settings) as client:
            enterprise = client.create_enterprise(
                DEMO_CSP_ID,
                EnterpriseSpec(
                    name="ABC Marketing Company",
                    contact="Sarah Johnson",
                    phone_number="+15551234567",
                    email="sarah@abcmarketing.com",
                ),
            )
            ids = [
                client.create_mapping(
                    enterprise.enterprise_id,
                    MappingSpec(
                        phone_number=f"+1555{2_000_000 + i:07d}",
                        messaging_app_type="Webex",
                        messaging_app_id=f"bot-{i}",
                    ),
                ).mapping_id
                for i in range(count)
            ]
        setup = {
            "config": {
                "contextsms:platform": "webex",
                "contextsms:apiBase": emulator.webex_api_base,
                "contextsms:username": DEMO_USER,
                "contextsms:password": DEMO_PASSWORD,
            },
            "ids": ids,
            "props": {
                "enterprise_id": enterprise.enterprise_id,
                "phone_number": "+15552000000",
                "messaging_app_id": "bot-0",
                "messaging_app_type": "Webex",
                "platform": "webex",
                # what every record's outputs carry: its service (`api_base`, with
                # `platform`) and owner
                "api_base": emulator.webex_api_base,
                "owner": "organization/contextsms-bench/real/NumberMapping/m0",
            },
        }
        for _ in range(RUNS):
            result = subprocess.run(
                [sys.executable, "-c", PROVIDER_PROCESS],
                input=json.dumps(setup),
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise SystemExit(result.stderr)
            timings = json.loads(result.stdout)
            print(  # noqa: T201 - the report
                "; ".join(
                    f"{part} {wall:.3f} s ({cpu:.3f} CPU)"
                    for part, (wall, cpu) in zip(PARTS, timings, strict=True)
                )
            )


if __name__ == "__main__":
    main()
