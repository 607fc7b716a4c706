"""Printing and keeping the results: the console table, results JSON, the doc's table.

docs/performance.md holds hand-written notes (why a target is missed) around a block
between two markers that only this module writes, so the table and the machine it ran
on never drift from the last full run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .targets import Row

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
BEGIN = "<!-- bench:results:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:results:end -->"


def text_table(rows: Sequence[Row]) -> str:
    """Fixed-width table for the console, a header line per section."""
    widths = [
        max(len(getattr(r, f)) for r in rows) if rows else 0
        for f in ("metric", "measured", "target")
    ]
    lines, section = [], None
    for r in rows:
        if r.section != section:
            section = r.section
            lines += ["", section, "-" * len(section)]
        cells = (r.metric, r.measured, r.target)
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + f"  {r.status}"
        )
    return "\n".join(lines).lstrip("\n")


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| metric | measured | target | result |", "|---|---|---|---|"]
    section = None
    for r in rows:
        if r.section != section:
            section = r.section
            lines.append(f"| **{section}** | | | |")
        status = f"**{r.status}**" if r.status == "MISS" else r.status
        lines.append(f"| {r.metric} | {r.measured} | {r.target} | {status} |")
    return "\n".join(lines)


def summary(rows: Sequence[Row]) -> str:
    counts = {s: sum(r.status == s for r in rows) for s in ("PASS", "MISS", "INFO")}
    missed = [f"{r.section.split(':')[0]}: {r.metric}" for r in rows if r.status == "MISS"]
    text = f"{counts['PASS']} PASS, {counts['MISS']} MISS, {counts['INFO']} reported"
    return text + ("" if not missed else " (MISS: " + "; ".join(missed) + ")")


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def machine_lines(machine: dict[str, Any], settings: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"- Run: {machine['date']}, `make bench` (N={settings['n']} and "
            f"{2 * settings['n']}, {settings['repeats']} floor/real pairs at N, "
            f"{settings['scale_repeats']} at 2N, {settings.get('small_repeats', 0)} at "
            f"N=10)",
            *_machine_tail(machine),
        ]
    )


def latency_lines(machine: dict[str, Any], settings: dict[str, Any]) -> str:
    grid = settings.get("latency_grid", [])
    runs = ", ".join(
        f"{p['platform']} N={p['n']} --parallel {p['parallel']}"
        f"{'' if p.get('max_parallel') is None else ' maxParallel ' + str(p['max_parallel'])}"
        f" x{p['repeats']}"
        for p in grid
    )
    env = settings.get("latency_env") or {}
    return "\n".join(
        [
            f"- Run: {machine['date']}, `{settings.get('command', 'make bench')}`: {runs}"
            f"{'; ' + ', '.join(f'{k}={v}' for k, v in env.items()) if env else ''}",
            *_machine_tail(machine),
        ]
    )


def _machine_tail(machine: dict[str, Any]) -> list[str]:
    return [
        f"- Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB RAM, Linux {machine['kernel']}",
        f"- Software: Python {machine['python']}, Pulumi CLI {machine['pulumi_cli']}",
        f"- Load average (1/5/15 min) at start: {machine['load_average_start']}; "
        f"at end: {machine['load_average_end']}",
    ]


LATENCY_BEGIN = (
    "<!-- bench:latency:begin (written by `make bench` and `scripts/bench.sh --latency-only`;"
    " edit outside these markers) -->"
)
LATENCY_END = "<!-- bench:latency:end -->"


def _replace_block(text: str, begin: str, end: str, block: str) -> str:
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + block + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def update_doc(
    rows: Sequence[Row],
    machine: dict[str, Any],
    settings: dict[str, Any],
    *,
    latency_section: str | None = None,
    main: bool = True,
) -> None:
    """Replace the blocks between the markers in docs/performance.md (append them if the
    markers are missing): the main table (unless `main` is False) and the far-away API
    grid (the rows of `latency_section`), each with the run it came from."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    grid = [r for r in rows if r.section == latency_section]
    rest = [r for r in rows if r.section != latency_section]
    if main:
        block = f"{BEGIN}\n{machine_lines(machine, settings)}\n\n{markdown_table(rest)}\n{END}"
        text = _replace_block(text, BEGIN, END, block)
    if grid:
        block = (
            f"{LATENCY_BEGIN}\n{latency_lines(machine, settings)}\n\n"
            f"{markdown_table(grid)}\n{LATENCY_END}"
        )
        text = _replace_block(text, LATENCY_BEGIN, LATENCY_END, block)
    DOC.write_text(text)
