"""The tool registry: the one door for every side effect."""
