"""Where an ad sends people and how its creative is built, beyond a website and one image.

- `destinations`: instant lead forms (`lead_form`, `ON_AD`) and conversations (WhatsApp,
  Messenger, Instagram Direct);
- `dynamic`: dynamic creative (one ad whose `asset_feed_spec` Meta mixes);
- `unserved`: goals adpilot cannot plan yet (store visits, event responses, Instagram
  followers, boosting a published post), asked about by `understand.unsupported_asks`.
"""
