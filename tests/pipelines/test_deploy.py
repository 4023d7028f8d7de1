"""The Kubernetes deployment's files say what docs/deploy-kubernetes.md says (no cluster here:
only their content is checked) and the landing sensor's default follows ABRI_LANDING_SENSOR."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DefaultSensorStatus

from pipelines.automation import landing_sensor_status

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("value", "status"), [("on", DefaultSensorStatus.RUNNING), ("", DefaultSensorStatus.STOPPED),
                                               ("off", DefaultSensorStatus.STOPPED)])
def test_the_landing_sensor_starts_on_only_when_asked(monkeypatch, value, status):
    monkeypatch.setenv("ABRI_LANDING_SENSOR", value)
    assert landing_sensor_status() == status


def test_helm_values_launch_runs_on_kubernetes_store_them_in_postgres_and_turn_the_sensor_on():
    yaml = pytest.importorskip("yaml")
    values = yaml.safe_load((ROOT / "deploy" / "helm" / "values.yaml").read_text(encoding="utf-8"))
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["postgresql"]["postgresqlHost"] and values["postgresql"]["postgresqlDatabase"] == "dagster"
    location = values["dagster-user-deployments"]["deployments"][0]
    assert location["dagsterApiGrpcArgs"] == ["-m", "pipelines.definitions"]
    env = {e["name"]: e.get("value") for e in location["env"]}
    assert env["ABRI_LANDING_SENSOR"] == "on" and env["ABRI_HOME"] == "/var/abri"
    # one writer per DuckDB warehouse: the queue runs one run at a time
    assert values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]["maxConcurrentRuns"] == 1
    # the key comes from a Secret, never from the values file
    lines = [line.split("#")[0] for line in (ROOT / "deploy" / "helm" / "values.yaml").read_text().splitlines()]
    assert not any("ABRI_PSEUDONYM_KEY" in line for line in lines)
    assert {"name": "abri-secrets"} in location["envSecrets"]


def test_the_dockerfile_serves_the_code_location_as_an_unprivileged_user():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert '"-m", "pipelines.definitions"' in text
    assert "USER abri" in text and "dagster-postgres" in text and "dagster-k8s" in text


def test_the_image_installs_the_locked_versions():
    """The promise "same data and seed, same model file" holds only with the lock file's versions."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copy = next(line for line in text.splitlines() if line.startswith("COPY pyproject.toml"))
    install = next(line for line in text.splitlines() if line.startswith("RUN pip install"))
    assert "requirements.lock" in copy.split() and "-c requirements.lock" in install
