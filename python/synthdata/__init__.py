"""Large synthetic accounting datasets as Arrow streams, inside a memory budget.

A run is cut into parts of ``output.part_entries`` journal entries (1 000 000 by
default); part *k* is a pure function of the config and *k*: the same rows here, in the
CLI's files, on a Spark executor or a Dask worker. ::

    import pyarrow as pa, synthdata
    config = synthdata.Config(entries=200_000, seed=7)
    lines = pa.table(synthdata.generate(config, ["journal_lines"])["journal_lines"])

Master tables (vendors, customers, ...) come whole with part 0.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import ConfigError, Interrupted, MemoryLimitError, RunError, SynthDataError
from ._native import ArrowBatch, TableStream

__version__: str = _native.__version__

__all__ = [
    "Config",
    "Plan",
    "plan",
    "generate",
    "read",
    "write",
    "TableStream",
    "ArrowBatch",
    "SynthDataError",
    "ConfigError",
    "MemoryLimitError",
    "RunError",
    "Interrupted",
]

#: Keyword arguments of :class:`Config` and the config keys they set.
SHORT_NAMES: Dict[str, str] = {
    "entries": "transactions.target_count",
    "seed": "global.seed",
    "memory_limit": "global.memory_limit",
    "months": "global.months",
    "start_year": "global.start_year",
    "start_month": "global.start_month",
    "vendors": "master_data.vendors",
    "customers": "master_data.customers",
    "customers_abroad": "master_data.customers_abroad",
    "employee_churn": "master_data.employee_churn",
    "anomaly_rate": "anomalies.rate",
    "anomalies": "anomalies.enabled",
    "documents": "documents.enabled",
    "graph": "graph.enabled",
    "part_entries": "output.part_entries",
    "batch_size": "output.batch_size",
    "format": "output.format",
    "compression": "output.compression",
    "threads": "output.threads",
    "directory": "output.directory",
}


class Config:
    """A validated config: from a YAML file, YAML text, a dict, keyword arguments, or
    a mix (later ones win). Every problem is reported at once as :class:`ConfigError`,
    in the words of ``synthdata validate``.

    >>> Config(entries=100_000, seed=7, anomaly_rate=0.01)
    >>> Config("synthdata.yaml", settings={"output.part_entries": 250_000})
    >>> Config.from_dict({"transactions": {"target_count": "1M"}})

    Counts take the CLI's forms (``"1M"``, ``"2.5e6"``, ``"10k"``). A config pickles as
    its canonical YAML text, so it travels to Spark and Dask workers as it is.
    """

    __slots__ = ("_yaml",)

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]", None] = None,
        *,
        yaml: Optional[str] = None,
        settings: Optional[Mapping[str, Any]] = None,
        **short: Any,
    ) -> None:
        pairs: List[Tuple[str, str]] = []
        for name, value in short.items():
            key = SHORT_NAMES.get(name)
            if key is None:
                raise ConfigError(
                    f"{name}: not a setting of Config(); expected one of "
                    f"{', '.join(sorted(SHORT_NAMES))}, or any config key in "
                    f"settings={{'section.key': value}}"
                )
            if name == "anomaly_rate":
                pairs.append(("anomalies.enabled", "true"))
            pairs.append((key, _json(value)))
        for key, value in (settings or {}).items():
            pairs.append((str(key), _json(value)))
        file = os.fspath(path) if path is not None else None
        self._yaml = _native.config(yaml, file, pairs)

    @classmethod
    def from_yaml(cls, text: str, **short: Any) -> "Config":
        """A config from YAML text."""
        return cls(yaml=text, **short)

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"], **short: Any) -> "Config":
        """A config from a YAML file (``synthdata init`` writes one)."""
        return cls(path, **short)

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], **short: Any) -> "Config":
        """A config from nested dicts, as the YAML file would hold them."""
        return cls(yaml=json.dumps(config, default=str), **short)

    @classmethod
    def _from_canonical(cls, text: str) -> "Config":
        c = cls.__new__(cls)
        c._yaml = text
        return c

    def with_settings(self, settings: Optional[Mapping[str, Any]] = None, **short: Any) -> "Config":
        """This config with some settings changed (validated again)."""
        return Config(yaml=self._yaml, settings=settings, **short)

    @property
    def yaml(self) -> str:
        """The config as YAML, every key spelled out."""
        return self._yaml

    def __reduce__(self):
        return (Config._from_canonical, (self._yaml,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and other._yaml == self._yaml

    def __hash__(self) -> int:
        return hash(self._yaml)

    def __repr__(self) -> str:
        try:
            p = _native.plan(self._yaml)
        except SynthDataError as e:
            # A config that cannot run (its plan alone exceeds the limit) still prints.
            return f"<synthdata.Config (cannot run here: {e})>"
        return f"<synthdata.Config: {p['entries']:,} entries in {p['parts']} parts>"


def _json(value: Any) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return json.dumps(value, default=str)


def _config(config: Union[Config, str, "os.PathLike[str]", Mapping[str, Any], None]) -> Config:
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, Mapping):
        return Config.from_dict(config)
    return Config(config)


@dataclass(frozen=True)
class Plan:
    """The parts of a run and what each holds."""

    #: Journal entries of the whole run.
    entries: int
    #: Entries per part (the last may hold fewer).
    part_entries: int
    #: Parts of the whole run.
    parts: int
    #: The parts this run makes (its shard's, or all).
    owned: Tuple[int, ...]
    #: Every table the config writes.
    tables: Tuple[str, ...]
    #: The tables generated part by part (the others come whole with part 0).
    streaming_tables: Tuple[str, ...]
    #: The hard memory limit a part held whole must fit.
    hard_limit_bytes: int
    #: Where the limit comes from.
    limit_source: str

    def range(self, part: int) -> range:
        """The entries of ``part``."""
        if not 0 <= part < self.parts:
            raise IndexError(f"part {part} does not exist: there are {self.parts} parts")
        start = part * self.part_entries
        return range(start, min(start + self.part_entries, self.entries))


def plan(config: Union[Config, str, Mapping[str, Any], None] = None) -> Plan:
    """How many parts a config's run has, and what each holds."""
    p = _native.plan(_config(config).yaml)
    return Plan(
        entries=p["entries"],
        part_entries=p["part_entries"],
        parts=p["parts"],
        owned=tuple(p["owned"]),
        tables=tuple(p["tables"]),
        streaming_tables=tuple(p["streaming_tables"]),
        hard_limit_bytes=p["hard_limit_bytes"],
        limit_source=p["limit_source"],
    )


def generate(
    config: Union[Config, str, Mapping[str, Any], None] = None,
    tables: Union[str, Sequence[str], None] = None,
    part: int = 0,
    *,
    batch_entries: Optional[int] = None,
    binary_ids: bool = False,
) -> Dict[str, TableStream]:
    """The tables of part ``part`` as Arrow streams, by name, generated batch by batch as
    they are read (each stream once): ``pyarrow.table(s)``, ``polars.DataFrame(s)``,
    ``duckdb.sql("select ... from s")``, or ``for batch in s``. Without ``tables``:
    every table the config writes that part 0 holds (master tables) or any part holds.

    Ids are UUID text (``binary_ids=True``: 16 bytes, as Parquet stores them). Raises
    :class:`MemoryLimitError` when the part, held whole, would not fit the hard limit.
    """
    c = _config(config)
    if tables is None:
        p = _native.plan(c.yaml)
        names = list(p["tables"] if part == 0 else p["streaming_tables"])
    elif isinstance(tables, str):
        names = [tables]
    else:
        names = list(tables)
    streams = _native.streams(c.yaml, names, part, batch_entries, binary_ids)
    return {s.table: s for s in streams}


def read(
    config: Union[Config, str, Mapping[str, Any], None],
    table: str,
    parts: Optional[Iterable[int]] = None,
):
    """One table as a ``pyarrow.Table``: the parts given, or all of them (the whole
    table, held in memory: mind its size)."""
    import pyarrow as pa

    c = _config(config)
    p = plan(c)
    if parts is None:
        parts = range(max(p.parts, 1)) if table in p.streaming_tables else [0]
    pieces = [pa.table(generate(c, [table], k)[table]) for k in parts]
    return pa.concat_tables(pieces) if pieces else pa.table({})


def write(
    config: Union[Config, str, Mapping[str, Any], None] = None,
    out: Union[str, "os.PathLike[str]", None] = None,
    *,
    overwrite: bool = False,
) -> Dict[str, Any]:
    """Writes the run into ``out`` (else the config's ``output.directory``) exactly as
    ``synthdata generate`` does: files, parts and manifest, under the memory guard.
    Ctrl-C stops it cleanly and raises :class:`Interrupted`. Returns its summary."""
    c = _config(config)
    return _native.write(c.yaml, os.fspath(out) if out is not None else None, overwrite)
