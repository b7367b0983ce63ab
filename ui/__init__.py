"""The two faces of copydesk: the `copydesk` command line (cli.py) and the Streamlit review app
(app.py, its pages in web/). Both only call `staging`."""
