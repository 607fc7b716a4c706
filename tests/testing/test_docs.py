"""docs/testing.md shows the example repository's files verbatim: the suite runs those
files (tests/pulumi/test_user_testing.py), so the page cannot drift from what works."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[^ ]+) -->\n```\w*\n(?P<body>.*?)```\n", re.S)


def test_every_file_the_testing_page_shows_is_the_example_file_verbatim() -> None:
    page = (REPO / "docs" / "testing.md").read_text()
    shown = {m["path"]: m["body"] for m in FILE_BLOCK.finditer(page)}
    assert sorted(shown) == [
        "examples/testing/__main__.py",
        "examples/testing/pyproject.toml",
        "examples/testing/tests/test_deploy.py",
        "examples/testing/tests/test_program.py",
    ]
    for path, body in shown.items():
        assert body == (REPO / path).read_text(), f"docs/testing.md shows an old {path}"


def test_the_readme_links_the_testing_page() -> None:
    assert "(docs/testing.md)" in (REPO / "README.md").read_text()
