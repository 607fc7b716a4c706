"""The widening in a real `python -m pulumi.dynamic`, on the SDK floor and the newest SDK.

Each case starts the SDK's own provider process from a venv holding that SDK
(sdk_venvs.py), configures it over gRPC as the engine does and sends many Create calls
at once (threads_driver.py); the probe provider reports how many it served at once.
The SDK's own provider (no configure of ours) shows the ceiling: four.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from sdk_venvs import REPO, SDK_FLOOR, SDK_NEWEST, sdk_python

HERE = Path(__file__).parent
SDKS = [SDK_FLOOR, SDK_NEWEST]


def drive(sdk: str, provider: str, **spec: object) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    env.pop("PYTHONHOME", None)
    result = subprocess.run(
        [
            str(sdk_python(sdk)),
            str(HERE / "threads_driver.py"),
            json.dumps({"provider": provider, **spec}),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    assert answer["sdk"] == sdk
    return answer


@pytest.mark.parametrize("sdk", SDKS)
def test_the_sdk_alone_serves_four_calls_at_once(sdk):
    answer = drive(sdk, "SdkOnly", calls=12, target=5, wait=0.3, config={})
    assert answer["peak"] == 4


@pytest.mark.parametrize("sdk", SDKS)
def test_our_providers_serve_as_many_calls_at_once_as_arrive_up_to_the_default(sdk):
    answer = drive(sdk, "Probe", calls=40, target=32, wait=10, config={})
    assert (answer["peak"], answer["pool"]) == (32, 32)
    assert answer["stderr"] == ""


@pytest.mark.parametrize("sdk", SDKS)
def test_contextsms_max_parallel_bounds_the_calls_served_at_once(sdk):
    answer = drive(
        sdk, "Probe", calls=40, target=40, wait=0.5, config={"contextsms:maxParallel": "12"}
    )
    assert (answer["peak"], answer["pool"]) == (12, 12)
    assert answer["stderr"] == ""
