"""Helpers for the browser tests (as Streamlit's own e2e_playwright/shared/app_utils.py)."""

from __future__ import annotations

from abri_fixture import PASSWORD


def wait_for_app_run(page, delay_ms: int = 150) -> None:
    """As Streamlit's e2e helper: connected, script finished, then a short delay for the last paint."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", state="attached")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached",
                           timeout=20_000)
    page.wait_for_timeout(delay_ms)


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    wait_for_app_run(page)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()
    wait_for_app_run(page)
