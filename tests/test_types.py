"""STYLE.md: type hints everywhere, mypy in CI. The hub package type-checks with the settings in
pyproject.toml ([tool.mypy]): a change that breaks a signature fails the suite, not production."""
from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_the_hub_package_type_checks(tmp_path: Path) -> None:
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(tmp_path / "mypy"), str(ROOT / "hub")])
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found")
