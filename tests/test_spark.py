"""translitnorm.spark in local mode: a name column resolved on executors equals resolve_many on the driver."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'translitnorm[spark]'")
_JAVA = shutil.which("java") or (os.environ.get("JAVA_HOME") and shutil.which("java", path=str(Path(os.environ["JAVA_HOME"]) / "bin")))
if not _JAVA:
    pytest.skip("Spark needs Java (17 or later) on PATH or in JAVA_HOME", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from conftest import DATA, ROOT, read_labelled  # noqa: E402
from translitnorm import Normaliser  # noqa: E402
from translitnorm import spark as translitnorm_spark  # noqa: E402
from translitnorm.lexicon import LexiconLine, format_lines  # noqa: E402
from translitnorm.spark import SparkColumnError, resolve_column  # noqa: E402

NAMES = [row["query"] for row in read_labelled(DATA / "sets" / "press-spellings.tsv")][:120]
NAMES += [None, "", "Mr.", "Бакиев", NAMES[0], NAMES[1], None]
ADDED = ["name_id", "name_canonical", "name_score", "name_method"]


@pytest.fixture(scope="module")
def spark():
    with pytest.MonkeyPatch.context() as environment:
        # Executors run this interpreter, and find translitnorm where the tests do.
        environment.setenv("PYSPARK_PYTHON", sys.executable)
        environment.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
        session = (SparkSession.builder.master("local[2]").appName("translitnorm-tests")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "2")
                   .config("spark.sql.execution.arrow.maxRecordsPerBatch", "40")  # several batches per partition
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame([(row, name, row % 3) for row, name in enumerate(NAMES)],
                                 "row long, name string, batch int")


def expected_rows(normaliser: Normaliser, names) -> list[tuple]:
    table = normaliser.resolve_many(names, as_="arrow")
    return list(zip(*(table.column(column).to_pylist() for column in ("id", "canonical", "score", "method"))))


def test_resolved_column_equals_resolve_many_and_keeps_rows_and_columns(people, shipped):
    resolved = resolve_column(people, "name", normaliser=shipped)
    assert resolved.columns == ["row", "name", "batch"] + ADDED
    rows = sorted(resolved.collect(), key=lambda row: row["row"])
    assert [(row["row"], row["name"], row["batch"]) for row in rows] == [(n, name, n % 3) for n, name in enumerate(NAMES)]
    got = [tuple(row[column] for column in ADDED) for row in rows]
    assert got == expected_rows(shipped, NAMES)
    assert sum(row["name_id"] is not None for row in rows) > len(NAMES) // 2
    nulls = [row for row in rows if row["name"] is None]
    assert nulls and all(row["name_id"] is None and row["name_score"] is None and row["name_method"] == "empty"
                         for row in nulls)


def test_a_custom_lexicon_reaches_the_executors(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(tmp_path / "cache"))
    lexicon = tmp_path / "ours.tsv"
    lexicon.write_text(format_lines([LexiconLine("x.ivanova.mariya", "person", "ru", "Мария Петровна Иванова", "source")]),
                       encoding="utf-8")
    frame = spark.createDataFrame([("Marija Iwanowa",), ("Maria Ivanova",), ("Kurmanbek Bakiev",)], "`person.name` string")
    resolved = resolve_column(frame, "person.name", lexicons=[lexicon], prefix="who")
    assert resolved.columns == ["person.name", "who_id", "who_canonical", "who_score", "who_method"]
    assert [row["who_id"] for row in resolved.collect()] == ["x.ivanova.mariya", "x.ivanova.mariya", None]


def test_the_pandas_udf_of_older_spark_gives_the_same_results(people, shipped, monkeypatch):
    monkeypatch.setattr(translitnorm_spark, "_PANDAS_UDF_ONLY", True)
    rows = sorted(resolve_column(people, "name", normaliser=shipped).collect(), key=lambda row: row["row"])
    assert [tuple(row[column] for column in ADDED) for row in rows] == expected_rows(shipped, NAMES)


def test_mistakes_are_reported_with_the_fix(people, spark, shipped):
    with pytest.raises(SparkColumnError, match=r"column 'nme' not found; columns are: row, name, batch — pass column='name'"):
        resolve_column(people, "nme", normaliser=shipped)
    with pytest.raises(SparkColumnError, match=r"column 'batch' holds int, not strings; cast it first"):
        resolve_column(people, "batch", normaliser=shipped)
    taken = people.withColumn("name_id", people["row"])
    with pytest.raises(SparkColumnError, match=r"name_id already in the DataFrame; pass another prefix"):
        resolve_column(taken, "name", normaliser=shipped)
    with pytest.raises(ValueError, match="either normaliser or lexicons"):
        resolve_column(people, "name", normaliser=shipped, lexicons=[ROOT / "lexicons"])


def test_executors_without_translitnorm_are_refused_with_what_to_set(tmp_path):
    """A fresh application whose executors run a Python without translitnorm (the interpreter this
    virtual environment was made from): the message names that Python and PYSPARK_PYTHON."""
    bare = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not bare.exists() or subprocess.run([str(bare), "-c", "import translitnorm"], capture_output=True).returncode == 0:
        pytest.skip("no Python without translitnorm at hand")
    script = tmp_path / "job.py"
    script.write_text(
        "from pyspark.sql import SparkSession\n"
        "from translitnorm.spark import SparkEnvironmentError, resolve_column\n"
        "spark = SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').getOrCreate()\n"
        "spark.sparkContext.setLogLevel('OFF')\n"
        "df = spark.createDataFrame([('Bakiev',)], 'name string')\n"
        "try:\n"
        "    resolve_column(df, 'name')\n"
        "except SparkEnvironmentError as exc:\n"
        "    print(exc)\n"
        "spark.stop()\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYSPARK_DRIVER_PYTHON")}
    env["PYSPARK_PYTHON"] = str(bare)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert f"the Spark executors run {bare} " in run.stdout, run.stdout + run.stderr[-3000:]
    assert f"cannot import translitnorm (PYSPARK_PYTHON is {bare}); install 'translitnorm[spark]'" in run.stdout
    assert "set PYSPARK_PYTHON (spark.pyspark.python) to a Python that has it" in run.stdout
