"""A Spark data source (``pyspark.sql.datasource``, Spark 4) named ``synthdata``: one
Spark partition per part, each generated on its executor as Arrow record batches. ::

    import synthdata.spark
    synthdata.spark.register(spark)
    lines = (spark.read.format("synthdata")
             .option("table", "journal_lines")
             .option("entries", 10_000_000)
             .load())

Options: ``table`` (required), the keyword arguments of :class:`synthdata.Config`
(``entries``, ``seed``, ``part_entries``, ``anomaly_rate``, ...), any config key by its
dotted name (``.option("anomalies.rate", 0.01)``), ``config`` (a YAML file every
executor can read) and ``yaml`` (the config's text). Values are read as JSON where they
parse (``0.01``, ``true``), else as text (``"1M"``).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition

from . import SHORT_NAMES, Config, generate, plan

#: Spark SQL types of the Arrow types synthdata's columns have.
_SPARK_TYPES = {
    "string": "STRING",
    "int64": "BIGINT",
    "decimal128(18, 2)": "DECIMAL(18,2)",
    "decimal128(18, 8)": "DECIMAL(18,8)",
    "date32[day]": "DATE",
    "timestamp[us]": "TIMESTAMP_NTZ",
    "bool": "BOOLEAN",
    "fixed_size_binary[16]": "BINARY",
}


def _value(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def config_from_options(options: Dict[str, str]) -> Config:
    """The config the options describe (the ``table`` option aside)."""
    short: Dict[str, Any] = {}
    settings: Dict[str, Any] = {}
    path = None
    text = None
    for key, raw in options.items():
        key = key.lower()
        if key == "table":
            continue
        if key == "config":
            path = raw
        elif key == "yaml":
            text = raw
        elif key in SHORT_NAMES:
            short[key] = _value(raw)
        else:
            settings[key] = _value(raw)
    return Config(path, yaml=text, settings=settings, **short)


def spark_ddl(config: Config, table: str) -> str:
    """The Spark schema of ``table``, as DDL."""
    import pyarrow as pa

    stream = generate(config, [table], 0)[table]
    columns: List[str] = []
    for field in pa.schema(stream):
        kind = _SPARK_TYPES[str(field.type)]
        columns.append(f"`{field.name}` {kind}{'' if field.nullable else ' NOT NULL'}")
    return ", ".join(columns)


class SynthDataSource(DataSource):
    """``spark.read.format("synthdata")``: a synthdata table, one partition per part."""

    @classmethod
    def name(cls) -> str:
        return "synthdata"

    def _table(self) -> str:
        table = self.options.get("table")
        if not table:
            raise ValueError('the synthdata source needs .option("table", NAME)')
        return table

    def schema(self) -> str:
        return spark_ddl(config_from_options(dict(self.options)), self._table())

    def reader(self, schema) -> "SynthDataReader":
        return SynthDataReader(config_from_options(dict(self.options)), self._table())


class SynthDataReader(DataSourceReader):
    """Generates the table's parts on the executors."""

    def __init__(self, config: Config, table: str) -> None:
        self.config = config
        self.table = table

    def partitions(self) -> List[InputPartition]:
        p = plan(self.config)
        if self.table in p.streaming_tables:
            return [InputPartition(k) for k in p.owned]
        return [InputPartition(0)]

    def read(self, partition: InputPartition) -> Iterator[Any]:
        import pyarrow as pa

        stream = generate(self.config, [self.table], partition.value)[self.table]
        for batch in stream:
            yield pa.record_batch(batch)


def register(spark) -> None:
    """Registers the ``synthdata`` format with a Spark session."""
    spark.dataSource.register(SynthDataSource)
