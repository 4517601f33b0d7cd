"""The ``/g/aaa/authorize`` user object: the recorded keys, in the recorded order, demo values."""

from __future__ import annotations

import json

from een_tui.emulator.devices import ACCOUNT_ID, TIMEZONE, UTC_OFFSET, User

# Floor plans (per floor number) drawn on the account map: a polygon and a line.
_MAP_LINES = {
    "1": [["p", [30.269341, -97.740729], [30.269111, -97.740566], [30.268951, -97.740771]],
          ["l", [30.269113, -97.740645], [30.269045, -97.74067]]],
    "16": [["p", [30.268615, -97.740487], [30.268700, -97.740400], [30.268650, -97.740300]]],
}
_WEEK = [f"{d}-0000-2359" for d in range(7)]
_SAVED_FILTERS = [["bridges", "device_type:bridge"], ["cameras off", ":off"],
                  ["cameras offline", ":offline"], ["dallas", "dallas"]]


def user_object(user: User, camera_access: list[list[str]], last_login: str,
                brand_subdomain: str = "c000") -> dict[str, object]:
    """The user object answered by authorize (same keys and order as the 2019 recording)."""
    settings = {"temp_account_access": [], "weekly_newsletter": 1, "is_all_layout_access": False,
                "language": "en-us", "saved_filters": _SAVED_FILTERS}
    return {
        "is_sms_include_picture": 0,
        "last_name": user.last_name,
        "uid": user.username,
        "is_all_layout_access": 0,
        "user_log_level": 0,
        "is_export_video": 1,
        "is_branded": 1,
        "is_edit_all_users": 0,
        "is_edit_account": 1,
        "layouts": ["6ba2928a-0eea-11e9-bb6c-0a580af4018e", "f3b8b244-1359-11e9-abb3-0a580af4053f"],
        "is_staff": 0,
        "postal_code": None,
        "is_account_superuser": 0,
        "active_white_label_domain": None,
        "is_edit_camera_less_billing": 1,
        "timezone": TIMEZONE,
        "is_view_contract": 0,
        "id": user.user_id,
        "city": None,
        "first_name": user.first_name,
        "is_system_notifications_disabled": 0,
        "is_edit_cameras": 1,
        "is_notify_enable": 1,
        "owner_account_id": ACCOUNT_ID,
        "account_map_lines": _MAP_LINES,
        "is_view_preview_video": 1,
        "is_user_create_layout": 1,
        "inactive_session_timeout": None,
        "is_terms_noncompliant": 0,
        "active_brand_subdomain": brand_subdomain,
        "notify_period": _WEEK,
        "is_superuser": 0,
        "json": json.dumps(settings),
        "is_edit_users": 1,
        "last_login": last_login,
        "is_recorded_video": 1,
        "is_edit_camera_on_off": 1,
        "camera_access": camera_access,
        "alternate_email": None,
        "email": user.username,
        "is_edit_all_and_add": 1,
        "user_id": user.user_id,
        "utc_offset": UTC_OFFSET,
        "mobile_phone": None,
        "weekly_newsletter": 1,
        "is_mobile_branded": 0,
        "state": None,
        "language": "en-us",
        "account_utc_offset": UTC_OFFSET,
        "is_edit_map": 1,
        "is_active": 1,
        "user_authenticated_clients": None,
        "is_user_admin": 1,
        "saved_filters": _SAVED_FILTERS,
        "phone": "512-555-0100",
        "is_layout_admin": 1,
        "is_view_all_accounts": 0,
        "account_work_hours": ["0800", "1730"],
        "is_edit_sharing": 1,
        "is_live_video": 1,
        "is_edit_admin_users": 0,
        "is_all_camera_access": 0,
        "account_work_days": "1111100",
        "is_device_admin": 1,
        "active_account_id": ACCOUNT_ID,
        "country": "US",
        "sms_phone": user.sms_phone,
        "access_period": _WEEK,
        "is_two_factor_authentication_enabled": 1 if user.two_factor else 0,
        "is_edit_ptz_stations": 1,
        "is_view_audit_trail": 0,
        "street": [],
        "notify_rule": ["one-gui-0", "one-email-0"],
        "is_master": 0,
        "is_ptz_live": 1,
        "is_edit_motion_areas": 1,
        "is_pending": 0,
        "temp_account_access": [],
    }
