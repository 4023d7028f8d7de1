from casework import Casework
from casework.users import list_users, verify
from dashboard.cli import DEMO_PASSWORD, demo_accounts


def test_demo_accounts_cover_every_role_once_and_sign_in(tmp_path):
    first = demo_accounts(str(tmp_path))
    again = demo_accounts(str(tmp_path))  # idempotent: a second make demo reuses them
    store = Casework(tmp_path / "casework.sqlite")
    assert first == again
    assert {a.role for a in list_users(store)} == {"travailleur_social", "encadrant", "comite", "data_scientist", "admin",
                                                 "dpo"}
    assert verify(store, "ts19", DEMO_PASSWORD) is not None
    assert verify(store, "ts19", "mauvais") is None
