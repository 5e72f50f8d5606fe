"""Mobile device reads on both paths: the edge cases the oracle records don't cover."""

from __future__ import annotations

import pytest

from plexpy import mobile_app

PHONE = {"id": 1, "device_id": "7b4efabe0257aad1", "device_token": "7d99ec826289e02372ce29817ce1f54c",
         "device_name": "iPhone 15", "platform": "android", "version": "3.2.0", "friendly_name": "My Phone",
         "onesignal_id": "onesignal-08435fcc5acb", "last_seen": 1752667200, "official": 1}


def test_every_device_and_filters(facade_mode: str) -> None:
    devices = mobile_app.get_mobile_devices()
    assert sorted(d["id"] for d in devices) == [1, 2, 4]
    assert next(d for d in devices if d["id"] == 1) == PHONE
    assert mobile_app.get_mobile_devices(device_id=PHONE["device_id"], device_token=PHONE["device_id"]) == []
    assert mobile_app.get_mobile_devices(device_id="", device_token=None) == devices  # falsy filters are ignored
    assert mobile_app.get_mobile_device_by_token("") is None
    assert mobile_app.get_mobile_device_by_token(None) is None


def test_numbers_compare_with_text_columns_as_sqlite_does(facade_mode: str, edit_db) -> None:
    edit_db("INSERT INTO mobile_devices (device_id, device_token, onesignal_id) VALUES ('12345', '678', NULL)")
    assert [d["device_id"] for d in mobile_app.get_mobile_devices(device_id=12345)] == ["12345"]
    assert [d["device_token"] for d in mobile_app.get_mobile_device_by_token(678)] == ["678"]
    assert mobile_app.get_mobile_devices(device_id=12345.0) == []  # 12345.0 reads as '12345.0' for a TEXT column


def test_device_config(facade_mode: str, edit_db) -> None:
    assert mobile_app.get_mobile_device_config(mobile_device_id="1") == PHONE
    edit_db("UPDATE mobile_devices SET onesignal_id = 'onesignal-disabled' WHERE id = 2")
    assert mobile_app.get_mobile_device_config(mobile_device_id=2)["onesignal_id"] == ""
    assert mobile_app.get_mobile_device_config(mobile_device_id="abc") is None
    with pytest.raises(KeyError, match="onesignal_id"):
        mobile_app.get_mobile_device_config(mobile_device_id=424242)


def test_an_empty_table(facade_mode: str, edit_db) -> None:
    edit_db("DELETE FROM mobile_devices")
    assert mobile_app.get_mobile_devices() == []
    assert mobile_app.get_mobile_device_by_token(PHONE["device_token"]) == []
