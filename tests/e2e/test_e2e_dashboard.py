"""The dashboard in a real browser: sign in, list, household, status kept across a reload, another
sector denied, no personal data for the committee."""

from __future__ import annotations

from pathlib import Path

import pytest
from abri_fixture import NAMES, key_of
from browser_helpers import sign_in, wait_for_app_run

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api", reason="playwright n'est pas installé").expect


def test_a_social_worker_sets_a_status_that_survives_a_reload(page, app_url, screens):
    sign_in(page, app_url, "ts19")
    expect(page.get_by_role("heading", name="Liste du mois")).to_be_visible()
    expect(page.get_by_text("3 ménages affichés sur 3")).to_be_visible()
    page.screenshot(path=str(screens / "liste.png"), full_page=True)

    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_role("heading", name="Dossier du ménage")).to_be_visible()
    expect(page.get_by_text("Pourquoi ce ménage est sur la liste")).to_be_visible()
    wait_for_app_run(page)
    assert "Ouvrard" not in page.locator("body").inner_text()  # identity hidden until asked for
    page.get_by_text("Afficher (consultation journalisée)").click()
    expect(page.get_by_text("Zéphirine Ouvrard")).to_be_visible()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           state="attached")  # the timeline drew, from the bundled Vega only
    page.set_viewport_size({"width": 1400, "height": 2600})
    wait_for_app_run(page)
    page.screenshot(path=str(screens / "menage.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})

    status = page.get_by_role("combobox", name="Nouveau statut")
    status.click()
    if status.get_attribute("aria-expanded") != "true":
        page.keyboard.press("ArrowDown")  # the list opens from the keyboard too
    page.get_by_role("option", name="contacté", exact=True).click()
    page.get_by_role("button", name="Enregistrer le statut").click()
    expect(page.get_by_text("Statut enregistré.")).to_be_visible()

    url = page.url
    assert f"menage={key_of('a19')}" in url
    page.reload()  # a new session: sign in again, the household link is kept
    wait_for_app_run(page)
    page.get_by_label("Identifiant").fill("ts19")
    page.get_by_label("Mot de passe").fill("correct-horse-battery")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Dossier du ménage")).to_be_visible()
    expect(page.get_by_text("Statut actuel : contacté")).to_be_visible()


def test_a_social_worker_is_denied_another_sectors_household(page, app_url):
    page.goto(f"{app_url}/menage?menage={key_of('a20')}")
    wait_for_app_run(page)
    page.get_by_label("Identifiant").fill("ts19")
    page.get_by_label("Mot de passe").fill("correct-horse-battery")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("n'est pas sur la liste de votre secteur")).to_be_visible()
    body = page.locator("body").inner_text()
    assert not any(name in body for name in NAMES)


def test_the_committee_page_shows_no_personal_data(page, app_url):
    sign_in(page, app_url, "comite")
    expect(page.get_by_role("heading", name="Versions du modèle")).to_be_visible()
    expect(page.get_by_text("Synthèse d'équité")).to_be_visible()
    wait_for_app_run(page)
    page.get_by_text("Afficher le rapport ici").click()
    expect(page.frame_locator("iframe").first.get_by_text("Rapport d'audit")).to_be_visible()
    html = page.content() + "".join(f.content() for f in page.frames)
    assert not any(name in html for name in NAMES)
    assert key_of("a19")[:8] not in html


def test_the_committee_reads_labels_a_chart_and_reaches_every_report(page, app_url, screens):
    sign_in(page, app_url, "comite")
    expect(page.get_by_text("Manqués et signalements à tort par groupe")).to_be_visible()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           state="attached")  # drawn by the Vega bundled with Streamlit, no CDN
    expect(page.get_by_role("button", name="Télécharger : Rapport d'explication (ce qui pèse dans les scores) (HTML)"))\
        .to_be_visible()
    page.get_by_text("Afficher ici : Rapport de correction des écarts (méthodes comparées)").click()
    expect(page.frame_locator("iframe").first.get_by_text("Rapport de correction")).to_be_visible()
    body = page.locator("body").inner_text()
    for code in ("false_negative_rate", "ratio_ci_low", "headline_verdict", "None"):
        assert code not in body
    page.set_viewport_size({"width": 1400, "height": 2400})
    wait_for_app_run(page)
    page.screenshot(path=str(screens / "comite.png"))


def test_the_visit_list_is_built_when_clicked_with_names_and_logged(page, app_url, e2e_home):
    from casework import Casework

    sign_in(page, app_url, "ts19")
    log = Casework(e2e_home / "casework.sqlite")
    before = len([e for e in log.access_log() if e["action"] == "export_visits"])
    assert "Ouvrard" not in page.content()  # not sent to the browser before the click
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la liste de visites (HTML imprimable)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Zéphirine Ouvrard" in body and "1 rue des Lilas" in body and "Anatole" not in body
    after = [e["household_key"] for e in log.access_log() if e["action"] == "export_visits"]
    assert len(after) - before == 3 and set(after) == {key_of("a19"), key_of("b19"), key_of("c19")}
