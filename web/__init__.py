"""The HTTP server of `python app.py` (CONTRACTS §2): aiohttp routes over the Bolt app and the engines."""
