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
            f"{settings['scale_repeats']} at 2N; far-away API grid x"
            f"{settings.get('latency_repeats', 0)})",
            f"- Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), "
            f"{machine['memory_gib']} GiB RAM, Linux {machine['kernel']}",
            f"- Software: Python {machine['python']}, Pulumi CLI {machine['pulumi_cli']}",
            f"- Load average (1/5/15 min) at start: {machine['load_average_start']}; "
            f"at end: {machine['load_average_end']}",
        ]
    )


def update_doc(rows: Sequence[Row], machine: dict[str, Any], settings: dict[str, Any]) -> None:
    """Replace the block between the markers in docs/performance.md (append it if the
    markers are missing)."""
    block = f"{BEGIN}\n{machine_lines(machine, settings)}\n\n{markdown_table(rows)}\n{END}"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)
