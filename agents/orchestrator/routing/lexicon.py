"""The router's words: what is never part of a name, other languages' common words, metrics.

- `STOP` — words of requests (verbs, function words, time and money words) that a partial
  name is never made of and a typo window never starts or ends with.
- `TYPE_WORDS` — how a request says campaign / ad set / ad.
- `TRANSLATE` — Spanish, French, German, Portuguese, Italian, Dutch, Polish and Swedish
  phrases (polite forms, ad-ops verbs, periods, comparisons) and English ad-ops jargon ("dial
  back", "sunset") the rules read as plain English (applied to the request with the names
  taken out, so no name is translated).
- `METRICS` — metric phrases in the order they are tried (longest first).
- `BREAKDOWNS` — breakdown phrases.
"""

from __future__ import annotations

import re

TYPE_WORDS = {"campaign": "campaign", "campaigns": "campaign", "kampagne": "campaign",
              "campagne": "campaign", "campaña": "campaign", "campanha": "campaign",
              "campagna": "campaign", "camp": "campaign", "camps": "campaign",
              "anzeigengruppe": "adset", "advertentieset": "adset",
              "advertentie": "ad", "annuncio": "ad", "anúncio": "ad", "inserzione": "ad",
              "adset": "adset", "adsets": "adset", "ad set": "adset", "ad sets": "adset",
              "ad": "ad", "ads": "ad", "anzeige": "ad",
              "annonce": "ad", "anuncio": "ad"}

STOP = frozenset("""
a an the this that these those it its it's my our your their his her we us i me you they them
and or but if then so than as of in on at to for from by with without into onto over under
above below after before since until till per vs versus about across all every each any some
no not none both either is are was were be been being do does did done doing have has had
can could would should will shall may might must please pls plz thanks thank cheers hi hey
hello just also too only still again now today yesterday week weeks weekend month months day
days daily year lately recently so far far what which who whom how when where why whose there
here pause paused pausing stop stopped turn turned switch switched kill off on resume unpause
reactivate restart enable disable activate raise increase bump boost lower reduce cut decrease
drop double triple halve half set put make take give add move shift scale budget budgets spend
spent spending cost costs costing test tests testing try run running watch monitor keep eye
look after adopt babysit show tell give list report compare break down breakdown get got
more less most least best worst top bottom highest lowest much many new launch create start
delete remove rename change edit update copy duplicate target targets goal ctr cpa cpc cpm
roas frequency reach impressions clicks results result purchases purchase sales leads lead
conversions revenue ads ad campaign campaigns adset adsets sets doing going performing
something anything everything nothing bit lot way one two three four five six seven eight nine
ten first last next previous prior same other another good bad better worse help want need
like love let lets let's go back up down out ok okay yes sure maybe really very quite
money dollars bucks euros euro usd eur total lifetime whole account mind wondering kindly
vorige letzte letzten woche gestern heute monat tag bitte und oder der die das im auf für
semaine mois jour hier aujourd hui pour avec sur dans les des une un et ou
semana mes día dia ayer hoy por con para los las una y o
""".split())

# Shorthand for the words names are made of ("the RT campaign" = the retargeting one): a
# descriptive name may use either; the resolver tries both.
ALIASES: dict[str, tuple[str, ...]] = {
    "rt": ("retargeting",), "rtg": ("retargeting",), "retarg": ("retargeting",),
    "remarketing": ("retargeting",), "prosp": ("prospecting",), "pros": ("prospecting",),
    "lal": ("lookalike",), "lla": ("lookalike",), "bf": ("black", "friday"),
    "bfcm": ("black", "friday"), "int": ("interest",), "vid": ("video",),
    "vids": ("video",), "img": ("static",), "ugc": ("ugc",), "nl": ("newsletter",),
}

# Whole phrases first (the longest win), each lower case, matched on word boundaries.
TRANSLATE: list[tuple[str, str]] = [
    # Shorthand and chat spelling (any language's request may use them)
    (r"yday|yest|ystd", "yesterday"), (r"tmrw|tmr|tomoz", "tomorrow"), (r"gimme", "give me"),
    (r"camps", "campaigns"), (r"camp|cmpgn|cmp", "campaign"), (r"ad-sets?", "ad sets"),
    (r"pls|plz|pleeease|pleaseee", "please"), (r"u", "you"), (r"r(?![$])", "are"),
    (r"since the (?:1st|first)(?: of the month| of this month)?|since the (?:start|beginning) of "
     r"(?:the|this) month", "this month"),
    (r"make sure (.{1,60}?) (?:is|stays|remains) (?:off|paused|not running|stopped)",
     r"pause \1"),
    (r"make sure (.{1,60}?) (?:is|stays|remains) (?:on|live|running|active)", r"resume \1"),
    (r"(?:go(?:es)? |is |→ |-> )?live again|back live|(?:→|->|=>)\s*(?:on|live|active)", "back on"),
    (r"(?:→|->|=>)\s*(?:off|paused|pause)", "pause"),
    (r"up (the|its|their) budget", r"raise \1 budget"),
    (r"by (?:a|one) fifth", "by 20%"), (r"by (?:a|one) tenth", "by 10%"),
    (r"by (?:a|one) quarter", "by 25%"),
    (r"(?:going forward|from now on|on an ongoing basis|de ahora en adelante|a partir de ahora|"
     r"à partir de maintenant|désormais|d[’']ora in poi|ab jetzt|von nun an|daqui para a frente|"
     r"a partir de agora|vanaf nu)", "from now on"),
    (r"instead of|statt|anstatt|au lieu de|en lugar de|en vez de|em vez de|in plaats van|"
     r"invece di", "instead of"),
    (r"zielgruppe|doelgroep|p[uú]blico|pubblico", "audience"),
    (r"um ein fünftel|um 1/5", "by 20%"), (r"um ein viertel", "by 25%"),
    (r"um ein drittel", "by a third"), (r"um die hälfte", "by half"),
    (r"d'un cinquième|de un quinto|em um quinto|met een vijfde", "by 20%"),
    (r"combien|cu[aá]nto|quanto|hoeveel", "how much"),
    # Polite forms: an action asked as a question is the action (rule 4)
    (r"kun je|kunt u|kan je|kan jij|tu peux|peux-tu|pouvez-vous|vous pouvez|puedes|podr[ií]as|"
     r"kannst du|könntest du|können sie|könnten sie|puoi|potresti|czy możesz|możesz|"
     r"kan du|kan ni|skulle du kunna", "can you"), (r"on peut|podemos|possiamo|können wir", "can we"),
    # Ad-ops jargon: dialling a budget, retiring an ad
    (r"dial\s+(\S+\s+)?(?:back|down)|throttle\s+(\S+\s+)?(?:back|down)?|pull\s+(\S+\s+)?back|"
     r"rein\s+(\S+\s+)?in|scale\s+(\S+\s+)?(?:back|down)", r"lower \1\2\3\4\5"),
    (r"dial\s+(\S+\s+)?up|crank\s+(\S+\s+)?up|scale\s+(\S+\s+)?up", r"raise \1\2\3"),
    (r"sunset|sunsetting|pull the plug on", "pause"), (r"wk", "week"), (r"wks", "weeks"),
    # Italian
    (r"qual è stat[oa]|qual è|qual'è|qual era|quale|quali", "what"),
    (r"nel weekend|nel fine settimana|lo scorso weekend|lo scorso fine settimana", "the weekend"),
    (r"(?:negli )?ultimi (\d+) giorni", r"last \1 days"), (r"giorni", "days"),
    (r"almeno", "at least"), (r"dopo", "after"), (r"questa settimana", "this week"),
    (r"gruppi di inserzioni|gruppo di inserzioni|gruppi di annunci", "ad sets"),
    (r"inserzioni", "ads"), (r"se supera(?:no)?|se va oltre|se è sopra", "if over"),
    (r"abbassagli|abbassale|riducigli", "lower its"), (r"aumentagli|alzagli", "raise its"),
    (r"del (\d+(?:[.,]\d+)?)\s?%", r"by \1%"), (r"elimina|eliminare|cancella|cancellare", "delete"),
    # Polish
    (r"wyłącz|wyłączyć|wstrzymaj|wstrzymać|zatrzymaj|zatrzymać|zapauzuj", "pause"),
    (r"włącz ponownie|włącz|wznów|wznowić|uruchom ponownie", "resume"),
    (r"zwiększ|zwiększyć|podnieś|podnieść", "raise"),
    (r"zmniejsz o połowę|obetnij o połowę", "halve"),
    (r"zmniejsz|zmniejszyć|obniż|obniżyć|obetnij|zetnij", "lower"), (r"podwój|podwoić", "double"),
    (r"budżet|budżetu|budżetem", "budget"), (r"dziennie|na dzień", "a day"),
    (r"zestawy reklam|zestawów reklam|zestaw reklam|zestawach reklam", "ad sets"),
    (r"reklamy|reklam|reklamę|reklamach", "ads"), (r"kampani[aęi]", "campaign"),
    (r"poniżej", "under"), (r"powyżej", "over"), (r"co najmniej|przynajmniej", "at least"),
    (r"dni", "days"), (r"dopiero gdy|dopiero kiedy|dopiero po", "only once"),
    (r"wyda", "spends"), (r"wydał[aoy]?|wydane|wydaliśmy", "spent"), (r"wczoraj", "yesterday"),
    (r"dzisiaj|dziś", "today"), (r"w zeszłym tygodniu|zeszły tydzień", "last week"),
    (r"w tym tygodniu", "this week"), (r"ile", "how much"),
    (r"które mają|który ma|która ma|którego", "that have"), (r"w(?= ⟨e)", "in"),
    (r"do(?= \d)", "to"), (r"usuń|usunąć|skasuj", "delete"), (r"każdy|każda|każde", "each"),
    # Swedish
    (r"stäng av|stänga av|stoppa", "pause"),
    (r"återaktivera|återuppta|sätt på|slå på|aktivera", "resume"),
    (r"öka|höj|höja", "raise"), (r"sänk|sänka|minska", "lower"), (r"fördubbla|dubbla", "double"),
    (r"halvera", "halve"), (r"annonsuppsättningar(?:na)?|annonsuppsättning(?:en)?", "ad sets"),
    (r"annonserna|annonser|annonsen", "ads"), (r"kampanjen|kampanj", "campaign"),
    (r"budgeten", "budget"), (r"över", "over"), (r"minst", "at least"),
    (r"dagar(?:na)?", "days"), (r"först efter", "only after"), (r"efter", "after"),
    (r"igår", "yesterday"), (r"idag", "today"), (r"förra veckan", "last week"),
    (r"denna vecka|den här veckan", "this week"), (r"om dagen", "a day"),
    (r"hur mycket", "how much"), (r"som har", "that have"), (r"i(?= ⟨e)", "in"),
    (r"ta bort|radera", "delete"),
    # Dutch, German, French, Spanish additions
    (r"op pauze zetten|op pauze zet|op pauze", "pause"), (r"verwijder(?:en)?", "delete"),
    (r"impressies", "impressions"), (r"bereik", "reach"),
    (r"(?:uitgesplitst |opgesplitst )?per land", "by country"),
    (r"desglos\w* por d[ií]a|por d[ií]a,? desglosad\w*|ventilée? par jour", "by day"),
    (r"uitgesplitst|opgesplitst|aufschlüsseln|aufgeschlüsselt|ventilée?s?|décomposée?s?|"
     r"desglosad[oa]s?", "broken down"),
    (r"mindestens", "at least"), (r"anzeigengruppen?", "ad sets"), (r"deren|dessen", "whose"),
    (r"erst,? wenn|erst nach", "only once"),
    (r"(?:sur )?les (\d+) derniers jours", r"last \1 days"),
    (r"retirer|enlever|retire[rz]?|enlève", "remove"),
    (r"dès qu['’]on(?: a)?", "as soon as we"),
    (r"dès que|aussitôt que|en cuanto|sobald|non appena|assim que", "as soon as"),
    (r"borra|borrar|elimina[r]?", "delete"), (r"llevamos gastad[oa]|hemos gastad[oa]", "spent"),
    (r"esta semana", "this week"), (r"los mismos d[ií]as de", "the same days of"),
    (r"depuis lundi|desde el lunes|desde segunda|sinds maandag|da lunedì", "since monday"),
    (r"lan[cç]ar|lanzar|lancer|lanciare|lanceer", "launch"),
    (r"monitoriza[r]?|monitorea[r]?|monitorar|monitora|acompanhar|surveiller|tieni d'occhio|"
     r"houd (.+?) in de gaten", "watch"),
    # separable and other pause / resume verbs
    (r"(?:schalte|schalt|stell|stelle|mach|mache) (.{1,60}?) (?:aus|ab)", r"pause \1"),
    (r"(?:schalte|schalt|mach|mache) (.{1,60}?) (?:wieder )?(?:ein|an)", r"resume \1"),
    (r"coupe[rz]?|arr[eê]te[rz]?|d[ée]sactive[rz]?|apaga[r]?|desactiva[r]?|desliga[r]?|"
     r"desativa[r]?|disattiva(?:re)?|deaktivieren|deaktiviere", "pause"),
    (r"rallume[rz]?|r[ée]active[rz]?|religa[r]?|reativa[r]?|volver a activar|riaccendere",
     "resume"),
    # Dutch
    (r"zet (.{1,60}?) uit|schakel (.{1,60}?) uit", r"pause \1\2"),
    (r"zet (.{1,60}?) (?:weer )?aan|schakel (.{1,60}?) (?:weer )?in", r"resume \1\2"),
    (r"pauzeren|pauzeer|uitzetten|uitschakelen|stopzetten", "pause"),
    (r"hervatten|hervat|aanzetten|inschakelen|heractiveren|activeren", "resume"),
    (r"verhogen|verhoog", "raise"), (r"verlagen|verlaag", "lower"),
    (r"verdubbelen|verdubbel", "double"), (r"halveren|halveer", "halve"),
    (r"advertentiesets?", "ad sets"), (r"de advertenties|advertenties|advertentie", "ads"),
    (r"boven(?: de)?", "over"), (r"onder(?: de)?", "under"), (r"minimaal|minstens", "at least"),
    (r"dagen", "days"), (r"per dag", "a day"), (r"gisteren", "yesterday"),
    (r"vandaag", "today"), (r"vorige week", "last week"), (r"deze maand", "this month"),
    (r"vorige maand", "last month"), (r"nieuwe campagne", "new campaign"),
    (r"uitgegeven|besteed", "spent"), (r"kosten per", "cost per"), (r"met een|met", "with"),
    # German
    (r"im auge behalten|behalte\w* (?:bitte )?(.+?) im auge", r"watch \1"),
    (r"wie viel(?:e)?", "how much"), (r"gestern", "yesterday"), (r"heute", "today"),
    (r"letzte woche|letzten woche|vergangene woche", "last week"),
    (r"diese woche", "this week"), (r"diesen monat|dieser monat", "this month"),
    (r"letzten monat|vergangenen monat", "last month"), (r"seit montag", "since monday"),
    (r"letzten? (\d+) tage(?:n)?", r"last \1 days"),
    (r"(?:nach|pro|je) land", "by country"), (r"(?:nach|pro|je) alter", "by age"),
    (r"(?:nach|pro|je) geschlecht", "by gender"), (r"(?:nach|pro|je) (?:platzierung|plattform)",
                                                   "by placement"),
    (r"(?:nach|je) tag", "by day"), (r"par pays|por pa[ií]s", "by country"),
    (r"par [âa]ge|por edad|por idade", "by age"), (r"par sexe|por g[ée]nero", "by gender"), (r"gekostet|ausgegeben", "spent"),
    (r"kosten pro (lead|kauf)", r"cost per \1"), (r"pausieren|pausiere|anhalten|stoppen|"
                                                   r"abschalten|ausschalten", "pause"),
    (r"wieder (?:aktivieren|einschalten|starten)|reaktivieren|aktivieren|einschalten",
     "resume"),
    (r"erhöhen|erhöhe|hochsetzen", "raise"), (r"senken|senke|reduzieren|reduziere|kürzen",
                                             "lower"),
    (r"verdoppeln|verdopple", "double"), (r"halbieren|halbiere", "halve"),
    (r"pro tag|am tag|täglich", "a day"), (r"setzen|stellen", "set"), (r"\bauf\b", "to"),
    (r"anzeigen", "ads"), (r"über", "over"), (r"unter", "under"), (r"nach", "after"),
    (r"tagen|tage", "days"), (r"neue kampagne", "new campaign"), (r"ziel-?", "target "),
    (r"überwachen|beobachten", "watch"), (r"testen|teste", "test"), (r"bild", "image"),
    (r"und", "and"), (r"kamen rein|bekommen", "results"),
    # Spanish / Portuguese
    (r"pausa|pausar|pausad?|detener|det[eé]n", "pause"),
    (r"reactivar|reactiva|activar|activa|reativar", "resume"),
    (r"los anuncios|anuncios|an[uú]ncios", "ads"), (r"conjuntos? de anuncios", "ad sets"),
    (r"coste por|costo por|custo por", "cost per"), (r"por encima de|m[aá]s de|acima de",
                                                     "over"),
    (r"por debajo de|menos de|abaixo de", "under"), (r"despu[eé]s de|depois de", "after"),
    (r"d[ií]as", "days"), (r"ayer|ontem", "yesterday"), (r"hoy|hoje", "today"),
    (r"la semana pasada|semana passada", "last week"), (r"este mes|este m[eê]s", "this month"),
    (r"el mes pasado|m[eê]s passado", "last month"),
    (r"aumentar|aumenta|sube|subir", "raise"), (r"bajar|baja|reducir|reduce", "lower"),
    (r"duplicar|duplica|dobrar", "double"), (r"por d[ií]a|al d[ií]a|diarios?", "a day"),
    (r"nueva campa[ñn]a|nova campanha", "new campaign"), (r"vigilar|vigila|monitorear", "watch"),
    (r"prueba|probar|testar", "test"), (r"imagen|imagem", "image"), (r"gasto|gast[oó]", "spend"),
    # French
    (r"mets? en pause|mettre en pause|suspends?|suspendre", "pause"),
    (r"réactive[rz]?|relance[rz]?|réactiver", "resume"), (r"annonces", "ads"),
    (r"co[uû]t par", "cost per"), (r"au-dessus de|plus de", "over"), (r"en dessous de|moins de",
                                                                      "under"),
    (r"apr[eè]s", "after"), (r"jours", "days"), (r"aujourd'hui", "today"),
    (r"la semaine derni[eè]re", "last week"), (r"ce mois(?:-ci)?", "this month"),
    (r"le mois dernier", "last month"), (r"augmente[rz]?", "raise"), (r"baisse[rz]?|rédui[rs]e?",
                                                                     "lower"),
    (r"double[rz]", "double"), (r"par jour", "a day"), (r"nouvelle campagne", "new campaign"),
    (r"surveille[rz]?", "watch"), (r"teste[rz]?", "test"), (r"une nouvelle image", "a new image"),
    (r"nouvelle", "new"), (r"pour", "for"), (r"d[ée]pens(?:e[sz]?|é(?:e|s|es)?|er)", "spend"),
    # Italian
    (r"metti in pausa|mettere in pausa|sospendi|sospendere|ferma|fermare|spegni|spegnere",
     "pause"), (r"riattiva|riattivare|riaccendi|riprendi", "resume"), (r"annunci", "ads"),
    (r"nuova campagna", "new campaign"), (r"aumenta|aumentare|alza|alzare", "raise"),
    (r"abbassa|abbassare|riduci|ridurre|taglia", "lower"), (r"raddoppia|raddoppiare", "double"),
    (r"dimezza|dimezzare", "halve"), (r"al giorno", "a day"), (r"ieri", "yesterday"),
    (r"oggi", "today"), (r"la settimana scorsa", "last week"), (r"questo mese", "this month"),
    (r"speso|spesa", "spend"), (r"costo per", "cost per"), (r"sopra", "over"), (r"sotto", "under"),
    # last, after the phrases that contain them ("neue Kampagne")
    (r"(?:neue|nueva|nouvelle|nova|nuova|nieuwe) (?:kampagne|campa[ñn]a|campagne|campanha|campagna)",
     "new campaign"),
    (r"campanha|campaña|campagne|campagna|kampagne", "campaign"),
]
TRANSLATE_RE = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.I), r) for p, r in TRANSLATE]


def to_english(text: str) -> str:
    """Return `text` with other languages' common request words in English."""
    for pat, rep in TRANSLATE_RE:
        text = pat.sub(rep, text)
    return text


# metric → phrases (regex, matched on word boundaries in lower-case English text)
METRICS: list[tuple[str, str]] = [
    ("cpa", r"cpa|cpl|cpp|cpr|cplpv|cost per (?:purchase|lead|result|acquisition|conversion|sale|"
            r"landing page view|lpv|signup|sign-up|registration|action|order)s?|cost/(?:purchase|"
            r"lead|result)|cost per kauf|cac|per (?:purchase|lead|result|conversion|acquisition|"
            r"sign-?up|order|sale)|(?:a|each|every) (?:purchase|lead|conversion|sale|sign-?up|order)"),
    ("roas", r"roas|return on ad spend"),
    ("cpc", r"cpc|cost per click|cost per link click|(?:a|each|every|per) (?:link )?click"),
    ("cpm", r"cpm|cost per (?:1,?000|thousand|mille)(?: impressions)?"),
    ("ctr", r"ctr|click[- ]through(?: rate)?"),
    ("frequency", r"frequency|freq"),
    ("reach", r"reach|reached"),
    ("impressions", r"impressions?|impr|views"),
    ("clicks", r"clicks?|link clicks"),
    ("revenue", r"revenue|sales value|purchase value|conversion value|umsatz"),
    ("results", r"results?|purchases?|conversions?|leads?|sign-?ups|signups|registrations|"
                r"landing page views|orders|sales|how many (?:sales|leads|purchases)"),
    ("spend", r"spend|spent|spending|pacing|cost|costs|costing|how much did|ausgaben|gasto|"
              r"what did we spend|amount spent|burn|burned|burnt|used up"),
]
METRIC_RES = [(m, re.compile(rf"\b(?:{p})\b", re.I)) for m, p in METRICS]
COST_METRICS = frozenset({"cpa", "cpc", "cpm", "spend", "frequency"})  # lower is better
MONEY_METRICS = frozenset({"cpa", "cpc", "cpm", "spend", "revenue"})

BREAKDOWNS: list[tuple[str, str]] = [
    ("day", r"by day|per day|daily|day by day|each day|dayly|by date|per date|pro tag|por d[ií]a|"
            r"par jour|day-by-day"),
    ("week", r"by week|per week|weekly|each week|week by week"),
    ("age", r"(?:by|per|across|and) (?:age|ages)|age (?:group|bracket|breakdown)s?|ages?\b(?= and)"),
    ("gender", r"(?:by|per|and|et|y|e|und|en|i|och) (?:gender|sexe?|sexo|geschlecht|geslacht|genere|płeć|kön)|gender (?:split|breakdown)|men vs women|women vs men"),
    ("country", r"(?:by|per|each) country|countries|country breakdown|by market"),
    ("region", r"(?:by|per|each) (?:region|state|bundesland)|regions|states"),
    ("publisher_platform", r"(?:by|per|and) (?:placement|platform)s?|placements|facebook vs "
                           r"instagram|instagram vs facebook|fb vs ig|ig vs fb|platforms"),
    ("platform_position", r"(?:by|per) (?:position|placement position)|feed vs stories|"
                          r"stories vs feed|reels vs feed"),
    ("device_platform", r"mobile vs desktop|desktop vs mobile|(?:by|per|and) device|devices|"
                        r"mobile and desktop"),
]
BREAKDOWN_RES = [(b, re.compile(rf"\b(?:{p})\b", re.I)) for b, p in BREAKDOWNS]


# Upper-case words of requests that are never part of a name (metrics, currencies, periods).
ACRONYMS = frozenset({"CPA", "CPC", "CPM", "CTR", "ROAS", "CPL", "CPP", "CPR", "USD", "EUR", "GBP",
                      "MTD", "WTD", "YTD", "ASAP", "AB", "OK", "FYI", "PT", "ET", "CET", "UTC",
                      "AOV", "LTV", "ROI", "KPI", "TY", "THX", "PLS", "PLZ", "AM", "PM"})

__all__ = ["ACRONYMS", "ALIASES", "BREAKDOWN_RES", "COST_METRICS", "METRIC_RES", "MONEY_METRICS", "STOP", "TYPE_WORDS",
           "to_english"]
