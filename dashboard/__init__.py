"""The Streamlit dashboard. Importing it makes the session's language (`st.session_state["lang"]`,
French by default) the default of reports.i18n.t, so pages call `t("key")`."""

from reports.i18n import set_lang_resolver


def session_lang() -> str:
    """The session's language; French outside a Streamlit script run (plain Python, tests)."""
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:
            return "fr"
        return st.session_state.get("lang", "fr")
    except Exception:  # no usable Streamlit session
        return "fr"


set_lang_resolver(session_lang)
