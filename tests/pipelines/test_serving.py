"""serving.duckdb: published in one atomic swap, holding no personal data."""

import threading

import duckdb
import pytest

from models.registry import ModelRegistry
from models.workflow import score_month
from pipelines.publish import publish
from tests.support import trained_warehouse


@pytest.fixture(scope="module")
def home(panel, tmp_path_factory):
    home = tmp_path_factory.mktemp("serving")
    version = trained_warehouse(panel, home)
    registry = ModelRegistry(home / "models")
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        score_month(con, registry, version, capacity=0.02)
    return home, registry


def test_publish_writes_the_lists_reasons_and_timelines(home):
    path, registry = home
    out = publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    assert out.tables["outreach_list"] == 30
    con = duckdb.connect(str(path / "serving.duckdb"), read_only=True)
    row = con.execute("SELECT reasons_fr, no_landlord_data FROM outreach_list ORDER BY score DESC LIMIT 1").fetchone()
    assert row[0]
    months = con.execute("SELECT count(DISTINCT snapshot_month) FROM household_timeline").fetchone()[0]
    assert 12 <= months <= 24
    assert con.execute("SELECT count(*) FROM model_versions").fetchone()[0] == 1


def test_serving_holds_no_name_or_address(home):
    path, registry = home
    publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    con = duckdb.connect(str(path / "serving.duckdb"), read_only=True)
    cols = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    assert not cols & {"nom", "prenom", "adresse", "telephone", "date_naissance", "id_menage"}


def test_readers_keep_reading_while_a_new_file_is_published(home):
    path, registry = home
    publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    errors, reads = [], []

    def reader():
        for _ in range(30):
            try:
                with duckdb.connect(str(path / "serving.duckdb"), read_only=True) as c:
                    reads.append(c.execute("SELECT count(*) FROM outreach_list").fetchone()[0])
            except duckdb.Error as exc:  # pragma: no cover - the failure we test against
                errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    for _ in range(3):
        publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    t.join()
    assert not errors and set(reads) == {30}


def test_a_failed_publish_leaves_the_previous_file_serving(home, tmp_path):
    path, registry = home
    publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    before = (path / "serving.duckdb").read_bytes()
    with pytest.raises(duckdb.Error):
        publish(tmp_path / "missing" / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    assert (path / "serving.duckdb").read_bytes() == before
    assert not list(path.glob("serving.duckdb.tmp-*"))


def test_the_champions_lists_are_measured_once_their_labels_mature(home):
    path, registry = home
    version = registry.entries()[-1]["version"]
    with duckdb.connect(str(path / "warehouse.duckdb")) as con:
        score_month(con, registry, version, month="2024-06", capacity=0.02)  # a month with labels
    out = publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=registry)
    assert out.tables["performance_by_month"] == 1
    with duckdb.connect(str(path / "serving.duckdb"), read_only=True) as con:
        listed, precision = con.execute("SELECT listed, precision_of_list FROM performance_by_month").fetchall()[0]
    assert listed == 30 and 0 <= precision <= 1
