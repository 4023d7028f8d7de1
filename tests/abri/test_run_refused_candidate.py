"""`abri run` when the gate refuses the month's candidate: no committee pack, but the month's
lists still go out (served by the champion, else the rule) and the run succeeds."""

from __future__ import annotations

import models.registry
import pipelines.cli as cli


class _Registry:
    entries_list: list[dict] = []

    def __init__(self, root):
        pass

    def entries(self):
        return list(self.entries_list)

    def metadata(self, version):
        return {"version": version}


def _fake_runs(monkeypatch, *, passed: bool, gated: list[str] | None = None):
    ran: list[str] = []

    def fake_run(home, assets, *, label, selection=None, **kw):
        names = [k.to_user_string() for a in (selection or assets) for k in getattr(a, "keys", ())]
        ran.extend(names)
        if "candidate_model" in names:
            _Registry.entries_list.insert(0, {"version": "v-new"})  # the registry's order is not the run's
            return 0 if passed else 1  # the blocking check failed
        return 0

    _Registry.entries_list = [{"version": "v-old"}]  # a version an earlier run registered
    monkeypatch.setattr(cli, "_run", fake_run)
    monkeypatch.setattr(cli, "ingest_command", lambda home, month: 0)
    monkeypatch.setattr(cli, "features_command", lambda home: 0)
    monkeypatch.setattr("pipelines.serving.latest_feature_month", lambda paths: "2026-09")
    monkeypatch.setattr(models.registry, "ModelRegistry", _Registry)
    monkeypatch.setattr(models.registry, "gate",
                        lambda meta, **kw: (gated if gated is not None else []).append(meta["version"])
                        or (passed, ["précision sous la règle"]))
    return ran


def test_a_refused_candidate_skips_the_committee_but_not_the_lists(tmp_path, monkeypatch, capsys):
    gated: list[str] = []
    ran = _fake_runs(monkeypatch, passed=False, gated=gated)
    codes = [step() for _, step in cli.run_steps(str(tmp_path))]
    assert codes == [0] * 6
    assert gated == ["v-new"]  # the version this run trained, wherever the registry lists it
    assert "audit_report" not in ran and {"outreach_lists", "serving_database"} <= set(ran)
    assert "n'est pas soumis au comité" in capsys.readouterr().out


def test_an_accepted_candidate_goes_to_the_committee(tmp_path, monkeypatch):
    ran = _fake_runs(monkeypatch, passed=True)
    assert [step() for _, step in cli.run_steps(str(tmp_path))] == [0] * 6
    assert {"audit_report", "explanations_report", "mitigation_report", "committee_documents"} <= set(ran)


def test_a_failed_training_stops_the_run(tmp_path, monkeypatch):
    _fake_runs(monkeypatch, passed=True)
    monkeypatch.setattr(cli, "_run", lambda home, assets, **kw: 1)  # crashed: no candidate registered
    steps = dict(cli.run_steps(str(tmp_path)))
    assert steps["entraînement"]() == 1


def test_the_training_steps_gate_uses_the_configured_calibration_tolerance(tmp_path, monkeypatch):
    """abri run and make demo judge the new candidate as its blocking check does: with
    ABRI_ECE_TOLERANCE, not the library's default."""
    meta = {"metrics": [{"scorer": "model", "precision_at_k": 0.4, "ece": 0.05},
                        {"scorer": "rule", "precision_at_k": 0.3}]}

    class Registry(_Registry):
        def metadata(self, version):
            return meta

    Registry.entries_list = []
    monkeypatch.setattr(models.registry, "ModelRegistry", Registry)

    def run():
        Registry.entries_list.append({"version": "v-new"})
        return 0

    assert cli.gated_training(str(tmp_path), run)[1:3] == ("v-new", False)  # 0.05 > 0.02
    Registry.entries_list = []
    monkeypatch.setenv("ABRI_ECE_TOLERANCE", "0.06")
    assert cli.gated_training(str(tmp_path), run)[1:3] == ("v-new", True)
