"""Images and their hosting: the hash standing for a Plex image, and deleting uploads from Imgur or Cloudinary.

A hash is the sha256 of the server's ``PMS_UUID`` and the image's path, rating key and transform, as Tautulli
v2.17.2 builds it (its format string has one placeholder fewer than its arguments, so ``fallback`` is stored
but never hashed). Deletes on the hosts go through the ``web`` seam: an Imgur failure is logged and the rows
go anyway; Cloudinary's client raises, which stops the delete before any row goes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.domains.lookups import web

__all__ = [
    "IMAGE_TABLES",
    "CloudinaryError",
    "HashedImage",
    "configured_service",
    "delete_from_cloudinary",
    "delete_from_imgur",
    "hashed_image",
    "hosted_image_values",
]

log = structlog.get_logger(__name__)

_IMGUR: Final = "https://api.imgur.com/3/image"
_CLOUDINARY: Final = "https://api.cloudinary.com/v1_1"
_ALL_TAG: Final = "tautulli"

#: Hosting service → its lookup table (the ``service`` names ``set_img_info`` accepts).
IMAGE_TABLES: Final = {"imgur": "imgur_lookup", "cloudinary": "cloudinary_lookup"}


@dataclass(frozen=True, slots=True)
class HashedImage:
    """An image's hash and the ``image_hash_lookup`` values stored under it."""

    img_hash: str
    values: dict[str, Any]


def hashed_image(img: Any, rating_key: Any, width: Any, height: Any, opacity: Any, background: Any, blur: Any,
                 fallback: Any) -> HashedImage:
    """The hash of an image (a Plex path, or an item's poster or art) with its transform.

    A ``/library/metadata/<key>/...`` path is cut to its first five segments and its key replaces
    ``rating_key`` (as text).

    Raises:
        AttributeError, IndexError: ``img`` or ``fallback`` is not text, or a metadata path is too short.
    """
    if not img:
        kind = "art" if fallback and fallback.startswith("art") else "thumb"
        img = f"/library/metadata/{rating_key}/{kind}"
    if img.startswith("/library/metadata"):
        segments = img.split("/")
        img = "/".join(segments[:5])
        rating_key = segments[3]
    source = f"{context.config('PMS_UUID')}.{img}.{rating_key}.{width}.{height}.{opacity}.{background}.{blur}"
    values = {"img": img, "rating_key": rating_key, "width": width, "height": height, "opacity": opacity,
              "background": background, "blur": blur, "fallback": fallback}
    return HashedImage(hashlib.sha256(source.encode("utf-8")).hexdigest(), values)


def hosted_image_values(service: Any, img_title: Any, img_url: Any, delete_hash: Any) -> dict[str, Any] | None:
    """The lookup-table values ``set_img_info`` stores for a service, None (logged) for an unknown service."""
    if service == "imgur":
        return {"imgur_title": img_title, "imgur_url": img_url, "delete_hash": delete_hash}
    if service == "cloudinary":
        return {"cloudinary_title": img_title, "cloudinary_url": img_url}
    log.warning("lookups.unknown_image_service")
    return None


def configured_service() -> str | None:
    """The hosting service ``NOTIFY_UPLOAD_POSTERS`` names (1 Imgur, 3 Cloudinary), else None."""
    return {1: "imgur", 3: "cloudinary"}.get(context.config("NOTIFY_UPLOAD_POSTERS"))


def delete_from_imgur(delete_hash: Any, img_title: Any, fallback: Any) -> bool:
    """Ask Imgur to delete an upload; False (logged) without a client id or when Imgur does not confirm."""
    client_id = context.config("IMGUR_CLIENT_ID")
    if not client_id:
        log.error("lookups.imgur_no_client_id")
        return False
    try:
        response = web.client().delete(f"{_IMGUR}/{delete_hash}", headers={"Authorization": f"Client-ID {client_id}"})
    except web.WebUnavailableError as exc:
        log.error("lookups.imgur_delete_failed", fallback=fallback, error=str(exc))
        return False
    if not response.ok:
        log.error("lookups.imgur_delete_failed", fallback=fallback, status=response.status)
        return False
    log.debug("lookups.imgur_deleted", img_title=img_title, fallback=fallback)
    return True


class CloudinaryError(Exception):
    """Cloudinary's client failed (its exception classes are named by the answer's status)."""


_CLOUDINARY_ERRORS: Final = {400: "BadRequest", 401: "AuthorizationRequired", 403: "NotAllowed", 404: "NotFound",
                             409: "AlreadyExists", 420: "RateLimited", 500: "GeneralError"}


def _cloudinary_error(name: str, message: str) -> CloudinaryError:
    return type(name, (CloudinaryError,), {"__module__": "cloudinary.exceptions"})(message)


def _delete_tag(cloud: str, key: str, secret: str, tag: str, next_cursor: str | None = None) -> dict[str, Any]:
    """Delete every image with a tag; Cloudinary's answer (``partial``, ``next_cursor``).

    Raises:
        CloudinaryError: Cloudinary cannot be reached, answers what cannot be read, or reports an error.
    """
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
    params = {"next_cursor": next_cursor} if next_cursor is not None else None
    try:
        response = web.client().delete(f"{_CLOUDINARY}/{cloud}/resources/image/tags/{tag}", params=params,
                                       headers={"Authorization": f"Basic {auth}"})
        answer = response.json()
    except web.WebUnavailableError as exc:
        raise _cloudinary_error("GeneralError", f"Socket Error: {exc}") from exc
    except ValueError as exc:
        raise _cloudinary_error("GeneralError", f"Error parsing server response ({response.status})") from exc
    if isinstance(answer, dict) and "error" in answer:
        name = _CLOUDINARY_ERRORS.get(response.status, "Exception")
        raise _cloudinary_error(name, f"Error {response.status} - {answer['error'].get('message')}")
    return answer if isinstance(answer, dict) else {}


def delete_from_cloudinary(rating_keys: Iterable[Any], delete_all: bool) -> bool:
    """Delete an item's uploads (tagged with its rating key) or every upload (tagged ``tautulli``).

    False (logged) when Cloudinary is not configured.

    Raises:
        CloudinaryError: a request failed (Tautulli's client raises, so nothing more is deleted).
    """
    cloud, key = context.config("CLOUDINARY_CLOUD_NAME"), context.config("CLOUDINARY_API_KEY")
    secret = context.config("CLOUDINARY_API_SECRET")
    if not cloud or not key or not secret:
        log.error("lookups.cloudinary_not_configured")
        return False
    if delete_all:
        cursor = ""
        while True:
            answer = _delete_tag(cloud, key, secret, _ALL_TAG, cursor)
            if answer.get("partial", False) is not True:
                break
            cursor = answer.get("next_cursor", "")
    else:
        for rating_key in rating_keys:
            if rating_key:
                _delete_tag(cloud, key, secret, str(rating_key))
    return True
