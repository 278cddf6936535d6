"""Ad images: upload (base64 `bytes`, content-addressed by Meta's hash) and read by hash."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

IMAGE_FIELDS = "hash,name,width,height,status,url"


def upload_image(client: MetaClient, path: str, name: str | None = None, *,
                 plan_key: str | None = None) -> dict[str, Any]:
    """Upload one image file; returns `{hash, width, height, name}`."""
    return client.upload_image(path, name, plan_key=plan_key)


def get_images(client: MetaClient, hashes: list[str]) -> list[dict[str, Any]]:
    """Read images of the ad account by hash."""
    if not hashes:
        return []
    return client.get_all(f"{client._account()}/adimages",
                          {"hashes": json.dumps(list(hashes)), "fields": IMAGE_FIELDS})
