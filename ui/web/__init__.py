"""The Streamlit review app's pages. Each page only shows what `staging` returns and calls
`staging` for every action; `ui/app.py` is the entry file that puts them in a navigation."""
