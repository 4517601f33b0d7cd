"""v3 users, cameras and bridges of the emulator over HTTP: include, filters, sort, clamped pages,
every connectionStatus, settings, and unknown arguments refused in the v3 error shape."""

from __future__ import annotations

import pytest
from v3_emulator_helpers import assert_v3_error, bearer_session, login

V3_STATUSES = {"online", "off", "bridgeOffline", "deviceOffline", "error",
               "invalidCredentials", "unknown"}  # een-api-v3.md §4, the full enum


@pytest.fixture
def v3(emulator):
    with bearer_session(login(emulator)["access_token"]) as session:
        yield session


def get(emu, session, path, **params):
    return session.get(f"{emu.url}/api/v3.0{path}", params=params, timeout=10)


def all_pages(emu, session, path, **params):
    results, pages, token = [], [], None
    while True:
        if token:
            params["pageToken"] = token
        answer = get(emu, session, path, **params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body)
        results += body["results"]
        token = body["nextPageToken"]
        if token == "":
            return results, pages
        assert len(pages) < 100


def test_users_self(emulator, v3):
    body = get(emulator, v3, "/users/self", include="timeZone").json()
    for key in ("id", "firstName", "lastName", "email", "accountId", "language", "employeeId"):
        assert key in body
    assert body["email"] == emulator.demo_username
    assert body["timeZone"] == {"timeZone": "America/Chicago"}


def test_unknown_argument_is_refused_with_the_v3_error(emulator, v3):
    answer = get(emulator, v3, "/cameras", colour="blue")
    body = assert_v3_error(answer, 400, "invalidArgument", "unexpectedArgument")
    assert body["message"] == "Unexpected argument: colour"
    assert_v3_error(get(emulator, v3, "/users/self", pageSize="3"), 400, "invalidArgument")


def test_pages_are_clamped_so_clients_must_follow_the_token(emulator, v3):
    cameras, pages = all_pages(emulator, v3, "/cameras", pageSize="500", include="status")
    assert len(pages) >= 2
    assert all(len(page["results"]) <= 50 for page in pages)
    assert pages[0]["prevPageToken"] == "" and pages[-1]["nextPageToken"] == ""
    assert pages[1]["prevPageToken"] != ""
    ids = [c["id"] for c in cameras]
    assert len(ids) == len(set(ids)) == pages[0]["totalSize"] > 50
    assert {c["status"]["connectionStatus"] for c in cameras} == V3_STATUSES


def test_small_page_size_and_a_bad_one_are_clamped_not_refused(emulator, v3):
    one = get(emulator, v3, "/cameras", pageSize="1").json()
    assert len(one["results"]) == 1 and one["nextPageToken"]
    for value in ("0", "-5", "many"):
        answer = get(emulator, v3, "/cameras", pageSize=value)
        assert answer.status_code == 200 and 1 <= len(answer.json()["results"]) <= 50
    assert_v3_error(get(emulator, v3, "/cameras", pageToken="garbage!"), 400, "invalidArgument")


def test_camera_fields_and_includes(emulator, v3):
    plain = get(emulator, v3, "/cameras", pageSize="5").json()["results"]
    for camera in plain:
        assert {"id", "accountId", "name", "createTimestamp"} <= set(camera)
        assert not {"status", "timeZone", "tags"} & set(camera)
        assert camera["createTimestamp"].endswith("+00:00")
    full = get(emulator, v3, "/cameras", pageSize="5", include="status,timeZone,tags").json()
    for camera in full["results"]:
        assert camera["status"]["connectionStatus"] in V3_STATUSES
        assert camera["timeZone"] == {"zone": "America/Chicago"}
        assert isinstance(camera["tags"], list)
    assert_v3_error(get(emulator, v3, "/cameras", include="status,bogus"), 400,
                    "invalidArgument")


def test_default_sort_is_name_and_minus_name_reverses(emulator, v3):
    names = [c["name"].lower() for c in all_pages(emulator, v3, "/cameras")[0]]
    assert names == sorted(names)
    backwards = [c["name"].lower() for c in all_pages(emulator, v3, "/cameras",
                                                      sort="-name")[0]]
    assert backwards == sorted(names, reverse=True)
    for bad in ("name", "+name,+name", "+colour", ""):
        assert_v3_error(get(emulator, v3, "/cameras", sort=bad), 400, "invalidArgument")


def test_filters(emulator, v3):
    online, _ = all_pages(emulator, v3, "/cameras", status__in="online", include="status")
    assert online and {c["status"]["connectionStatus"] for c in online} == {"online"}
    others, _ = all_pages(emulator, v3, "/cameras", status__ne="online", include="status")
    assert "online" not in {c["status"]["connectionStatus"] for c in others}
    kitchens, _ = all_pages(emulator, v3, "/cameras", name__contains="KITCHEN")
    assert kitchens and all("kitchen" in c["name"].lower() for c in kitchens)
    tagged, _ = all_pages(emulator, v3, "/cameras", tags__any="dallas", include="tags")
    assert tagged and all("dallas" in c["tags"] for c in tagged)
    both, _ = all_pages(emulator, v3, "/cameras", tags__contains="dallas,dallas floor 2",
                        include="tags")
    assert both and all("dallas floor 2" in c["tags"] for c in both)
    assert len(both) < len(tagged)
    pick = [online[0]["id"], online[1]["id"]]
    chosen, _ = all_pages(emulator, v3, "/cameras", id__in=",".join(pick))
    assert sorted(c["id"] for c in chosen) == sorted(pick)
    assert_v3_error(get(emulator, v3, "/cameras", status__in="offline"), 400, "invalidArgument")


def test_total_size_counts_all_cameras_not_the_filtered_set(emulator, v3):
    everything = get(emulator, v3, "/cameras").json()["totalSize"]
    filtered = get(emulator, v3, "/cameras", name__contains="kitchen").json()
    assert filtered["totalSize"] == everything > len(filtered["results"])


def test_one_camera_and_its_404(emulator, v3):
    first = get(emulator, v3, "/cameras", pageSize="1").json()["results"][0]
    one = get(emulator, v3, f"/cameras/{first['id']}", include="status")
    assert one.status_code == 200 and one.json()["id"] == first["id"]
    assert one.json()["name"] == first["name"]
    missing = get(emulator, v3, "/cameras/ffffffff")
    body = assert_v3_error(missing, 404, "notFound", "resourceNotFound")
    assert body["details"][1] == {"type": "resourceInfo", "resource": "camera",
                                  "ids": ["ffffffff"]}
    bridge = get(emulator, v3, "/bridges", pageSize="1").json()["results"][0]
    assert get(emulator, v3, f"/cameras/{bridge['id']}").status_code == 404


def named(emu, session, name):
    return next(c for c in all_pages(emu, session, "/cameras")[0] if c["name"] == name)


def test_settings_carry_the_preview_interval_and_transmit_mode(emulator, v3):
    plain = get(emulator, v3, "/cameras", pageSize="1").json()["results"][0]
    settings = get(emulator, v3, f"/cameras/{plain['id']}/settings").json()
    assert settings["data"]["previewVideo"]["intervalMs"] in (1000, 250, 2000, 16000)
    fast = named(emulator, v3, "Dough Machine")
    assert get(emulator, v3, f"/cameras/{fast['id']}/settings").json() == {
        "data": {"previewVideo": {"intervalMs": 250, "transmitMode": "always"}}}
    sparse = named(emulator, v3, "SAM Service Bay")
    assert get(emulator, v3, f"/cameras/{sparse['id']}/settings").json()["data"][
        "previewVideo"]["transmitMode"] == "onDemand"
    slow = named(emulator, v3, "SAM Showroom PTZ")
    assert get(emulator, v3, f"/cameras/{slow['id']}/settings").json()["data"][
        "previewVideo"]["intervalMs"] == 16000


def test_bridges_page_and_status(emulator, v3):
    bridges, _ = all_pages(emulator, v3, "/bridges", include="status", pageSize="3")
    assert len(bridges) >= 8
    assert {"online", "deviceOffline"} <= {b["status"]["connectionStatus"] for b in bridges}
    ids = {b["id"] for b in bridges}
    cameras, _ = all_pages(emulator, v3, "/cameras")
    assert any(c.get("bridgeId") in ids for c in cameras)


def test_unknown_v3_path_and_wrong_method_answer_in_the_v3_shape(emulator, v3):
    assert_v3_error(get(emulator, v3, "/nothing"), 404, "notFound")
    answer = v3.post(f"{emulator.url}/api/v3.0/cameras", json={}, timeout=10)
    assert_v3_error(answer, 405, "methodNotAllowed")
