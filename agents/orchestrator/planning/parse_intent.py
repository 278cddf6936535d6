"""Objective, special ad categories, call to action, links, assets, copy and ids in a brief."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import Adjustment, Question
from agents.orchestrator.planning.cues import INSTEAD_AFTER, correction_span, negated_before
from state import rules
from state.contacts import email_spans

OBJECTIVE_CUES: dict[str, list[tuple[str, int]]] = {
    # "sales" naming a trade ("sales coaching", "our sales team") is no goal.
    "OUTCOME_SALES": [(r"\bsales\b(?!\s+(?:coach(?:ing|es)?|training|team|teams|reps?|people|"
                       r"manager|managers|course|courses|webinar|podcast|tips|software|tool|"
                       r"tools|funnel|pitch|skills|job|jobs|role|roles|tax|page|assistant))", 3), (r"\bsell(?:s|ing)?\b", 2), (r"\bpurchases?\b", 3),
                      (r"\bconversions?\b", 2), (r"\borders?\b", 2), (r"\brevenue\b", 2),
                      (r"\broas\b", 3), (r"\bcheckouts?\b", 2), (r"\bbuy(?:ers|ing)?\b", 1),
                      (r"\be-?commerce\b", 2), (r"\b(?:online\s+)?(?:shop|store)\b", 1),
                      (r"\bsale\b", 1), (r"\b(?:move|clear|shift|sell\s+through)\s+(?:(?:the|our|all|old|"
                       r"remaining|excess|last|of)\s+)*(?:product|inventory|stock)\b", 2),
                      (r"\bsubscriptions?\b", 2)],
    "OUTCOME_LEADS": [(r"\bleads?\b", 4), (r"\blead[- ]gen", 4), (r"\bsign[- ]?ups\b", 3),
                      (r"\bsigning\s+up\b", 3), (r"\b(?:free\s+)?trial\s+(?:sign[- ]?ups|users)\b|"
                                                r"\bfree\s+trials?\b", 2),
                      (r"\bregistrations?\b", 3), (r"\bsubscribers\b", 2),
                      (r"\b(?:collect|capture|grow)\b[\w\s]{0,12}\bemails?\b", 3),
                      (r"\bquote\s+requests?\b", 3), (r"\bdemo\s+(?:requests|bookings)\b", 3),
                      (r"\bbook(?:ings)?\s+(?:a\s+)?(?:demo|consultation|call)s?\b", 2),
                      (r"\binquir(?:y|ies)\b|\benquir(?:y|ies)\b", 3), (r"\bwait[- ]?list\b", 3),
                      (r"\bapplicants?\b|\bapplications\b", 3), (r"\bget\s+people\s+to\s+sign\s+up\b", 3),
                      (r"\b(?:fill|book)\s+(?:up\s+|out\s+)?(?:(?:our|the|all|remaining|last)\s+)*(?:\d+\s+)?"
                       r"(?:webinar|workshop|seminar|masterclass|class|info\s+session)\s+(?:seats|spots|"
                       r"slots|places)\b", 3)],
    "OUTCOME_TRAFFIC": [(r"\btraffic\b", 4), (r"\b(?:site|website|web|page|blog)\s+visits?\b", 4),
                        (r"\bvisitors\b", 3), (r"\bclicks?\b", 2), (r"\bdrive\s+(?:people|folks|"
                        r"users)\s+to\b", 2), (r"\breaders\b", 1), (r"\bvisit\s+(?:our|the)\b", 1)],
    "OUTCOME_AWARENESS": [(r"\bawareness\b", 4), (r"\breach\b", 2), (r"\bword\s+out\b", 3),
                          (r"\bvisibility\b", 3), (r"\bimpressions\b", 2), (r"\bbrand\b", 1),
                          (r"\bad\s+recall\b", 3), (r"\btop[- ]of[- ](?:the[- ])?funnel\b", 3),
                          (r"\bannounc(?:e|ing|ement)\b", 1), (r"\bget\s+(?:our\s+)?name\s+out\b", 3),
                          (r"\bknow\s+(?:about\s+)?us\b", 2)],
    "OUTCOME_ENGAGEMENT": [(r"\bengagement\b", 4), (r"\blikes\b", 2), (r"\bcomments\b", 2),
                           (r"\bshares\b", 2), (r"\bfollowers\b", 2), (r"\bvideo\s+views\b", 3),
                           (r"\b(?:event\s+responses|rsvps?)\b", 3), (r"\binteractions\b", 2),
                           (r"\bthruplays?\b", 3), (r"\bviews\b", 1), (r"\bwatch(?:es|ing)?\s+"
                           r"(?:the|our)\s+(?:new\s+)?(?:video|trailer|film|clip)\b", 3)],
    # "installs" alone is a goal only in a brief about an app ("our HVAC installs" is a trade).
    "OUTCOME_APP_PROMOTION": [(r"\bapp\s+installs?\b", 5),
                              (r"\binstalls\b(?=[\s\S]*\b(?:apps?|games?|ios|android)\b)|"
                               r"\b(?:apps?|games?|ios|android)\b[\s\S]*\binstalls\b", 3),
                              (r"\b(?:download|install|get)\s+(?:our|the)\s+app\b", 4),
                              (r"\bapp\s+downloads?\b", 4), (r"apps\.apple\.com|play\.google\.com",
                                                              3)],
}
EXPLICIT_OBJECTIVE = re.compile(r"\b(OUTCOME_(?:SALES|LEADS|TRAFFIC|AWARENESS|ENGAGEMENT|"
                                r"APP_PROMOTION))\b|\bobjective\s*[:=-]?\s*(sales|leads?|traffic|"
                                r"awareness|engagement|app\s+promotion|app\s+installs|conversions|"
                                r"reach)\b", re.I)
OBJECTIVE_WORDS = {"sales": "OUTCOME_SALES", "conversions": "OUTCOME_SALES", "lead": "OUTCOME_LEADS",
                   "leads": "OUTCOME_LEADS", "traffic": "OUTCOME_TRAFFIC", "reach":
                   "OUTCOME_AWARENESS", "awareness": "OUTCOME_AWARENESS",
                   "engagement": "OUTCOME_ENGAGEMENT", "app promotion": "OUTCOME_APP_PROMOTION",
                   "app installs": "OUTCOME_APP_PROMOTION"}

SPECIAL = {
    "HOUSING": r"\bhousing\b|\bapartments?\s+for\s+rent\b|\b(?:homes?|houses?|condos?|flats?)\s+for"
               r"\s+(?:sale|rent)\b|\brentals?\b|\breal\s+estate\s+listings?\b|\bmortgages?\b|"
               r"\bhome\s+loans?\b|\blistings?\b[\w\s]{0,20}\b(?:realtor|brokerage)\b|"
               r"\b(?:leasing|lease)\s+(?:office|apartments?)\b|\bproperty\s+(?:for\s+sale|listings?)\b|"
               r"\b(?:rent(?:ing)?\s+out|leas(?:e|ing)|sell(?:ing)?)\s+(?:our|the|my|these|\d+)\s+"
               r"(?:[\w-]+\s+){0,2}?(?:apartments?|units|homes|houses|condos?|flats|townhomes|lofts|"
               r"propert(?:y|ies))\b|\btenants?\b|\b\d-?(?:bed(?:room)?|br)\s+(?:units?|apartments?|"
               r"flats?|homes?|condos?)\b|\bhome\s*buyers?\b",
    "EMPLOYMENT": r"\bwe(?:'re|\s+are)\s+hiring\b|\bnow\s+hiring\b|\bhiring\b|"
                  r"\bjob\s+(?:openings?|ads?|postings?|fair|applicants?)\b|\bopen\s+positions?\b|"
                  r"\brecruit(?:ing|ment)\b|\bcareers?\s+page\b|\bjoin\s+our\s+team\b|"
                  r"\bvacanc(?:y|ies)\b|\bemployment\b|\bjob\s+seekers\b|\brecruit(?:s|ed)?\s+(?!"
                  r"(?:new\s+)?(?:customers|clients|members|subscribers|users|donors)\b)\w+|"
                  r"\b(?:staff|nurses|drivers|workers|cooks|chefs|servers|cashiers|baristas|cleaners|"
                  r"caregivers|teachers|technicians|mechanics|electricians|plumbers|welders|"
                  r"associates|carers|helpers|labou?rers|volunteers)\s+(?:wanted|needed)\b|\bopen\s+roles?\b|\bapply\s+to\s+(?:be|become|"
                  r"join|work)\b|\baccepting\s+applications\b|\bwork\s+(?:for|with)\s+us\b",
    "CREDIT": r"\bcredit\s+cards?\b|\bpersonal\s+loans?\b|\bauto\s+loans?\b|\bcar\s+loans?\b|"
              r"\bloans?\b|\bfinancing\s+offer|\bline\s+of\s+credit\b|\bcredit\s+(?:line|offer)s?\b|"
              r"\bbuy\s+now,?\s+pay\s+later\b|\bbnpl\b|\bpre-?approv(?:ed|al)\b|\bfinancing\s+"
              r"(?:available|options?|plans?|offers?)\b|\b0\s*%\s+(?:apr|financing|interest)\b",
    "ISSUES_ELECTIONS_POLITICS": r"\belections?\b|\bvot(?:e|ing|ers)\b|\bcandidate\b|\bballot\b|"
                                 r"\bpolitical\b|\bcampaign\s+for\s+(?:mayor|senate|congress|"
                                 r"governor|council)\b|\bget\s+out\s+the\s+vote\b|\bcongressional\b|"
                                 r"\bref(?:erendum)?\b(?=\s+on)|\bpetition\b|\bsocial\s+issues?\b",
}

CTA_WORDS = {
    "shop now": "SHOP_NOW", "buy now": "BUY_NOW", "sign up": "SIGN_UP", "signup": "SIGN_UP",
    "learn more": "LEARN_MORE", "book now": "BOOK_NOW", "book a demo": "BOOK_NOW",
    "get offer": "GET_OFFER", "get quote": "GET_QUOTE", "get a quote": "GET_A_QUOTE",
    "contact us": "CONTACT_US", "download": "DOWNLOAD", "subscribe": "SUBSCRIBE",
    "apply now": "APPLY_NOW", "order now": "ORDER_NOW", "install now": "INSTALL_MOBILE_APP",
    "install": "INSTALL_MOBILE_APP", "watch more": "WATCH_MORE", "get directions":
    "GET_DIRECTIONS", "call now": "CALL_NOW", "send message": "MESSAGE_PAGE", "message us":
    "MESSAGE_PAGE", "donate": "DONATE_NOW", "donate now": "DONATE_NOW", "get started":
    "GET_STARTED", "buy tickets": "BUY_TICKETS", "play game": "PLAY_GAME", "listen now":
    "LISTEN_NOW", "see more": "SEE_MORE", "view product": "VIEW_PRODUCT", "get showtimes":
    "GET_SHOWTIMES", "request time": "REQUEST_TIME", "book travel": "BOOK_TRAVEL",
    "watch video": "WATCH_VIDEO", "add to cart": "ADD_TO_CART", "visit website": "VISIT_WEBSITE",
    "get in touch": "GET_IN_TOUCH", "inquire now": "INQUIRE_NOW", "use app": "USE_APP",
}
_CTA_ALTS = "|".join(sorted((re.escape(k) for k in CTA_WORDS), key=len, reverse=True))
CTA_RE = re.compile(rf"\b(?:cta|call[- ]to[- ]action|button)\s*(?P<sep>should\s+be|is|=|:|-)?\s*"
                    rf"(?P<q>[\"'“‘])?(?P<a>[A-Za-z_ ]{{2,30}}?)[\"'”’]?(?=[.,;\n)]|\s+(?:and|with|to|"
                    rf"button|for)\b|$)|[\"'“‘](?P<b>{_CTA_ALTS})[\"'”’]\s+(?:button|cta)|"
                    rf"\b(?:with\s+(?:an?|the)\s+)(?P<c>{_CTA_ALTS})\s+(?:button|cta)\b|"
                    rf"\b(?P<d>[A-Z]+_[A-Z_]+)\b", re.I)

# A host never starts inside another word: not after a letter, "-", "." or "@" ("info@acme-
# roofing.com" is no page https://roofing.com); an e-mail address is never a page (EMAIL_RE).
URL_RE = re.compile(r"(?<![@\w.-])(?:https?://|www\.)[^\s<>\"'`()]+|(?<![@\w/.-])(?:[a-z0-9-]+\.)+"
                    r"(?:com|net|org|io|co|shop|store|de|fr|co\.uk|uk|es|it|nl|jp|com\.au|au|ca|"
                    r"app|ai|dev|me|us|eu|com\.br|br|mx|in|se|ch|at|be|dk|no|pl|ie|nz|sg)"
                    r"(?:/[^\s<>\"'`(),]*)?(?!\w|\.\w)", re.I)
MEDIA_EXT = {".jpg": "image", ".jpeg": "image", ".png": "image", ".webp": "image",
             ".gif": "image", ".bmp": "image", ".tif": "image", ".tiff": "image",
             ".mp4": "video", ".mov": "video", ".m4v": "video", ".avi": "video", ".webm": "video"}
PATH_RE = re.compile(r"[`\"'](?P<q>[^`\"'\n]+\.(?:jpe?g|png|webp|gif|bmp|tiff?|mp4|mov|m4v|avi|"
                     r"webm))[`\"']|(?<![\w./\\*:~-])(?P<p>(?:~|\.{1,2})?[\w./\\*:~-]*[\w*-]\.(?:jpe?g|"
                     r"png|webp|gif|bmp|tiff?|mp4|mov|m4v|avi|webm))\b", re.I)
# A path starts where its run of path characters starts (the lookbehind): the same matches
# as without it, since any later start's match is a suffix of the run's, in linear time.
ID_RE = {
    "page_id": re.compile(r"\b(?:facebook\s+)?page(?:\s+id)?\s*(?::|=|#|is)?\s*(?P<v>\d{5,20})\b|"
                          r"\bfacebook\s+page\s*:\s*(?P<w>\S+)", re.I),
    "pixel_id": re.compile(r"\bpixel(?:\s+id)?\s*(?::|=|#|is)?\s*(?P<v>\d{5,20})\b|"
                           r"\bpixel\s*:\s*(?P<w>\S+)", re.I),
    # "app id: 4812…", "application id 4812…", "app id in Facebook: 4812…"
    "application_id": re.compile(r"\b(?:app(?:lication)?\s*id|facebook\s+app)(?:\s+(?:in|on|"
                                 r"for)\s+(?:facebook|meta))?\s*(?::|=|#|is)?\s*(?P<v>\d{5,20})\b"
                                 r"(?P<w>)", re.I),
}
@dataclass
class Assets:
    """Images, videos and the landing page found in the brief."""

    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)
    video_urls: list[str] = field(default_factory=list)
    landing_url: str | None = None
    other_urls: list[str] = field(default_factory=list)  # web pages named but not linked to
    spans: list[tuple[int, int]] = field(default_factory=list)
    unresolved_globs: list[str] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


# A second web page that is a profile, a shared document or named as a reference is not a
# landing page: listed, not asked.
REFERENCE_URL = re.compile(r"^(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|tiktok|twitter|x|"
                           r"youtube|youtu|linkedin|pinterest|threads|docs\.google|drive\.google|"
                           r"dropbox|figma|notion|canva|wetransfer|box|miro|loom)\.", re.I)
REFERENCE_BEFORE = re.compile(r"\b(?:see|ref(?:erence)?|for\s+reference|inspiration|inspired\s+by|"
                              r"like|similar\s+to|brand\s+(?:guide|book|guidelines)|our\s+"
                              r"(?:instagram|facebook|tiktok|profile|page|blog|press)|competitor|"
                              r"not|instead\s+of|(?:old|previous|last)\s+(?:page|site|url|"
                              r"campaign))\b[^.;\n]*$", re.I)


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def find_objective(text: str) -> tuple[str | None, dict[str, int]]:
    """Return the objective the brief's intent words point to, and the scores."""
    if m := EXPLICIT_OBJECTIVE.search(text):
        if m.group(1):
            return m.group(1).upper(), {}
        return OBJECTIVE_WORDS[re.sub(r"\s+", " ", m.group(2).lower())], {}
    scores = {obj: sum(w * len(re.findall(p, text, re.I)) for p, w in cues)
              for obj, cues in OBJECTIVE_CUES.items()}
    best = max(scores, key=lambda k: scores[k])
    return (best if scores[best] > 0 else None), scores


def objective_conflict(text: str, scores: dict[str, int]) -> tuple[str, str, int, int] | None:
    """Two goals the brief names about equally strongly: (earlier, later, earlier's end, later's start).

    None when one goal clearly leads (by more than one point) or fewer than two are strong.
    """
    strong = sorted(((v, k) for k, v in scores.items() if v >= 3), reverse=True)
    if len(strong) < 2 or strong[0][0] - strong[1][0] > 1:
        return None
    spans = {}
    for _, obj in strong[:2]:
        hits = [m for pat, w in OBJECTIVE_CUES[obj] if w >= 2 for m in re.finditer(pat, text, re.I)]
        if not hits:
            return None
        spans[obj] = (min(m.start() for m in hits), max(m.end() for m in hits))
    (a, (_, a_end)), (b, (b_start, _)) = sorted(spans.items(), key=lambda kv: kv[1][0])
    return a, b, a_end, b_start


def find_special(text: str) -> list[str]:
    """Return Meta special ad categories the brief falls under."""
    return [cat for cat, pat in SPECIAL.items() if re.search(pat, text, re.I)]


_ONE_CTA = rf"[\"'“‘]?(?:{_CTA_ALTS})[\"'”’]?"
# "CTAs: Shop now and Learn more", "buttons 'Book now' / 'Get quote'": several buttons
CTA_LIST = re.compile(rf"\b(?:ctas?|calls?[- ]to[- ]actions?|buttons?)\s*(?:should\s+be|are|is|=|:|-)?\s*"
                      rf"(?P<list>{_ONE_CTA}(?:\s*(?:,|/|&|\band\b|\bor\b|\bplus\b)\s*{_ONE_CTA})+)", re.I)


def find_ctas(text: str) -> tuple[list[str], tuple[int, int] | None]:
    """Return the calls to action a brief lists together ("CTAs: Shop now and Learn more")."""
    m = CTA_LIST.search(text)
    if not m:
        return [], None
    said = re.findall(rf"(?:{_CTA_ALTS})", m.group("list"), re.I)
    out = [CTA_WORDS[w.lower()] for w in said]
    return list(dict.fromkeys(out)), m.span()


def find_cta(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """Return the call-to-action enum the brief asks for (raw upper-case text if unknown)."""
    for m in CTA_RE.finditer(text):
        raw = next((g for g in (m.group("a"), m.group("b"), m.group("c"), m.group("d")) if g), "")
        raw = raw.strip().strip("\"'“”‘’").lower()
        if m.group("d"):
            if raw.upper() in rules.CALL_TO_ACTION_TYPES:
                return raw.upper(), m.span()
            continue
        if raw in CTA_WORDS:
            return CTA_WORDS[raw], m.span()
        if raw.upper() in rules.CALL_TO_ACTION_TYPES:
            return raw.upper(), m.span()
        if raw and m.group("a") and (m.group("sep") or m.group("q")):
            # Named as the CTA but not one Meta knows: keep it so validation says so.
            return re.sub(r"\W+", "_", raw).upper(), m.span()
    return None, None


def _may_list(pattern: str, roots: tuple[str, ...] | None) -> bool:
    """Return whether a glob's folder lies inside an allowed folder (always, with no roots)."""
    if roots is None:
        return True
    folder = os.path.realpath(os.path.dirname(pattern.split("*", 1)[0]) or ".")
    return any(os.path.commonpath([folder, os.path.realpath(r)]) == os.path.realpath(r)
               for r in roots)


def find_assets(text: str, asset_dir: str = ".", *, roots: tuple[str, ...] | None = None) -> Assets:
    """Return media paths/URLs and the landing page (the first non-media URL).

    A glob is expanded only inside `roots` when given (the server's allowed folders).
    """
    a = Assets()
    landing_end = 0
    mail = email_spans(text)  # EMAIL_RE.finditer in linear time (a long brief stays fast)
    for m in URL_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in mail):
            continue  # "info@acme.com", "www.acme@mail.com": an address, not a page
        url = m.group(0).rstrip(".,;:!?)")
        full = url if url.lower().startswith("http") else f"https://{url}"
        ext = os.path.splitext(url.split("?")[0])[1].lower()
        a.spans.append(m.span())
        if ext in MEDIA_EXT:
            (a.image_urls if MEDIA_EXT[ext] == "image" else a.video_urls).append(full)
        elif a.landing_url is None:
            a.landing_url, landing_end = full, m.end()
        elif cue := correction_span(text, landing_end, m.start(), m.end()):
            # "https://a … no wait, use https://b", or the answer to which page: the later
            # page replaces the earlier, and settles any question about them
            a.spans.append(cue)
            if after := INSTEAD_AFTER.match(text[m.end():m.end() + 20]):  # "… use B instead"
                a.spans.append((m.end() + after.start(), m.end() + after.end()))
            a.flags = [q for q in a.flags if q.field != "landing_url"]
            if _same_url(full, a.landing_url):
                continue
            a.adjustments.append(Adjustment("landing_url", a.landing_url, full,
                                            f"the later '{url}' corrects the earlier one"))
            a.other_urls = [u for u in a.other_urls if not _same_url(u, full)] + [a.landing_url]
            a.landing_url, landing_end = full, m.end()
        elif any(_same_url(full, u) for u in [a.landing_url, *a.other_urls]):
            continue
        else:
            a.other_urls.append(full)
            if not REFERENCE_URL.search(url) and not REFERENCE_BEFORE.search(
                    text, max(0, m.start() - 40), m.start()):
                a.flags.append(Question(
                    "landing_url", f"The brief names two web pages, '{a.landing_url}' and "
                    f"'{full}'. Which one should the ads send people to? (the other can be "
                    "named as a reference)", "ambiguous", url))
    for m in PATH_RE.finditer(text):
        if any(s <= m.start() < e for s, e in a.spans):
            continue
        path = m.group("q") or m.group("p")
        if (neg := negated_before(text, m.start())) is not None:
            a.spans.append((neg, m.end()))
            continue  # "don't use hero.jpg": read, and left out
        a.spans.append(m.span())
        paths = [path]
        if "*" in path:
            base = path if os.path.isabs(path) else os.path.join(asset_dir, path)
            base = os.path.expanduser(base)
            found = sorted(glob.glob(base)) if _may_list(base, roots) else []
            if not found:
                a.unresolved_globs.append(path)
            paths = [os.path.relpath(p, asset_dir) if not os.path.isabs(path) else p
                     for p in found]
        for p in paths:
            kind = MEDIA_EXT[os.path.splitext(p)[1].lower()]
            target = a.images if kind == "image" else a.videos
            if p not in target:
                target.append(p)
    return a


def find_ids(text: str) -> dict[str, str]:
    """Return a page or pixel id the brief (or a clarify answer) states."""
    out = {}
    for key, pat in ID_RE.items():
        if m := pat.search(text):
            out[key] = (m.group("v") or m.group("w")).rstrip(".,;")
    return out
