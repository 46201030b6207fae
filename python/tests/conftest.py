"""Shared fixtures: a small config and the CLI's run of it (the wheel's own command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import synthdata

ENTRIES = 30_000
PART_ENTRIES = 10_000
SEED = 11


def synthdata_command() -> str:
    """The `synthdata` command installed with the wheel, next to this Python."""
    path = Path(sys.executable).with_name("synthdata")
    assert path.exists(), f"the wheel installs the command: {path}"
    return str(path)


@pytest.fixture(scope="session")
def config() -> synthdata.Config:
    return synthdata.Config(
        entries=ENTRIES,
        part_entries=PART_ENTRIES,
        seed=SEED,
        settings={"output.parquet_uuid": False},
    )


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory, config) -> Path:
    """The same config written by the command, as Parquet: 3 parts."""
    base = tmp_path_factory.mktemp("cli")
    (base / "config.yaml").write_text(config.yaml)
    out = base / "run"
    done = subprocess.run(
        [
            synthdata_command(),
            "generate",
            "--config",
            str(base / "config.yaml"),
            "--format",
            "parquet",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text())
