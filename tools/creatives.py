"""Ad creatives: single image, video and carousel link ads (object_story_spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.meta_client import with_tag

if TYPE_CHECKING:
    from tools.meta_client import MetaClient


def _cta(call_to_action: str | None, link: str) -> dict[str, Any] | None:
    return {"type": call_to_action, "value": {"link": link}} if call_to_action else None


def image_spec(page_id: str, link: str, image_hash: str, message: str = "",
               headline: str | None = None, description: str | None = None,
               call_to_action: str | None = None) -> dict[str, Any]:
    """Build an `object_story_spec` for a single-image link ad."""
    data: dict[str, Any] = {"link": link, "image_hash": image_hash, "message": message}
    for key, value in (("name", headline), ("description", description),
                       ("call_to_action", _cta(call_to_action, link))):
        if value:
            data[key] = value
    return {"page_id": str(page_id), "link_data": data}


def video_spec(page_id: str, link: str, video_id: str, image_hash: str, message: str = "",
               headline: str | None = None, call_to_action: str | None = "LEARN_MORE"
               ) -> dict[str, Any]:
    """Build an `object_story_spec` for a video ad (a thumbnail `image_hash` is required)."""
    data: dict[str, Any] = {"video_id": str(video_id), "image_hash": image_hash,
                            "message": message,
                            "call_to_action": _cta(call_to_action or "LEARN_MORE", link)}
    if headline:
        data["title"] = headline
    return {"page_id": str(page_id), "video_data": data}


def carousel_spec(page_id: str, link: str, cards: list[dict[str, Any]], message: str = "",
                  call_to_action: str | None = None) -> dict[str, Any]:
    """Build a carousel `object_story_spec`; each card is `{link, image_hash, name?, description?}`."""
    if not 2 <= len(cards) <= 10:
        raise ValueError(f"a carousel needs 2 to 10 cards; got {len(cards)}")
    children = []
    for i, card in enumerate(cards):
        if not card.get("image_hash") or not (card.get("link") or link):
            raise ValueError(f"cards[{i}] needs image_hash and link")
        child = {"link": card.get("link") or link, "image_hash": card["image_hash"]}
        child.update({k: card[k] for k in ("name", "description") if card.get(k)})
        children.append(child)
    data: dict[str, Any] = {"link": link, "message": message, "child_attachments": children}
    if call_to_action:
        data["call_to_action"] = _cta(call_to_action, link)
    return {"page_id": str(page_id), "link_data": data}


def create_creative(client: MetaClient, name: str, object_story_spec: dict[str, Any], *,
                    plan_key: str | None = None, receipt: str | None = None) -> dict[str, Any]:
    """Create an ad creative from an `object_story_spec`; returns `{id, name}`."""
    params = {"name": with_tag(name, plan_key, 100) if plan_key else name[:100],
              "object_story_spec": object_story_spec}
    body = client.write("create", f"{client._account()}/adcreatives", params, plan_key=plan_key,
                        object_type="creative", receipt=receipt)
    return {"id": str(body["id"]), "name": params["name"]}
