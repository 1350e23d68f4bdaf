"""The offline natural-language parser of automation sentences."""
