"""What each partner sees of the demo city, written as the partner would write it.

The Observer turns each window month's latent transitions into partner records: snapshots
(household reference, CAF, social landlords) and events (courts, FSL, energy, social
services, France Travail), then applies the configured imperfections (reporting lags, nulls,
duplicates, malformed values, incomplete deliveries later resent) and writes one file per
source per month following ingest/contract.py (how a file looks on disk and its injected defects:
synthetic/files.py). Every injected defect is listed in truth/defects.parquet so ingestion tests
can prove it is caught.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from abri.city import City
from ingest.contract import SOURCES, for_city
from synthetic import dynamics as dyn
from synthetic.city import Columns
from synthetic.files import degrade, write_extract

JOB_LOSS, SEPARATION, ILLNESS, BENEFIT_SUSPENSION, RENT_RISE = range(5)
SUPPLIERS = ("EDF", "ENGIE", "TOTALENERGIES", "AUTRE")
NO_MONTH = 10_000


@dataclass(frozen=True)
class Imperfections:
    """What goes wrong in partner data, each rate configurable (0 turns it off)."""

    missing_rate: float = 0.01  # extra nulls in optional columns
    duplicate_rate: float = 0.002  # exact duplicate rows
    malformed_rate: float = 0.001  # a value that breaks the contract
    identity_typo_rate: float = 0.02  # names mistyped by energy suppliers / France Travail
    court_lag_probs: tuple[float, ...] = (0.25, 0.45, 0.2, 0.1)  # months between act and report
    resent_deliveries: int = 2  # (source, month) pairs first delivered incomplete, then resent
    incomplete_share: float = 0.05  # rows missing from such a first delivery
    landlord_coverage: float = 1.0  # share of social tenancies whose landlord delivers


class Observer:
    # per-household memory, one array each, grown by `grow` (newcomers)
    shock_type: np.ndarray
    fin_droits_due: np.ndarray
    caf_event_due: np.ndarray
    rent_mult: np.ndarray
    solde: np.ndarray
    report_day: np.ndarray
    procedure: np.ndarray
    last_arrears: np.ndarray
    energy_due: np.ndarray

    def __init__(self, home: Path, *, window: list[pd.Period], rng: np.random.Generator,
                 imperfections: Imperfections, progress: bool = True, city: City | None = None):
        self.home = Path(home)
        # the contract with the city's postcodes and districts (a malformed value breaks it there)
        self.sources = {n: s if city is None else for_city(s, city) for n, s in SOURCES.items()}
        self.window = window
        self.first, self.last = window[0], window[-1]
        self.rng = rng
        self.imp = imperfections
        self.pending: dict[str, dict[str, list[pd.DataFrame]]] = defaultdict(lambda: defaultdict(list))
        self.defects: list[dict] = []
        self.files_written = 0
        self.rows_written = 0
        self.true_events: dict[str, int] = defaultdict(int)
        self.counters: dict[str, int] = defaultdict(int)
        self.n = 0
        self.scheduled: list[pd.DataFrame] = []
        self.flushed: set[str] = set()
        sources = list(SOURCES)
        picks = rng.choice(len(sources) * len(window), size=min(imperfections.resent_deliveries,
                                                               len(sources) * len(window)), replace=False)
        self.resend = {(sources[i % len(sources)], str(window[i // len(sources)])) for i in picks}
        self.grow(0)

    # -- per-household memory -------------------------------------------------------
    def grow(self, k: int) -> None:
        """Room for `k` more households (newcomers)."""
        def ext(name, value, dtype):
            old = getattr(self, name, np.empty(0, dtype=dtype))
            setattr(self, name, np.concatenate([old, np.full(k, value, dtype=dtype)]))
        if self.n == 0 and k == 0:
            return
        ext("shock_type", -1, np.int8)
        ext("fin_droits_due", NO_MONTH, np.int32)
        ext("caf_event_due", NO_MONTH, np.int32)
        ext("rent_mult", 1.0, np.float64)
        ext("solde", np.nan, np.float64)
        ext("report_day", np.datetime64("NaT"), "datetime64[D]")
        ext("procedure", -1, np.int64)
        ext("last_arrears", 0, np.int16)
        ext("energy_due", NO_MONTH, np.int32)
        self.frac = np.concatenate([getattr(self, "frac", np.empty(0)), self.rng.random(k) * 0.9])
        self.supplier = np.concatenate([getattr(self, "supplier", np.empty(0, np.int8)),
                                        self.rng.choice(4, k, p=[0.7, 0.15, 0.1, 0.05]).astype(np.int8)])
        self.delivers = np.concatenate([getattr(self, "delivers", np.empty(0, bool)),
                                        self.rng.random(k) < self.imp.landlord_coverage])
        self.n += k

    def start(self, n: int) -> None:
        self.grow(n - self.n)

    # -- post-judgment funnel (DOMAIN.md 2009 ratios) ---------------------------------
    def post_judgment_schedule(self, k: int, t: int, all_months: list[pd.Period]) -> dict[str, np.ndarray]:
        r = self.rng
        cq = np.where(r.random(k) < 0.53, t + r.integers(2, 4, k), -1)
        dc = np.where((cq >= 0) & (r.random(k) < 0.73), cq + r.integers(2, 4, k), -1)
        oc = np.where((dc >= 0) & (r.random(k) < 0.57), dc + r.integers(1, 3, k), -1)
        ex = np.where((oc >= 0) & (r.random(k) < 0.44), oc + r.integers(1, 3, k), -1)
        # winter truce: no forced eviction from 1 November to 31 March
        for i in np.nonzero(ex >= 0)[0]:
            while ex[i] < len(all_months) and all_months[ex[i]].month in (11, 12, 1, 2, 3):
                ex[i] += 1
        stay = np.where(r.random(k) < 0.2, r.integers(15, 31, k), r.integers(2, 15, k))
        leave = np.where(ex >= 0, ex, t + stay)
        # acts after the household left never happen
        for a in (cq, dc, oc):
            a[a >= leave] = -1
        return {"commandement_quitter": cq, "demande_concours": dc, "octroi_concours": oc,
                "expulsion": ex, "leave": leave}

    def schedule(self, rows: np.ndarray, post: dict[str, np.ndarray]) -> None:
        """Remember the post-judgment acts to report when their month comes."""
        for kind in ("commandement_quitter", "demande_concours", "octroi_concours", "expulsion"):
            m = post[kind] >= 0
            if m.any():
                self.scheduled.append(pd.DataFrame({"row": rows[m], "t": post[kind][m], "kind": kind}))

    # -- one window month -----------------------------------------------------------
    def observe(self, t: int, month: pd.Period, hh: Columns, prev: np.ndarray, state: np.ndarray,
                reason: np.ndarray, active: np.ndarray, leaving: np.ndarray) -> None:
        r = self.rng
        n = len(state)
        self.start(n)
        was_live = active & (prev < dyn.N_LIVE)
        now_live = state < dyn.N_LIVE
        e0, a0, p0, l0 = (x.astype(int) for x in dyn.decode(np.where(prev < dyn.N_LIVE, prev, 0)))
        e1, a1, p1, l1 = (x.astype(int) for x in dyn.decode(np.where(now_live, state, 0)))
        judged = active & (state == dyn.JUDGMENT)
        snapshot = active & ~leaving
        rent = hh["loyer"] * self.rent_mult
        age = hh["age"]
        couple = np.isin(hh["composition"], ["couple_sans_enfant", "couple_avec_enfants", "autre"])
        caf = hh["allocataire_caf"]

        # shocks: which life event, and what it changes in the partners' files
        onset = np.nonzero(was_live & now_live & (e0 == 0) & (e1 == 1))[0]
        w = np.stack([np.where(age[onset] < 62, 0.35, 0.0), np.where(couple[onset], 0.15, 0.0),
                      np.full(len(onset), 0.20), np.where(caf[onset], 0.15, 0.0),
                      np.full(len(onset), 0.15)], axis=1)
        kind = (r.random(len(onset))[:, None] > np.cumsum(w / w.sum(1, keepdims=True), 1)).sum(1)
        self.shock_type[onset] = kind
        self.rent_mult[onset[kind == RENT_RISE]] *= 1.08
        jl = onset[(kind == JOB_LOSS) | (kind == ILLNESS)]
        self.caf_event_due[jl[r.random(len(jl)) < 0.6]] = t + 1
        ended = np.nonzero(was_live & (e0 == 1) & ((e1 == 0) | ~now_live))[0]

        in_shock = now_live & (e1 == 1)
        # arrears episodes: the date of the landlord's report
        reported = np.nonzero(was_live & now_live & (p0 == 0) & (p1 >= 1))[0]
        self.report_day[reported] = _days(month, r, len(reported))
        self.report_day[now_live & (a1 == 0)] = np.datetime64("NaT")
        self.procedure[now_live & (a1 == 0)] = -1  # debt cleared: a new episode, a new procedure

        self._justice(t, month, hh, was_live, p0, p1, a1, reason, rent, judged)
        self._fsl(t, month, hh, was_live, a0, p0, reason, rent)
        self._energy(t, month, hh, active, e1, a1, now_live, judged)
        self._social_services(t, month, hh, active, onset, kind, was_live, p0, p1, a1, reason, now_live)
        self._france_travail(t, month, hh, onset, kind, ended, in_shock)
        self.shock_type[ended] = -1
        self.last_arrears[now_live] = a1[now_live]
        grow = judged & (r.random(n) < 0.5)
        self.last_arrears[grow] = np.minimum(self.last_arrears[grow] + 1, 24)

        self._write_snapshots(t, month, hh, snapshot, now_live, e1, a1, p1, l1, judged, rent)

    # -- sources ---------------------------------------------------------------------
    def _justice(self, t, month, hh, was_live, p0, p1, a1, reason, rent, judged):
        r = self.rng
        rows, kinds, decisions = [], [], []
        for kind, mask, decision in (
            ("commandement_payer", was_live & (p0 == 1) & (p1 == 2), None),
            ("assignation", was_live & (p0 == 2) & (p1 == 3), None),
            ("jugement", was_live & (reason == dyn.EVICTION_ORDERED), "expulsion"),
            ("jugement", was_live & (reason == dyn.DELAYS_GRANTED), "delais_paiement"),
        ):
            idx = np.nonzero(mask)[0]
            rows.append(idx)
            kinds += [kind] * len(idx)
            decisions += [decision] * len(idx)
        # scheduled post-judgment acts falling this month
        due = [s[s["t"] == t] for s in self.scheduled]
        due = pd.concat(due) if due else pd.DataFrame({"row": [], "kind": []})
        rows.append(due["row"].to_numpy(dtype=np.int64))
        kinds += list(due["kind"])
        decisions += [None] * len(due)
        idx = np.concatenate(rows).astype(np.int64)
        if not len(idx):
            return
        kinds_a = np.array(kinds)
        new_proc = idx[(self.procedure[idx] < 0)]
        for i in np.unique(new_proc):
            self.counters["procedure"] += 1
            self.procedure[i] = self.counters["procedure"]
        debt = np.where(kinds_a == "jugement", a1[idx], self.last_arrears[idx]).clip(min=1) * rent[idx]
        debt = np.round(debt * (1 + self.frac[idx] / 3), 2)
        keep_alloc = hh["allocataire_caf"][idx] & (r.random(len(idx)) < 0.8)
        events = pd.DataFrame({
            "numero_procedure": [f"{month.year}-{p:07d}" for p in self.procedure[idx]],
            "type_evenement": kinds_a,
            "date_evenement": _days(month, r, len(idx)),
            "decision": decisions,
            "montant_dette": np.where(np.isin(kinds_a, ["commandement_payer", "assignation", "jugement"]), debt, np.nan),
            "type_bailleur": hh["tenure"][idx],
            "numero_allocataire": np.where(keep_alloc, hh["numero_allocataire"][idx], None),
            "nom": hh["nom"][idx],
            "adresse": hh["adresse"][idx],
            "code_postal": hh["code_postal"][idx],
        })
        for k, dec in zip(kinds_a, decisions, strict=True):
            self.true_events[f"jugement_{dec}" if k == "jugement" else k] += 1
        lag = r.choice(len(self.imp.court_lag_probs), size=len(events), p=self.imp.court_lag_probs)
        for L in np.unique(lag):
            self._pend("justice", month + int(L), events[lag == L])

    def _fsl(self, t, month, hh, was_live, a0, p0, reason, rent):
        r = self.rng
        grant = np.nonzero(was_live & (reason == dyn.FSL_GRANT))[0]
        refuse = np.nonzero(was_live & (a0 >= 1) & (p0 >= 1) & (reason != dyn.FSL_GRANT)
                            & (r.random(len(a0)) < 0.02))[0]
        ids = hh["id_menage"]
        for idx, accepted in ((grant, True), (refuse, False)):
            if not len(idx):
                continue
            amount = np.round(np.maximum(a0[idx], 1) * rent[idx] * (1 + self.frac[idx] / 3), 2)
            nums = [self._next("fsl") for _ in idx]
            ask = pd.DataFrame({"numero_dossier": nums, "id_menage": ids[idx], "type_evenement": "demande",
                                "date_evenement": _days(month, r, len(idx), last=10),
                                "montant_demande": amount, "decision": None,
                                "montant_accorde": np.nan, "forme_aide": None})
            dec = ask.assign(type_evenement="decision",
                             decision="accorde" if accepted else "refuse",
                             montant_accorde=amount if accepted else np.nan,
                             forme_aide=np.where(amount <= 500, "subvention", "pret") if accepted else None)
            self._pend("fsl", month, ask)
            if accepted:
                dec["date_evenement"] = _days(month, r, len(idx), first=15)
                self._pend("fsl", month, dec)
            else:
                dec["date_evenement"] = _days(month + 1, r, len(idx))
                self._pend("fsl", month + 1, dec)

    def _energy(self, t, month, hh, active, e1, a1, now_live, judged):
        r = self.rng
        p = 0.002 + np.where(now_live, 0.03 * e1 + 0.02 * (a1 >= 2), 0.03 * judged)
        unpaid = np.nonzero(active & (r.random(len(p)) < p))[0]
        cut = np.nonzero(active & (self.energy_due == t) & ((now_live & (e1 == 1)) | judged)
                         & (r.random(len(p)) < 0.35))[0]
        self.energy_due[unpaid] = t + 1
        idx = np.concatenate([unpaid, cut])
        kind = ["impaye_facture"] * len(unpaid) + ["reduction_puissance"] * len(cut)
        df = pd.DataFrame({
            "fournisseur": np.array(SUPPLIERS)[self.supplier[idx]],
            "ref_client": hh["ref_client_energie"][idx],
            "nom": self._typos(hh["nom"][idx]),
            "adresse": hh["adresse"][idx],
            "code_postal": hh["code_postal"][idx],
            "type_evenement": kind,
            "date_evenement": _days(month, r, len(idx)),
            "montant_impaye": np.where(np.array(kind) == "impaye_facture",
                                       np.round(r.gamma(2.0, 120.0, len(idx)), 2), np.nan),
        })
        self._pend("energie", month, df)

    def _social_services(self, t, month, hh, active, onset, kind, was_live, p0, p1, a1, reason, now_live):
        r = self.rng
        n = len(active)
        parts = []
        base = np.nonzero(active & (r.random(n) < 0.003))[0]
        parts.append((base, "accueil", r.choice(["logement", "budget", "emploi", "sante", "famille"], len(base))))
        sf = onset[np.isin(kind, [ILLNESS, SEPARATION]) & (r.random(len(onset)) < 0.25)]
        parts.append((sf, "entretien", np.where(self.shock_type[sf] == ILLNESS, "sante", "famille")))
        budget = np.nonzero(active & now_live & (a1 >= 2) & (r.random(n) < 0.015))[0]
        parts.append((budget, "entretien", np.full(len(budget), "budget")))
        dsf = np.nonzero(was_live & (p0 == 2) & (p1 == 3) & (r.random(n) < 0.5))[0]
        parts.append((dsf, "diagnostic_social_financier", np.full(len(dsf), "logement")))
        opened = np.nonzero(was_live & (reason == dyn.EVICTION_ORDERED) & (r.random(n) < 0.3))[0]
        parts.append((opened, "ouverture_dossier", np.full(len(opened), "logement")))
        idx = np.concatenate([p[0] for p in parts]).astype(np.int64)
        df = pd.DataFrame({
            "id_contact": [self._next("contact") for _ in idx],
            "id_menage": hh["id_menage"][idx],
            "date_contact": _days(month, r, len(idx)),
            "type_contact": np.concatenate([np.full(len(p[0]), p[1]) for p in parts]),
            "motif": np.concatenate([np.asarray(p[2], dtype=object) for p in parts]),
        })
        self._pend("services_sociaux", month, df)

    def _france_travail(self, t, month, hh, onset, kind, ended, in_shock):
        r = self.rng
        jobless = onset[(kind == JOB_LOSS) & (r.random(len(onset)) < 0.85)]
        self.fin_droits_due[jobless] = t + r.integers(6, 15, len(jobless))
        rights_end = np.nonzero((self.fin_droits_due == t) & in_shock & (self.shock_type == JOB_LOSS))[0]
        back = ended[(self.shock_type[ended] == JOB_LOSS) & (r.random(len(ended)) < 0.6)]
        self.fin_droits_due[ended] = NO_MONTH
        idx = np.concatenate([jobless, rights_end, back]).astype(np.int64)
        kinds = ["inscription"] * len(jobless) + ["fin_de_droits"] * len(rights_end) + ["reprise_emploi"] * len(back)
        birth = hh["date_naissance"][idx].astype("datetime64[D]")
        shift = (r.random(len(idx)) < self.imp.identity_typo_rate / 2).astype(int)
        df = pd.DataFrame({
            "identifiant_ft": hh["identifiant_ft"][idx],
            "nom": self._typos(hh["nom"][idx]),
            "prenom": hh["prenom"][idx],
            "date_naissance": birth + shift.astype("timedelta64[D]"),
            "code_postal": hh["code_postal"][idx],
            "type_evenement": kinds,
            "date_evenement": _days(month, r, len(idx)),
        })
        self._pend("france_travail", month, df)

    def _write_snapshots(self, t, month, hh, snapshot, now_live, e1, a1, p1, l1, judged, rent):
        r = self.rng
        idx = np.nonzero(snapshot)[0]
        h = hh.take(idx)
        first_day = month.to_timestamp()
        menages = pd.DataFrame({
            "id_menage": h["id_menage"],
            "mois": first_day,
            "numero_allocataire": h["numero_allocataire"],
            "ref_bail": h["ref_bail"],
            "nom": h["nom"], "prenom": h["prenom"],
            "date_naissance": h["date_naissance"],
            "adresse": h["adresse"], "telephone": h["telephone"],
            "code_postal": h["code_postal"],
            "arrondissement": h["arrondissement"].astype(np.int64),
            "iris": h["iris"], "qpv": h["qpv"],
            "statut_occupation": h["tenure"], "bailleur": h["bailleur"],
            "loyer": np.round(rent[idx], 2), "surface": h["surface"],
            "nb_personnes": h["nb_personnes"].astype(np.int64),
            "nb_enfants": h["nb_enfants"].astype(np.int64),
            "composition": h["composition"], "sexe": h["sexe"],
            "nationalite": h["nationalite"], "handicap": h["handicap"],
            "date_entree": h["date_entree"],
        })
        self._write("menages", month, menages)

        # CAF: allocataires
        c = idx[hh["allocataire_caf"][idx]]
        h = hh.take(c)
        st = self.shock_type[c]
        live = now_live[c]
        suspended = (live & (p1[c] >= 2) & (l1[c] == 0) & (a1[c] >= 3)) | judged[c]
        allowance = h["allocation_logement"] * np.where(st == BENEFIT_SUSPENSION, 0.5, 1.0)
        allowance = np.where(suspended, 0.0, allowance)
        low = h["income_class"] <= 1
        rsa = h["rsa_base"]
        rsa = np.where(np.isin(st, [JOB_LOSS, SEPARATION]) & low, np.maximum(rsa, 450.0), rsa)
        rsa = np.where(st == BENEFIT_SUSPENSION, 0.0, rsa)
        income = h["revenu_mensuel"] * np.select([np.isin(st, [JOB_LOSS, ILLNESS]), st == SEPARATION],
                                                            [0.6, 0.7], 1.0)
        comp = h["composition"]
        situation = np.select(
            [comp == "famille_monoparentale", np.isin(comp, ["couple_sans_enfant", "couple_avec_enfants", "autre"]),
             h["sexe"] == "F"], ["Parent isolé", "Couple", "Isolée"], "Isolé")
        event = np.where(self.caf_event_due[c] == t, "BAISSE_RESSOURCES", None)
        event = np.where((st == SEPARATION) & (self.shock_type[c] >= 0) & (r.random(len(c)) < 0.5)
                         & (event == None), "SEPARATION", event)  # noqa: E711
        qf = np.digitize(h["revenu_par_uc"] / 1150, [0.8, 1.0, 1.6, 2.5])
        kids = h["nb_enfants"]
        al_type = np.where(h["tenure"] == "social", "APL", np.where(kids > 0, "ALF", "ALS"))
        caf = pd.DataFrame({
            "numero_allocataire": h["numero_allocataire"],
            "mois_reference": first_day,
            "type_al": np.where(h["allocation_logement"] > 0, al_type, None),
            "montant_al": np.round(allowance, 2),
            "montant_rsa": np.round(rsa, 2),
            "aah": h["handicap"],
            "nb_enfants": kids.astype(np.int64),
            "situation_familiale": situation,
            "tranche_qf": np.array(["QF1", "QF2", "QF3", "QF4", "QF5"])[qf],
            "ressources_mensuelles": np.round(income, 0),
            "impaye_signale": (live & (p1[c] >= 1)) | judged[c],
            "date_signalement": np.where(live & (p1[c] >= 1), self.report_day[c], np.datetime64("NaT")),
            "suspension_al": suspended,
            "evenement": event,
        })
        self._write("caf", month, caf)

        # social landlords: rent accounts of their tenancies
        b = idx[(hh["tenure"][idx] == "social") & self.delivers[idx]]
        quittance = np.round(rent[b], 2)
        arrears = np.where(now_live[b], a1[b], self.last_arrears[b])
        solde = np.where(arrears > 0, np.round((arrears + self.frac[b]) * quittance, 2), 0.0)
        prev = np.where(np.isnan(self.solde[b]), solde, self.solde[b])
        paid = np.round(np.maximum(0.0, quittance - (solde - prev)), 2)
        self.solde[b] = solde
        bail = pd.DataFrame({
            "code_bailleur": hh["bailleur"][b],
            "ref_bail": hh["ref_bail"][b],
            "mois": first_day,
            "quittance": quittance,
            "encaissement": paid,
            "solde_debiteur": solde,
            "plan_apurement": now_live[b] & (l1[b] == 1),
        })
        self._write("bailleurs", month, bail)

    # -- writing ---------------------------------------------------------------------
    def _pend(self, source: str, month: pd.Period, df: pd.DataFrame) -> None:
        if self.first <= month <= self.last and len(df):
            self.pending[source][str(month)].append(df)

    def _next(self, what: str) -> str:
        self.counters[what] += 1
        prefix = {"fsl": "FSL", "contact": "C"}[what]
        return f"{prefix}{self.counters[what]:08d}"

    def _typos(self, names: np.ndarray) -> np.ndarray:
        names = names.astype(object).copy()
        for i in np.nonzero(self.rng.random(len(names)) < self.imp.identity_typo_rate)[0]:
            s = names[i]
            j = int(self.rng.integers(0, max(1, len(s) - 1)))
            names[i] = s[:j] + s[j + 1: j + 2] + s[j: j + 1] + s[j + 2:] if len(s) > 2 else s + "E"
        return names

    def flush(self, month: pd.Period) -> None:
        """Write the month's event files (each source gets one, possibly with no rows): every
        event reported in `month` is known once `month` is observed (lags only delay)."""
        if str(month) in self.flushed or not self.first <= month <= self.last:
            return
        self.flushed.add(str(month))
        for name, src in self.sources.items():
            if src.kind != "events":
                continue
            parts = self.pending[name].pop(str(month), [])
            cols = list(src.column_names)
            df = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
            self._write(name, month, df.sort_values(cols[:1] + [src.event_date], kind="stable")
                        .reset_index(drop=True))

    def finish(self, hh: pd.DataFrame) -> None:
        """Write the event files of any window month not flushed yet."""
        for month in self.window:
            self.flush(month)

    def funnel(self) -> dict[str, int]:
        order = ("commandement_payer", "assignation", "jugement_expulsion", "commandement_quitter",
                 "demande_concours", "octroi_concours", "expulsion")
        return {k: int(self.true_events.get(k, 0)) for k in order}

    def write_defects(self, path: Path) -> None:
        pd.DataFrame(self.defects, columns=["source", "month", "file", "row", "column", "kind", "value"]) \
            .to_parquet(path, index=False)

    def _write(self, name: str, month: pd.Period, df: pd.DataFrame) -> None:
        src = self.sources[name]
        df = df[list(src.column_names)].reset_index(drop=True)
        rel = src.file_name(str(month))
        df = degrade(src, df, month=month, rel=f"landing/{rel}", rng=self.rng, imperfections=self.imp,
                     defects=self.defects)
        if (name, str(month)) in self.resend:
            write_extract(src, df, self.home / "resend" / rel)
            keep = self.rng.random(len(df)) >= self.imp.incomplete_share
            df_first = df[keep].reset_index(drop=True)
            self._renumber_defects(rel, keep)
            write_extract(src, df_first, self.home / "landing" / rel)
            self.rows_written += len(df_first)
        else:
            write_extract(src, df, self.home / "landing" / rel)
            self.rows_written += len(df)
        self.files_written += 1

    def _renumber_defects(self, rel: str, keep: np.ndarray) -> None:
        """Defects of a first (incomplete) delivery, at their row numbers in that file."""
        new_pos = np.cumsum(keep)
        extra = []
        for d in self.defects:
            if d["file"] == f"resend/{rel}":
                continue
            if d["file"] == f"landing/{rel}":
                resent = dict(d, file=f"resend/{rel}")
                extra.append(resent)
                if keep[d["row"] - 1]:
                    d["row"] = int(new_pos[d["row"] - 1])
                else:
                    d["row"] = -1
        self.defects = [d for d in self.defects if d["row"] != -1] + extra


def _days(month: pd.Period, r: np.random.Generator, k: int, first: int = 1, last: int = 28) -> np.ndarray:
    base = np.datetime64(month.to_timestamp().date(), "D")
    return base + r.integers(first - 1, last, k).astype("timedelta64[D]")
