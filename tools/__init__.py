"""The seam to Meta (`meta_client.py`) and the `@tool` wrappers the agents use, per area."""

from __future__ import annotations

from typing import Any


def all_tools() -> list[Any]:
    """Every `@tool` adpilot exposes to models (the client is injected, never an argument)."""
    from tools import ads, adsets, campaigns, creatives, images, insights, targeting, videos

    return [
        images.upload_image_tool, images.get_images_tool,
        videos.upload_video_tool, videos.get_video_status_tool,
        campaigns.create_campaign_tool, campaigns.get_campaign_tool,
        campaigns.update_campaign_budget_tool, campaigns.set_campaign_status_tool,
        adsets.create_ad_set_tool, adsets.get_ad_set_tool, adsets.update_ad_set_budget_tool,
        adsets.update_ad_set_schedule_tool, adsets.set_ad_set_status_tool,
        creatives.create_image_creative_tool, creatives.create_video_creative_tool,
        creatives.create_carousel_creative_tool,
        ads.create_ad_tool, ads.get_ad_tool, ads.set_ad_status_tool, ads.duplicate_ad_tool,
        insights.query_insights_tool, insights.start_insights_report_tool,
        insights.get_insights_report_tool,
        targeting.search_interests_tool, targeting.search_locations_tool,
    ]
