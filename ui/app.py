"""The copydesk review app (Streamlit): `copydesk ui` serves this file on 127.0.0.1.

Run by hand: `streamlit run ui/app.py` in a directory with copydesk.toml (or with
$COPYDESK_CONFIG set). The pages live in `ui/web/`; all of them only call `staging`.
"""

import streamlit as st

from ui.web.navigation import pages

st.set_page_config(page_title="copydesk", page_icon=":material/difference:", layout="wide")
st.navigation(list(pages().values())).run()
