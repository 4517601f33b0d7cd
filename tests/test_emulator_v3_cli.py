"""`een-tui emulator` prints the v3 demo client and serves both APIs on its one port."""

from __future__ import annotations

import signal
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from processes import emulator_command

from een_tui.commands.emulator import config_from_args
from een_tui.emulator import v3_approve
from een_tui.emulator.config import DEMO_V3_CLIENT_ID, DEMO_V3_CLIENT_SECRET


def test_v3_flags_reach_the_config():
    from een_tui.cli import build_parser

    args = build_parser().parse_args([
        "emulator", "--v3-redirect-uri", "http://127.0.0.1:9/cb", "--v3-redirect-uri",
        "http://127.0.0.1:8/cb", "--v3-token-lifetime", "30", "--v3-code-lifetime", "5",
        "--v3-max-page-size", "7", "--v3-timestamps-z"])
    config = config_from_args(args)
    assert config.v3_redirect_uris == ("http://127.0.0.1:9/cb", "http://127.0.0.1:8/cb")
    assert (config.v3_access_token_lifetime_s, config.v3_code_lifetime_s,
            config.v3_max_page_size, config.v3_timestamps_z) == (30, 5, 7, True)


def test_command_prints_the_v3_client_and_serves_v3_on_the_same_port():
    with emulator_command() as (process, lines):
        text = "".join(lines)
        url = lines[0].split()[-1]
        assert f"export EEN_CLIENT_ID={DEMO_V3_CLIENT_ID}" in text
        assert f"export EEN_CLIENT_SECRET={DEMO_V3_CLIENT_SECRET}" in text
        assert f"EEN_AUTH_URL={url}" in text and f"EEN_API_URL={url}" in text
        authorize = f"{url}/oauth2/authorize?" + urlencode({
            "client_id": DEMO_V3_CLIENT_ID, "response_type": "code", "scope": "vms.all",
            "redirect_uri": "http://127.0.0.1:3333/callback", "state": "s"})
        code = parse_qs(urlsplit(v3_approve(authorize)).query)["code"][0]
        token = requests.post(f"{url}/oauth2/token", timeout=10,
                              auth=(DEMO_V3_CLIENT_ID, DEMO_V3_CLIENT_SECRET), data={
                                  "grant_type": "authorization_code", "code": code,
                                  "redirect_uri": "http://127.0.0.1:3333/callback"})
        assert token.status_code == 200
        cameras = requests.get(f"{url}/api/v3.0/cameras", timeout=10, headers={
            "Authorization": f"Bearer {token.json()['access_token']}"})
        assert cameras.status_code == 200 and cameras.json()["results"]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
