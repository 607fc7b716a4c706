"""Drive a real `python -m pulumi.dynamic` the way the engine does, over gRPC.

Run with the Python of the venv under test (it holds that venv's pulumi SDK):

    python threads_driver.py '{"provider": "Probe", "calls": 40, "target": 32,
                               "wait": 5, "config": {"contextsms:maxParallel": "12"}}'

Starts the provider process, sends Configure with the stack config, then `calls` Create
RPCs at once, each of a `threads_probe` provider, and prints one JSON object: the peak
number of creates in flight that the provider saw, the pool size our module reports,
the SDK version, and what the provider process wrote on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version

import grpc
import threads_probe
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc


def _struct(values: dict[str, object]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def main() -> None:
    spec = json.loads(sys.argv[1])
    provider = serialize_provider(getattr(threads_probe, spec["provider"])())
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi.dynamic"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PULUMI_PROJECT": "threads"},
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(args=_struct(spec["config"])))
            props = {"__provider": provider, "target": spec["target"], "wait": spec["wait"]}
            request = provider_pb2.CreateRequest(
                urn="urn:pulumi:s::p::pulumi-python:dynamic:Resource::probe",
                properties=_struct(props),
            )
            with ThreadPoolExecutor(max_workers=spec["calls"]) as callers:
                replies = list(callers.map(lambda _: stub.Create(request), range(spec["calls"])))
        outs = [dict(reply.properties) for reply in replies]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    sys.stdout.write(
        json.dumps(
            {
                "peak": max(int(o["peak"]) for o in outs),
                "pool": max(int(o["pool"]) for o in outs),
                "sdk": version("pulumi"),
                "python": sys.version.split()[0],
                "stderr": stderr,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
