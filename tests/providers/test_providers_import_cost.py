"""Start-up budgets: what each process of a Pulumi command imports before its first
request, pinned (docs/performance.md, "Start-up").

Every command pays these imports, twice: the program process imports the resources,
the provider process (started by the engine per command) unpickles a provider and
serves check/diff, or reads and deletes. The paths are the ones `python -m bench.startup`
times side by side with the do-nothing floor (`bench/startup.py`); here the modules each
path adds over the floor are counted, which is exact and load-independent, plus one
timing of the program path that catches a return of the heavy imports.
"""

from __future__ import annotations

import sys

import pytest

import pulumi_contextsms
from bench import startup
from bench.cli import ensure_bytecode
from pulumi_contextsms.client.specs import CspSpec
from pulumi_contextsms.providers import csp

PATHS = {path.name: path for path in startup.paths()}

# Third-party packages a path may add to what `import pulumi.dynamic` already loads.
# Every path: lazy_loader, one module (~1 ms with the stubs it reads), which loads each
# package's exports from its __init__.pyi on first use.
EVERY_PATH = {"lazy_loader"}
ALLOWED = {
    # the resources and the provider classes: ours and the standard library only
    "program": set(),
    # check() validates with pydantic models: E.164 numbers, email addresses
    "check/diff": {
        "pydantic",
        "pydantic_core",
        "annotated_types",
        "typing_inspection",
        "phonenumbers",
        "email_validator",
        "idna",
        "dns",
    },
    # reading: the HTTP client and the records (no number or address is checked)
    "read path": {
        "pydantic",
        "pydantic_core",
        "annotated_types",
        "typing_inspection",
        "httpx",
        "httpcore",
        "h11",
        "anyio",
        "sniffio",
        "certifi",
        "idna",
        # httpx imports its command line when these happen to be installed (dev extras)
        "click",
        "rich",
        "pygments",
        "markdown_it",
        "mdurl",
    },
}
# Our own modules each path may load: exactly today's, so a new module on a path is a
# decision with its reason here. 0.2 added providers.adoption (the adopt_id rules) and
# providers.diagnostics (messages on a resource) to every path: the provider classes,
# which every path imports, use them; and client.limits (every bound of the settings,
# written once, standard library only).
OUR_MODULES_BUDGET = {"program": 27, "check/diff": 25, "read path": 35}
NEVER = {
    "program": {
        "pulumi_contextsms.client.client",
        "pulumi_contextsms.client.settings",
        "pulumi_contextsms.client.specs",
        "pulumi_contextsms.client.models",
        "pulumi_contextsms.functions",
    },
    "check/diff": {
        "pulumi_contextsms.client.client",
        "pulumi_contextsms.client.request_loop",
        "pulumi_contextsms.resources",
        "pulumi_contextsms.functions",
    },
    "read path": {
        "pulumi_contextsms.client.specs",
        "pulumi_contextsms.resources",
        "pulumi_contextsms.functions",
    },
}


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    """As an installed wheel is (pip compiles it); this checkout may not be."""
    ensure_bytecode()


@pytest.fixture(scope="module")
def added() -> dict[str, set[str]]:
    """The modules each path imports beyond the floor's same path (one run each)."""
    result = {}
    for name, path in PATHS.items():
        _, floor = startup.run_once(path.floor)
        _, ours = startup.run_once(path.ours)
        result[name] = set(ours) - set(floor)
    return result


@pytest.mark.parametrize("name", list(PATHS))
def test_each_path_adds_only_the_libraries_it_needs(added, name):
    tops = {module.split(".")[0] for module in added[name]}
    stdlib = {t for t in tops if t in sys.stdlib_module_names or t.startswith("_sysconfigdata")}
    third_party = tops - stdlib - {"pulumi_contextsms"}
    allowed = EVERY_PATH | ALLOWED[name]
    assert third_party <= allowed, sorted(third_party - allowed)


@pytest.mark.parametrize("name", list(PATHS))
def test_each_path_loads_few_of_our_modules_and_never_the_ones_it_does_not_need(added, name):
    ours = {module for module in added[name] if module.startswith("pulumi_contextsms")}
    assert len(ours) <= OUR_MODULES_BUDGET[name], sorted(ours)
    assert not ours & NEVER[name], sorted(ours & NEVER[name])


def test_the_program_path_costs_little_time_next_to_the_floor():
    """The fastest of 5 fresh interpreters per side (the least disturbed by other load):
    the resources once cost 0.25-0.35 s here, today ~0.03 s (target 0.10 s)."""
    path = PATHS["program"]
    floor, ours = [], []
    for _ in range(5):
        floor.append(startup.run_once(path.floor)[0])
        ours.append(startup.run_once(path.ours)[0])
    assert min(ours) - min(floor) <= 0.15, (floor, ours)


def test_csp_spec_fields_are_named_without_importing_the_spec():
    assert tuple(CspSpec.model_fields) == csp.SPEC_FIELDS


def test_the_package_still_exports_everything_on_first_use():
    for name in pulumi_contextsms.__all__:
        assert getattr(pulumi_contextsms, name).__name__ == name
    assert set(pulumi_contextsms.__all__) <= set(dir(pulumi_contextsms))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="Enterprize"):
        pulumi_contextsms.Enterprize  # noqa: B018
