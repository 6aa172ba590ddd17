"""Resolve a name column of a Spark DataFrame: the same matcher on every executor.

The normaliser is built once, on the driver, from lexicon files the driver can read;
its compiled index is broadcast to the executors, where each Python worker loads it
once and resolves the column one Arrow batch at a time (a pandas UDF), each distinct
name of a batch once.  Needs the ``spark`` extra (``pip install 'translitnorm[spark]'``)
on the driver and the executors.

>>> from translitnorm.spark import resolve_column                                         # doctest: +SKIP
>>> people = spark.read.parquet("people/")                                                # doctest: +SKIP
>>> resolved = resolve_column(people, "name", lexicons=["lexicons/ours.tsv"])             # doctest: +SKIP
>>> resolved.select("name", "name_id", "name_score", "name_method").show()                # doctest: +SKIP
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Iterable

import pyarrow as pa

try:
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("translitnorm.spark needs pyspark and pandas: pip install 'translitnorm[spark]'") from exc

from translitnorm.batch import RESULT_SCHEMA, resolve_many
from translitnorm.runtime import collector_paused
from translitnorm.decision import ADDED_FIELDS
from translitnorm.errors import TranslitnormError
from translitnorm.normaliser import Normaliser

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame

#: The columns added for a name column ``<prefix>``: ``<prefix>_id`` and so on (as ``translitnorm clean`` adds).
ADDED_COLUMNS = ADDED_FIELDS

# The Spark types of the result table's Arrow types (batch.RESULT_SCHEMA).
_SPARK_TYPES = {pa.string(): T.StringType(), pa.float64(): T.DoubleType()}
_RESULT_TYPE = T.StructType([T.StructField(name, _SPARK_TYPES[RESULT_SCHEMA.field(name).type]) for name in ADDED_COLUMNS])


class SparkColumnError(TranslitnormError, ValueError):
    """A column that cannot be resolved as asked: the message says which and what to do."""


class SparkEnvironmentError(TranslitnormError, RuntimeError):
    """The executors cannot run translitnorm: the message says which Python they run and what to set."""


def resolve_column(df: "DataFrame", column: str, normaliser: Normaliser | None = None,
                   lexicons: Iterable[str | os.PathLike] | None = None, prefix: str | None = None) -> "DataFrame":
    """``df`` with ``<prefix>_id``, ``_canonical``, ``_score`` and ``_method`` added for the names in ``column``.

    ``prefix`` defaults to the column's name.  The normaliser is ``normaliser``, else one built on
    the driver from ``lexicons`` (files or directories), else the shipped lexicons.  A name without a
    safe answer gets a null ID and score (``method`` ``none``); a null or empty name gets method
    ``empty``.
    Rows, their order and the other columns are left as they are.  The result equals
    ``normaliser.resolve_many(names, as_="arrow")`` for the same names.

    >>> people = spark.createDataFrame([("Kurmanbek Bakiev",), (None,)], "name string")   # doctest: +SKIP
    >>> resolve_column(people, "name").select("name_id", "name_method").collect()       # doctest: +SKIP
    [Row(name_id='kg.bakiev.kurmanbek', name_method='exact'), Row(name_id=None, name_method='empty')]
    """
    if normaliser is not None and lexicons is not None:
        raise ValueError("pass either normaliser or lexicons, not both")
    _check_column(df, column)
    prefix = column if prefix is None else prefix
    added = [f"{prefix}_{name}" for name in ADDED_COLUMNS]
    taken = [name for name in added if name in df.columns]
    if taken:
        raise SparkColumnError(f"column{'s' if len(taken) > 1 else ''} {', '.join(taken)} already in the DataFrame; "
                               f"pass another prefix (prefix='{prefix}_resolved') or drop {'them' if len(taken) > 1 else 'it'}")
    if normaliser is None:
        normaliser = Normaliser.from_lexicons(lexicons) if lexicons is not None else Normaliser.default()
    _check_executors(df.sparkSession.sparkContext)
    shipped = _broadcast(df.sparkSession.sparkContext, normaliser)
    resolve = _resolving_udf(shipped)
    result = _unused_name(df.columns)
    with_result = df.withColumn(result, resolve(F.col(_quoted(column))))
    return with_result.select(
        *[F.col(_quoted(name)) for name in df.columns],
        *[F.col(result).getField(field).alias(name) for field, name in zip(ADDED_COLUMNS, added)],
    )


def _executor_python(_):
    """Run on an executor: its Python, whether that Python can import translitnorm, and the host."""
    import importlib.util
    import socket
    import sys

    return sys.executable, importlib.util.find_spec("translitnorm") is not None, socket.gethostname()


# Spark pickles a function of an importable module by reference, so an executor without translitnorm
# would fail to load this very probe with the bare ModuleNotFoundError it is there to explain; a
# function of __main__ travels by value.
_executor_python.__module__ = "__main__"

#: Spark applications whose executors were found to import translitnorm (checked once per application).
_CHECKED_APPLICATIONS: set[str] = set()


def _check_executors(spark_context) -> None:
    """Refuse, with what to set, to run on executors whose Python has no translitnorm: without this
    check the job fails later, on the first action, with a bare ``ModuleNotFoundError`` in a worker's
    traceback."""
    if spark_context.applicationId in _CHECKED_APPLICATIONS:
        return
    python, found, host = spark_context.parallelize([0], 1).map(_executor_python).first()
    if not found:
        configured = os.environ.get("PYSPARK_PYTHON") or spark_context.getConf().get("spark.pyspark.python")
        why = (f"PYSPARK_PYTHON is {configured}" if configured
               else "PYSPARK_PYTHON is not set, so they run the first python3 on their PATH")
        raise SparkEnvironmentError(
            f"the Spark executors run {python} (on {host}), which cannot import translitnorm ({why}); "
            f"install 'translitnorm[spark]' for that Python, or set PYSPARK_PYTHON (spark.pyspark.python) "
            f"to a Python that has it, e.g. export PYSPARK_PYTHON={sys.executable} for local mode; "
            f"see docs/etl.md")
    _CHECKED_APPLICATIONS.add(spark_context.applicationId)


def _broadcast(spark_context, normaliser: Normaliser) -> "Broadcast":
    """Broadcast ``normaliser`` (its compiled index and decision rule) to the executors, as pickled
    bytes: each executor's Python worker unpickles it once, with the garbage collector paused
    (an index is millions of small objects)."""
    token = uuid.uuid4().hex  # names this normaliser in the executors' cache of loaded ones
    return spark_context.broadcast((token, pickle.dumps(normaliser, protocol=pickle.HIGHEST_PROTOCOL)))


# Normalisers loaded in this (executor) process; a few, so that a long-lived Python worker
# serving several jobs does not keep every index it ever saw.
_LOADED: "OrderedDict[str, Normaliser]" = OrderedDict()
_LOADED_AT_MOST = 2
_LOADING = threading.Lock()


def _normaliser_of(shipped: "Broadcast") -> Normaliser:
    """The normaliser of a broadcast made by :func:`_broadcast`, loaded once per process."""
    token, payload = shipped.value
    with _LOADING:
        normaliser = _LOADED.get(token)
        if normaliser is None:
            with collector_paused():
                normaliser = pickle.loads(payload)
            _LOADED[token] = normaliser
            while len(_LOADED) > _LOADED_AT_MOST:
                _LOADED.popitem(last=False)
        else:
            _LOADED.move_to_end(token)
        return normaliser


def _resolving_udf(shipped: "Broadcast"):
    """A vectorised UDF from a name column to the struct of results: an Arrow UDF where Spark has
    them (4.1 and later: no pandas in between), else a pandas UDF."""
    if hasattr(F, "arrow_udf") and not _PANDAS_UDF_ONLY:

        def resolve_names(names: pa.Array) -> pa.Array:
            table = _results(_normaliser_of(shipped), names)
            return pa.StructArray.from_arrays([column.combine_chunks() for column in table.columns],
                                              names=table.column_names)

        return F.arrow_udf(resolve_names, _RESULT_TYPE)

    def resolve_names(names: pd.Series) -> pd.DataFrame:
        return _results(_normaliser_of(shipped), names).to_pandas()

    return F.pandas_udf(resolve_names, _RESULT_TYPE)


_PANDAS_UDF_ONLY = False  # tests set it to check the pandas UDF that Spark before 4.1 uses


def _results(normaliser: Normaliser, names) -> pa.Table:
    # One Arrow batch of the column; worker processes of our own would compete with Spark's.
    return resolve_many(normaliser, names, as_="arrow", jobs=1).select(list(ADDED_COLUMNS))


def _check_column(df: "DataFrame", column: str) -> None:
    if column not in df.columns:
        import difflib

        close = difflib.get_close_matches(column, df.columns, n=1, cutoff=0.5)
        hint = f" — pass column='{close[0]}'" if close else ""
        raise SparkColumnError(f"column '{column}' not found; columns are: {', '.join(df.columns) or '(none)'}{hint}")
    kind = df.schema[column].dataType
    if not isinstance(kind, T.StringType):
        raise SparkColumnError(f"column '{column}' holds {kind.simpleString()}, not strings; cast it first: "
                               f"df.withColumn('{column}', df['{column}'].cast('string'))")


def _quoted(name: str) -> str:
    """A column name as a Spark column reference, even with dots or backticks in it."""
    return "`" + name.replace("`", "``") + "`"


def _unused_name(columns: list[str]) -> str:
    name = "_translitnorm_result"
    while name in columns:
        name += "_"
    return name
