"""Meta's insights vocabulary: fields, levels, presets, breakdown groups, operators."""

from __future__ import annotations

IDENTITY = {
    "account_id",
    "account_name",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "objective",
    "optimization_goal",
    "buying_type",
    "attribution_setting",
    "created_time",
    "updated_time",
    "date_start",
    "date_stop",
}
COUNTS = {
    "impressions",
    "reach",
    "clicks",
    "unique_clicks",
    "inline_link_clicks",
    "unique_inline_link_clicks",
    "inline_post_engagement",
    "estimated_ad_recallers",
    "spend",
    "social_spend",
}
RATIOS = {
    "frequency",
    "ctr",
    "cpc",
    "cpm",
    "cpp",
    "inline_link_click_ctr",
    "unique_ctr",
    "unique_link_clicks_ctr",
    "cost_per_inline_link_click",
    "cost_per_unique_click",
    "cost_per_unique_inline_link_click",
    "estimated_ad_recall_rate",
    "cost_per_estimated_ad_recallers",
}
LISTS = {
    "actions",
    "action_values",
    "unique_actions",
    "conversions",
    "conversion_values",
    "cost_per_action_type",
    "cost_per_conversion",
    "cost_per_unique_action_type",
    "purchase_roas",
    "website_purchase_roas",
    "outbound_clicks",
    "cost_per_outbound_click",
}
RANKINGS = {"quality_ranking", "engagement_rate_ranking", "conversion_rate_ranking"}
# Valid AdsInsights fields the sandbox has no data for: accepted, never returned.
NO_DATA = {
    "video_p25_watched_actions",
    "video_p50_watched_actions",
    "video_p75_watched_actions",
    "video_p95_watched_actions",
    "video_p100_watched_actions",
    "video_thruplay_watched_actions",
    "video_play_actions",
    "video_avg_time_watched_actions",
    "video_30_sec_watched_actions",
    "video_continuous_2_sec_watched_actions",
    "cost_per_thruplay",
    "mobile_app_purchase_roas",
    "outbound_clicks_ctr",
    "website_ctr",
    "full_view_impressions",
    "full_view_reach",
    "canvas_avg_view_time",
    "canvas_avg_view_percent",
    "instant_experience_clicks_to_open",
}
FIELDS = IDENTITY | COUNTS | RATIOS | LISTS | RANKINGS | NO_DATA
DEFAULT_FIELDS = ["impressions", "spend"]
LEVELS = ("account", "campaign", "adset", "ad")
PRESETS = {
    "today",
    "yesterday",
    "this_month",
    "last_month",
    "this_quarter",
    "maximum",
    "data_maximum",
    "last_3d",
    "last_7d",
    "last_14d",
    "last_28d",
    "last_30d",
    "last_90d",
    "last_week_mon_sun",
    "last_week_sun_sat",
    "last_quarter",
    "last_year",
    "this_week_mon_today",
    "this_week_sun_today",
    "this_year",
}
HOURLY = (
    "hourly_stats_aggregated_by_advertiser_time_zone",
    "hourly_stats_aggregated_by_audience_time_zone",
)
GROUPS = {
    "demographic": {"age", "gender"},
    "geography": {"country", "region", "dma"},
    "placement": {
        "publisher_platform",
        "platform_position",
        "device_platform",
        "impression_device",
    },
    "hourly": set(HOURLY),
}
SUPPORTED_BREAKDOWNS = {
    "age",
    "gender",
    "country",
    "region",
    "dma",
    "media_type",
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    *HOURLY,
    # dynamic creative (sandbox.dynamic_creative), one at a time
    "image_asset",
    "video_asset",
    "body_asset",
    "title_asset",
    "description_asset",
    "call_to_action_asset",
    "link_url_asset",
    "ad_format_asset",
}
KNOWN_BREAKDOWNS = SUPPORTED_BREAKDOWNS | {
    "region",
    "dma",
    "frequency_value",
    "product_id",
    "place_page_id",
    "media_type",
    "app_id",
    "skan_conversion_id",
    "zip",
    "user_persona_id",
    "user_persona_name",
    "user_segment_key",
}
# Breakdowns with which Meta returns no off-Meta action metrics ("Type 1" on
# https://developers.facebook.com/docs/marketing-api/insights/breakdowns).
TYPE1_BREAKDOWNS = {"region", "dma", *HOURLY}
# Breakdowns that cannot be crossed with the default action_breakdowns=action_type.
NO_ACTION_TYPE = {"media_type"}
ACTION_BREAKDOWNS = {"action_type"}
WINDOWS = {
    "1d_click",
    "7d_click",
    "28d_click",
    "1d_view",
    "7d_view",
    "28d_view",
    "1d_ev",
    "dda",
    "default",
}
OPERATORS = {
    "EQUAL",
    "NOT_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
    "CONTAIN",
    "NOT_CONTAIN",
    "IN",
    "NOT_IN",
    "STARTS_WITH",
    "ENDS_WITH",
    "ANY",
    "ALL",
    "NONE",
}
ENTITY_FILTERS = {
    f"{lvl}.{attr}"
    for lvl in ("campaign", "adset", "ad")
    for attr in ("id", "name", "effective_status")
} | {"campaign.objective"}
RETENTION_MONTHS = 37
