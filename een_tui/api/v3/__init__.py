"""EEN API v3: OAuth2 login (browser flow that works over SSH), tokens, the v3 client, previews.

Facts relied on: ``docs/een-api-v3.md``. Nothing in this package imports config, download, UI,
commands or the emulator.
"""
