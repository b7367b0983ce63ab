"""The two faces of copydesk: the `copydesk` command line (cli.py) and, later, the Streamlit review app."""
