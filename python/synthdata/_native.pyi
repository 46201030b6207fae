"""Type stubs of the native half of synthdata (PyO3)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

__version__: str

def config(
    text: Optional[str] = None,
    file: Optional[str] = None,
    settings: Sequence[Tuple[str, str]] = (),
) -> str:
    """Validates a config (YAML text or a file, with dotted-key settings as JSON values
    over it); returns its canonical YAML. Raises ConfigError naming every problem."""

def plan(config: str) -> Dict[str, Any]:
    """The parts of a config's run: entries, part_entries, parts, owned, tables,
    streaming_tables, hard_limit_bytes, limit_source."""

def streams(
    config: str,
    tables: Sequence[str],
    part: int = 0,
    batch_entries: Optional[int] = None,
    binary_ids: bool = False,
) -> List["TableStream"]:
    """The tables of one part as streams sharing one generator; raises
    MemoryLimitError when the part held whole would not fit the hard limit."""

def write(config: str, out: Optional[str] = None, overwrite: bool = False) -> Dict[str, Any]:
    """Writes the run as the CLI does; Ctrl-C raises Interrupted."""

def main(argv: List[str]) -> int:
    """The synthdata command with argv (the program's name first); its exit code."""

class TableStream:
    """One table of one part, generated batch by batch as it is read; read once."""

    table: str
    part: int
    estimated_bytes: int
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def __iter__(self) -> "TableStream": ...
    def __next__(self) -> "ArrowBatch": ...

class ArrowBatch:
    """One record batch (``pyarrow.record_batch(b)``)."""

    num_rows: int
    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...
    def __len__(self) -> int: ...
