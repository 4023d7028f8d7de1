"""The attack of issue 12 on a real server, at the protocol level (no browser needed): a social
worker signs in over Streamlit's WebSocket; an attacker with other cookies reconnects with the
worker's Streamlit session id (as written in Streamlit's log). The server hands the session
over, but the dashboard sees another browser and ends it instead of showing the list."""

from __future__ import annotations

import urllib.request

import pytest
from abri_fixture import PASSWORD

from reports.i18n import t

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ws_client = pytest.importorskip("websockets.sync.client", reason="websockets n'est pas installé")


def _xsrf_cookie(url: str) -> str:
    """A new 'browser': the XSRF cookie the health endpoint sets, as the frontend gets it."""
    with urllib.request.urlopen(f"{url}/_stcore/health") as r:
        for name, value in r.headers.items():
            if name.lower() == "set-cookie" and value.startswith("_streamlit_xsrf="):
                return value.split(";")[0].split("=", 1)[1]
    raise AssertionError("no XSRF cookie set")


def _connect(url: str, cookie: str, agent: str, session_id: str | None = None):
    protocols = ["streamlit", cookie] + ([session_id] if session_id else [])
    return ws_client.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=protocols,
                             additional_headers={"Cookie": f"_streamlit_xsrf={cookie}", "Origin": url,
                                                 "User-Agent": agent})


def _run(ws, widgets=()):
    """One script run; returns (elements, session id announced by the server)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.widget_states.widgets.extend(widgets)
    ws.send(msg.SerializeToString())
    elements, session_id = [], None
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(ws.recv(timeout=30))
        kind = fm.WhichOneof("type")
        if kind == "new_session":
            session_id = fm.new_session.initialize.session_id
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            elements.append(fm.delta.new_element)
        elif kind == "script_finished":
            return elements, session_id


def _headings(elements) -> list[str]:
    return [e.heading.body for e in elements if e.WhichOneof("type") == "heading"]


def _sign_in_widgets(elements, username: str, password: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    inputs = [e.text_input for e in elements if e.WhichOneof("type") == "text_input"]
    submit = next(e.button for e in elements if e.WhichOneof("type") == "button" and e.button.is_form_submitter)
    states = [WidgetState(id=w.id, string_value=v) for w, v in zip(inputs, (username, password), strict=True)]
    return [*states, WidgetState(id=submit.id, trigger_value=True)]


def test_a_session_id_replayed_from_another_browser_does_not_take_over_the_session(app_url):
    with _connect(app_url, _xsrf_cookie(app_url), "Victime/1.0") as victim:
        elements, session_id = _run(victim)
        assert _headings(elements) == [t("app.title")] and session_id
        _run(victim, _sign_in_widgets(elements, "ts19", PASSWORD))
        elements, _ = _run(victim)
        assert _headings(elements) == [t("page.outreach")]
    with _connect(app_url, _xsrf_cookie(app_url), "Attaquant/1.0", session_id) as attacker:
        elements, replayed = _run(attacker)
    assert replayed == session_id  # Streamlit did reattach the worker's session...
    assert _headings(elements) == [t("app.title")]  # ...but the dashboard signed it out
    assert not any(e.WhichOneof("type") == "arrow_data_frame" for e in elements)
    alerts = [e.alert.body for e in elements if e.WhichOneof("type") == "alert"]
    assert t("signin.ended_binding") in alerts
