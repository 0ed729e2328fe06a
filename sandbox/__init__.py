"""The sandbox: the real bot against a local Telegram, played from a browser page.

`make sandbox` (or `make run` without a token) starts the unchanged application polling
`sandbox.fake_bot_api` over HTTP on 127.0.0.1, with a database of its own and a clock that only
moves when the page says so. The page shows the buyer, the seller and the support group side
by side; see `runner.py` (wiring), `world.py` (one fake Telegram + one bot + the people),
`seed.py` (what is there at first), `snapshot.py` (the page's JSON) and `web.py` (the page).
"""
