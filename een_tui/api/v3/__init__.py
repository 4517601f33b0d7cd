"""EEN API v3: OAuth2 login (browser flow that works over SSH), tokens, the v3 client, previews.

Facts relied on: ``docs/een-api-v3.md``. Nothing in this package imports config, download, UI,
commands or the emulator.
"""

TOKEN_FILE_PREFIX = "v3-tokens-"
"""How the token cache's files are named (``v3-tokens-<hash>.json``, see
:mod:`een_tui.api.v3.token_cache`): here, so that a v1 command can tell there are none without
importing the v3 modules."""
