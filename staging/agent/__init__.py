"""The agent: positioning briefs in, staged changesets out."""
