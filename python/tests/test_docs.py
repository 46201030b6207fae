"""Every Python code block of the Python, Spark and Dask pages runs as written, page by
page in a fresh interpreter (Spark in local mode, Dask on a real LocalCluster)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "src"
PAGES = ["python.md", "deploy/spark.md", "deploy/dask.md"]


def blocks(page: Path) -> list[str]:
    return re.findall(r"```(?:python|pyspark)\n(.*?)```", page.read_text(), re.S)


@pytest.mark.parametrize("page", PAGES)
def test_every_block_of_the_page_runs(page, tmp_path):
    code = blocks(DOCS / page)
    assert code, f"{page} has Python blocks"
    script = tmp_path / "page.py"
    script.write_text("\n".join(code))
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
        timeout=600,
    )
    assert done.returncode == 0, f"{page}:\n{done.stdout}\n{done.stderr}"
