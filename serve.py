"""The app's server: `streamlit run serve.py` (make app).

Streamlit serves streamlit_app.py as always; the gate (app_pages/gate.py) stands in front of
what Streamlit serves outside a page run: files, uploads and metrics need a live staff
session (or are public pages' own files), and the session cookie is set HttpOnly. A fault
no page caught is one message in the page's language (say_page_failed).
"""

import streamlit as st
from starlette.middleware import Middleware

from app_pages.common import say_page_failed
from app_pages.gate import Gate, routes

app = st.App(
    "streamlit_app.py",
    routes=routes(),
    middleware=[Middleware(Gate)],
    on_script_error=say_page_failed,
)
