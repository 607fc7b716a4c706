"""The counted bad-input matrix through the real CLI: every invalid input of
`bad_input_cases.CASES` fails `pulumi preview` on its own property, with a message that
names the field or config key and says how to fix it, before any request reaches the API.

One case per stack: the engine stops a preview at the first resource whose check()
fails, and one stack per case also proves that nothing else is reported with it.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter

import pytest
from bad_input_cases import CASES, PASSWORD_KEY, PROGRAM, UNSET, Case
from cli_harness import PulumiProject, api_requests, connection_config, run_concurrently
from reliability_support import report

from contextsms_emulator import DEMO_PASSWORD

pytestmark = pytest.mark.pulumi_cli

MINIMUM_CASES = 40
PARALLEL_PREVIEWS = 6
FAILURE = re.compile(r"resource '([\w-]+)': property (\w+) value \{.*?\} has a problem: (.*)")


def _config(case: Case, emulator) -> tuple[dict[str, str], dict[str, str]]:
    plain = {
        **connection_config(emulator, case.platform),
        "test:resource": case.resource,
        "test:inputs": json.dumps(case.inputs),
    }
    secrets = {PASSWORD_KEY: DEMO_PASSWORD}
    for key, value in case.config.items():
        target = secrets if key == PASSWORD_KEY else plain
        if value == UNSET:
            target.pop(key, None)
        else:
            target[key] = value
    return plain, secrets


def test_the_matrix_is_counted_and_covers_every_resource_and_the_settings():
    assert len(CASES) >= MINIMUM_CASES
    assert len({case.id for case in CASES}) == len(CASES)
    kinds = Counter(case.resource for case in CASES if not case.config)
    assert set(kinds) == {"Enterprise", "NumberMapping", "Csp"}
    assert sum(1 for case in CASES if case.config and case.prop == "profile") >= 10


def test_every_invalid_input_fails_preview_on_its_field_with_a_fix_and_no_request(
    project_factory, emulator
):
    started = time.monotonic()
    first = project_factory(PROGRAM, stack=CASES[0].id)
    projects = {
        case.id: PulumiProject(root=first.root, stack=case.id, env=dict(first.env))
        for case in CASES
    }

    def prepare(case: Case) -> None:
        project = projects[case.id]
        if project.stack != first.stack:
            project.run("stack", "init")
        plain, secrets = _config(case, emulator)
        project.config_all(plain, secrets=secrets)

    run_concurrently(*(lambda c=case: prepare(c) for case in CASES), limit=PARALLEL_PREVIEWS)
    emulator.clear_requests()

    previews = run_concurrently(
        *(lambda p=projects[case.id]: p.preview(check=False) for case in CASES),
        limit=PARALLEL_PREVIEWS,
    )

    problems = []
    for case, result in zip(CASES, previews, strict=True):
        output = result.stdout + result.stderr
        named = {(resource, prop): why for resource, prop, why in FAILURE.findall(output)}
        missing = [s for s in case.says if s not in named.get(("bad", case.prop), "")]
        if result.returncode == 0 or set(named) != {("bad", case.prop)} or missing:
            problems.append(f"{case.id}: expected {case.prop} saying {missing}, got {named}")
        if DEMO_PASSWORD in output:
            problems.append(f"{case.id}: the password is in the CLI output")
    assert problems == [], "\n".join(problems)
    requests = api_requests(emulator)
    assert requests == []  # no login, no read, no write

    report(
        "bad_input_matrix",
        cases=len(CASES),
        settings_cases=sum(1 for case in CASES if case.config and case.prop == "profile"),
        api_requests=len(requests),
        seconds=round(time.monotonic() - started, 1),
    )
