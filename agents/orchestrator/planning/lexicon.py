r"""Word tables the normaliser reads briefs through (`agents/orchestrator/planning/normalise.py`).

Longer than 300 lines because it is data: word tables, not logic.

- `STOPWORDS`: a few dozen function words per language, to tell which language a brief is
  written in (the words that carry no content are the surest sign of the language).
- `LEXICON`: Spanish, French, German and Portuguese phrases for what a plan needs — goals,
  money periods, ages, genders, exclusions, languages, placements, schedule words, copy labels,
  go-live cues — each with the English the parsers read. Place names in those languages come
  from pycountry's translations of ISO 3166 (countries and subdivisions) plus `CITY_NAMES`.
- `VOCABULARY`: the English words that matter to a plan, which a misspelling is corrected to
  (with the correction shown): objectives, money, people, placements, schedule words.

Entries are regular-expression fragments matched case-insensitively on word boundaries, and
replaced by the English text (which may use `\\1`-style groups). Longer entries win.
"""

from __future__ import annotations

SUPPORTED = ("en", "es", "fr", "de", "pt")
NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
         "it": "Italian", "nl": "Dutch", "pl": "Polish", "sv": "Swedish", "da": "Danish",
         "no": "Norwegian", "fi": "Finnish", "tr": "Turkish", "id": "Indonesian",
         "ro": "Romanian", "cs": "Czech", "hu": "Hungarian", "ja": "Japanese", "zh": "Chinese",
         "ko": "Korean", "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic", "he": "Hebrew",
         "th": "Thai", "hi": "Hindi", "el": "Greek", "vi": "Vietnamese"}

# Goal words a lower-case place name can stand for ("get leeds" = leads).
GOAL_WORDS = ("leads", "sales", "signups", "installs", "traffic", "reach", "clicks", "views")

STOPWORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "en": "the and for with our to of in on a an is are we you your this that from it be at "
          "by or as want need please who people about all their they them get want ads budget",
    "es": "el la los las de del y en para con nuestro nuestra nuestros que por una un es son "
          "queremos necesitamos al lo se su sus desde hasta personas también más muy pero como",
    "fr": "le la les des de du et en pour avec notre nos que qui par une un est sont nous "
          "voulons au aux sur dans ce cette ces personnes aussi plus très mais comme jusqu",
    "de": "der die das den dem des und für mit unser unsere unseren ist sind wir wollen ein "
          "eine einen auf im in zu von bis pro auch nicht nur sehr aber wie oder bitte ab",
    "pt": "o a os as de do da dos das e em para com nosso nossa nossos que por uma um é são "
          "queremos precisamos no na nos nas ao aos pelo pela também mais muito mas como",
    "it": "il lo la gli le di del della e per con nostro nostra che una un è sono vogliamo "
          "nel nella ai al dai dal anche più molto ma come questo questa degli delle",
    "nl": "de het een en voor met onze ons van in op is zijn wij willen naar ook niet maar "
          "dat die deze wordt worden bij uit aan tot als dan",
    "pl": "i w na z do dla jest są nasz nasza nasze że to się nie od po przez oraz jak tak "
          "chcemy ale czy tylko dla już",
    "sv": "och att det som en ett för med vår våra är vi vill på av till från inte men också",
    "da": "og at det som en et for med vores er vi vil på af til fra ikke men også",
    "no": "og at det som en et for med vår våre er vi vil på av til fra ikke men også",
    "fi": "ja on ei että se mutta tai kun niin myös meidän haluamme kanssa",
    "tr": "ve bir bu için ile bizim olan da de çok daha gibi ama veya istiyoruz",
    "id": "dan yang di untuk dengan kami ini itu dari ke pada adalah juga tidak",
    "ro": "și în cu pentru pe la un o este sunt noastre nostru că din care mai",
    "cs": "a v na s pro je jsou náš naše že se z do od jako ale také",
    "hu": "és a az egy hogy nem is meg van vagyunk szeretnénk mint de csak",
}.items()}

# Function words of other languages that are also everyday English words ("men", "for",
# "per", "die"): they never tell an English brief from another language.
ENGLISH_LOOKALIKES: frozenset[str] = frozenset("""to a in is i for on as at no s come care per
men son met plus pro till van die ma ve dan op se po til ab am be so also set art hat do""".split())

# Languages detected by script alone (no stopwords needed).
SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", "[\u3040-\u30ff]"), ("ko", "[\uac00-\ud7af]"), ("zh", "[\u4e00-\u9fff]"),
    ("ru", "[\u0400-\u04ff]"), ("ar", "[\u0600-\u06ff]"), ("he", "[\u0590-\u05ff]"),
    ("th", "[\u0e00-\u0e7f]"), ("hi", "[\u0900-\u097f]"), ("el", "[\u0370-\u03ff]"),
)

_AGE = r"(\d{2})"
# Per language: (pattern, English). Ages and ranges first (they use groups), then phrases.
LEXICON: dict[str, list[tuple[str, str]]] = {
    "es": [
        (rf"entre\s+(?:los\s+)?{_AGE}\s+y\s+{_AGE}\s+años", r"\1-\2"),
        (rf"de\s+{_AGE}\s+a\s+{_AGE}\s+años", r"\1-\2"),
        (rf"{_AGE}\s+a\s+{_AGE}\s+años", r"\1-\2"),
        (rf"(mujeres|hombres|personas|gente|público|adultos|jóvenes)\s+(?:de|entre)\s+{_AGE}\s+"
         rf"(?:a|y)\s+{_AGE}\b", r"\1 \2-\3"),
        (rf"mayores\s+de\s+{_AGE}(?:\s+años)?", r"over \1"),
        (rf"más\s+de\s+{_AGE}\s+años", r"over \1"),
        (rf"menores\s+de\s+{_AGE}(?:\s+años)?", r"under \1"),
        (rf"{_AGE}\s+años\s+o\s+más", r"\1+"),
        (r"(?:(?:en|con)\s+)?(?:un\s+)?radio\s+de\s+(\d+)\s*(km|kilómetros|millas)"
         r"(?:\s+(?:de|alrededor\s+de|en\s+torno\s+a))?", r"within \1 \2 of"),
        ("clientes potenciales", "leads"), ("captar leads", "get leads"),
        ("generar leads", "get leads"), ("generación de leads", "lead generation"),
        ("reconocimiento de marca", "brand awareness"), ("visitas a la web", "website visits"),
        ("visitas al sitio", "website visits"), ("instalaciones de la app", "app installs"),
        ("descargas de la app", "app installs"), ("ventas", "sales"), ("vender", "sell"),
        ("vendemos", "we sell"), ("compras", "purchases"), ("conversiones", "conversions"),
        ("prospectos", "leads"), ("registros", "signups"), ("inscripciones", "signups"),
        ("tráfico", "traffic"), ("trafico", "traffic"), ("notoriedad", "awareness"),
        ("alcance", "reach"), ("interacciones", "engagement"), ("interacción", "engagement"),
        ("por día", "per day"), ("optimizar para", "optimise for"), ("optimiza para", "optimise for"), ("optimizad para", "optimise for"), ("optimizado para", "optimise for"), ("vistas de la página de destino", "landing page views"), ("añadir al carrito", "add to cart"), ("añadidos al carrito", "add to cart"), ("hasta nuevo aviso", "until further notice"), ("por dia", "per day"), ("otimizar para", "optimise for"), ("otimize para", "optimise for"), ("otimizado para", "optimise for"), ("visualizações da página de destino", "landing page views"), ("adicionar ao carrinho", "add to cart"), ("al día", "per day"),
        ("al dia", "per day"), ("diarios", "daily"), ("diario", "daily"), ("diaria", "daily"),
        ("por semana", "per week"), ("a la semana", "per week"), ("semanales", "weekly"),
        ("al mes", "per month"), ("por mes", "per month"), ("mensuales", "monthly"),
        ("mensual", "monthly"), ("en total", "in total"), ("presupuesto total", "total budget"),
        ("presupuesto", "budget"), ("dólares", "dollars"), ("dolares", "dollars"),
        ("mujeres", "women"), ("hombres", "men"), ("personas", "people"), ("edad", "age"),
        ("años", "years old"), ("solamente", "only"), ("únicamente", "only"), ("sólo", "only"),
        ("solo", "only"), ("excepto", "except"), ("salvo", "except"), ("excluyendo", "excluding"),
        ("al menos", "at least"), ("menos", "except"), ("sin", "without"), ("hispanohablantes", "Spanish speakers"),
        ("que hablan español", "Spanish speakers"), ("en español", "in Spanish"),
        ("en todo el país", "nationwide"), ("en todo", "everywhere in"), ("todo", "all of"),
        ("toda", "all of"), ("entero", ""), ("entera", ""),
        ("a partir del", "starting"), ("a partir de", "starting"), ("desde el", "from"),
        ("desde", "from"), ("hasta el", "until"), ("hasta", "until"), ("durante", "for"),
        ("semanas", "weeks"), ("semana", "week"), ("días", "days"), ("meses", "months"),
        ("mañana", "tomorrow"), ("hoy", "today"), ("pagado por", "paid for by"),
        ("pagada por", "paid for by"), ("financiado por", "paid for by"),
        ("página de destino", "landing page"), ("imágenes", "images"), ("imagen", "image"),
        ("vídeo", "video"), ("campaña", "campaign"), ("anuncios", "ads"), ("anuncio", "ad"),
        ("títulos", "headlines"), ("titulares", "headlines"), ("título", "headline"),
        ("titular", "headline"), ("texto principal", "primary text"), ("probar", "test"),
        ("con la misma foto", "with the same image"), ("con la misma imagen", "with the same image"),
        ("descripción", "description"), ("botón", "button"), ("comprar ahora", "shop now"),
        ("compra ya", "shop now"), ("más información", "learn more"),
        ("regístrate", "sign up"), ("historias", "stories"), ("noticias", "feed"),
        ("publicar ya", "go live right away"), ("activar ya", "go live right away"),
        ("en vivo", "live"), ("lanzar ya", "go live right away"),
        ("de inmediato", "immediately"), ("en pausa", "paused"),
        ("intereses", "interests"), ("interesados en", "interested in"),
        ("en realidad", "actually"), ("mejor dicho", "actually"), ("corrijo", "actually"),
        ("arrancando", "starting"), ("empezando", "starting"), ("comenzando", "starting"),
        ("objetivo", "goal"), ("público", "audience"), ("zona", "area"), ("fecha", "date"),
        ("mil gracias", "thanks"), ("estado de", "state of"), ("que hablen", "who speak"),
        ("que hablan", "who speak"), ("inglés", "English"), ("español", "Spanish"),
        ("francés", "French"), ("alemán", "German"), ("portugués", "Portuguese"),
        ("italiano", "Italian"), ("tiendas", "stores"), ("locales", "stores"),
        ("el", "the"), ("la", "the"), ("los", "the"), ("las", "the"), ("de", "of"),
        ("por", "for"), ("del", "from"), ("al", "to"),
        ("límite de costo", "cost cap"), ("límite de coste", "cost cap"), ("tope de coste", "cost cap"),
        ("límite de puja", "bid cap"), ("público similar", "lookalike audience"),
        ("audiencia similar", "lookalike audience"), ("públicos similares", "lookalike audiences"),
        ("visitantes del sitio", "site visitors"), ("visitantes de la web", "site visitors"),
        ("formulario instantáneo", "instant form"), ("clientes actuales", "existing customers"),
        ("límite de coste por resultado", "cost cap"), ("límite de costo por resultado", "cost cap"),
        ("puja máxima", "bid cap"), ("roas mínimo", "minimum ROAS"), ("valor de conversión", "conversion value"),
        ("valor de compra", "purchase value"), ("optimizada para", "optimise for"),
        ("optimizada por", "optimise for"), ("optimizado por", "optimise for"),
        ("política de privacidad", "privacy policy"), ("aviso de privacidad", "privacy policy"),
        ("creatividad dinámica", "dynamic creative"), ("creativo dinámico", "dynamic creative"),
        ("compradores", "buyers"), ("visitaron", "visited"), ("últimos", "last"), ("últimas", "last"),
        ("hispanohablantes", "Spanish speakers"),
        ("clientes existentes", "existing customers"), ("excluir", "exclude"),
        ("y", "and"), ("o", "or"), ("en", "in"), ("para", "for"),
    ],
    "fr": [
        (rf"de\s+{_AGE}\s+(?:à|a)\s+{_AGE}\s+ans", r"\1-\2"),
        (rf"entre\s+{_AGE}\s+et\s+{_AGE}\s+ans", r"\1-\2"),
        (rf"{_AGE}\s*-\s*{_AGE}\s+ans", r"\1-\2"),
        (rf"plus\s+de\s+{_AGE}\s+ans", r"over \1"),
        (rf"moins\s+de\s+{_AGE}\s+ans", r"under \1"),
        (rf"{_AGE}\s+ans\s+et\s+plus", r"\1+"),
        (r"(?:dans\s+un\s+)?rayon\s+de\s+(\d+)\s*(km|kilomètres)(?:\s+autour\s+d[e'’]\s*)?",
         r"within \1 \2 of "),
        (rf"{_AGE}\s+(?:à|a)\s+{_AGE}\s+ans", r"\1-\2"),
        ("génération de leads", "lead generation"), ("notoriété de la marque", "brand awareness"),
        ("notoriété", "awareness"), ("visites sur le site", "website visits"),
        ("installations de l'application", "app installs"), ("ventes", "sales"),
        ("vendre", "sell"), ("achats", "purchases"), ("prospects", "leads"),
        ("inscriptions", "signups"), ("trafic", "traffic"), ("visites", "visits"),
        ("portée", "reach"), ("interactions", "engagement"),
        ("par jour", "per day"), ("/jour", "/day"), ("quotidiens", "daily"),
        ("quotidienne", "daily"), ("quotidien", "daily"), ("par semaine", "per week"),
        ("hebdomadaire", "weekly"), ("par mois", "per month"), ("mensuel", "monthly"),
        ("mensuelle", "monthly"), ("au total", "in total"), ("en tout", "in total"),
        ("budget total", "total budget"), ("femmes", "women"), ("hommes", "men"),
        ("personnes", "people"), ("ans", "years old"), ("seulement", "only"),
        ("uniquement", "only"), ("à l'exception de", "except"), ("sauf", "except"),
        ("excepté", "except"), ("hors", "except"), ("sans", "without"),
        ("francophones", "French speakers"), ("qui parlent français", "French speakers"),
        ("en français", "in French"), ("partout en", "everywhere in"),
        ("dans toute la", "everywhere in the"), ("dans tout le", "everywhere in the"),
        ("toute la", "all of the"), ("tout le", "all of the"), ("entier", ""), ("entière", ""),
        ("à partir du", "starting"), ("à partir de", "starting"), ("jusqu'au", "until"),
        ("jusqu’au", "until"), ("optimisez pour", "optimise for"), ("optimiser pour", "optimise for"), ("optimisé pour", "optimise for"), ("vues de la page de destination", "landing page views"), ("ajouts au panier", "add to cart"), ("ajout au panier", "add to cart"), ("jusqu'à nouvel ordre", "until further notice"),
        ("jusqu’à nouvel ordre", "until further notice"), ("jusqu'à", "until"), ("pendant", "for"), ("semaines", "weeks"),
        ("jours", "days"), ("mois", "months"), ("demain", "tomorrow"),
        ("aujourd'hui", "today"), ("payé par", "paid for by"), ("payée par", "paid for by"),
        ("financé par", "paid for by"), ("page de destination", "landing page"),
        ("page d'atterrissage", "landing page"), ("publicités", "ads"), ("publicité", "ad"),
        ("annonces", "ads"), ("campagne", "campaign"), ("titres", "headlines"), ("titre", "headline"),
        ("tester", "test"),
        ("texte principal", "primary text"), ("bouton", "button"),
        ("acheter maintenant", "shop now"), ("en savoir plus", "learn more"),
        ("fil d'actualité", "feed"), ("en ligne immédiatement", "live right away"),
        ("en direct", "live"), ("tout de suite", "right away"), ("centres d'intérêt", "interests"),
        ("plafond de coût", "cost cap"), ("plafond d'enchère", "bid cap"),
        ("audience similaire", "lookalike audience"), ("audiences similaires", "lookalike audiences"),
        ("visiteurs du site", "site visitors"), ("formulaire instantané", "instant form"),
        ("roas minimum", "minimum ROAS"), ("valeur de conversion", "conversion value"),
        ("valeur d'achat", "purchase value"), ("optimisée pour", "optimise for"),
        ("politique de confidentialité", "privacy policy"), ("création dynamique", "dynamic creative"),
        ("acheteurs", "buyers"), ("derniers", "last"), ("dernières", "last"),
        ("clients existants", "existing customers"), ("clients actuels", "existing customers"),
        ("exclure", "exclude"), ("en fait", "actually"), ("plutôt", "rather"),
        ("objectif", "goal"), ("public", "audience"), ("zone", "area"), ("visuel", "image"),
        ("langue", "language"), ("du", "from"), ("au", "to"), ("de", "of"),
        ("mille mercis", "thanks"), ("état de", "state of"), ("âge", "ages"),
        ("qui parlent", "who speak"), ("qui parle", "who speaks"), ("anglais", "English"),
        ("espagnol", "Spanish"), ("français", "French"), ("allemand", "German"),
        ("portugais", "Portuguese"), ("italien", "Italian"), ("magasins", "stores"),
        ("boutiques", "stores"),
        ("et", "and"), ("ou", "or"), ("en", "in"), ("pour", "for"), ("avec", "with"),
    ],
    "de": [
        (rf"zwischen\s+{_AGE}\s+und\s+{_AGE}(?:\s+Jahren)?", r"\1-\2"),
        (rf"von\s+{_AGE}\s+bis\s+{_AGE}(?:\s+Jahren)?", r"\1-\2"),
        (rf"{_AGE}\s*-\s*{_AGE}\s*-?\s*Jährige", r"\1-\2"),
        (rf"(?:über|ab)\s+{_AGE}(?![.,/:]\d)(?:\s+Jahren?)?", r"over \1"),
        (r"(\d{1,2})\.\s+(Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|"
         r"Oktober|November|Dezember)", r"\1 \2"),
        (rf"unter\s+{_AGE}(?![.,/:]\d)(?:\s+Jahren?)?", r"under \1"),
        (rf"{_AGE}\s*(?:bis|-|–)\s*{_AGE}(?:\s*-?\s*Jahren?|\s*-?\s*Jährige)", r"\1-\2"),
        (r"(?:im\s+)?Umkreis\s+von\s+(\d+)\s*(km|Kilometern?)(?:\s+(?:um|von))?", r"within \1 \2 of"),
        ("Markenbekanntheit", "brand awareness"), ("Bekanntheit", "awareness"),
        ("Leadgenerierung", "lead generation"), ("Websitebesuche", "website visits"),
        ("Webseitenbesuche", "website visits"), ("App-Installationen", "app installs"),
        ("Verkäufe", "sales"), ("Abverkauf", "sales"), ("Verkauf", "sales"), ("Umsatz", "sales"),
        ("verkaufen", "sell"), ("Käufe", "purchases"), ("Anmeldungen", "signups"),
        ("Registrierungen", "signups"), ("Reichweite", "reach"), ("Interaktionen", "engagement"),
        ("pro Tag", "per day"), ("optimieren auf", "optimise for"), ("optimiert auf", "optimise for"), ("Optimierung auf", "optimise for"), ("Landingpage-Aufrufe", "landing page views"), ("In-den-Warenkorb-Legen", "add to cart"), ("bis auf Weiteres", "until further notice"), ("am Tag", "per day"), ("/Tag", "/day"), ("täglich", "daily"),
        ("Tagesbudget", "daily budget"), ("pro Woche", "per week"), ("wöchentlich", "weekly"),
        ("pro Monat", "per month"), ("monatlich", "monthly"), ("insgesamt", "in total"),
        ("Gesamtbudget", "total budget"), ("gesamt", "total"), ("Frauen", "women"),
        ("Männer", "men"), ("Personen", "people"), ("Menschen", "people"),
        ("Jahre alt", "years old"), ("Jahren", "years old"), ("Jahre", "years old"),
        ("nur", "only"), ("außer", "except"), ("ausgenommen", "except"),
        ("ausser", "except"), ("ohne", "without"),
        ("deutschsprachige", "German speakers"), ("deutschsprachig", "German speakers"),
        ("auf Deutsch", "in German"), ("in ganz", "everywhere in"), ("ganz", "all of"),
        ("bundesweit", "nationwide"),
        ("deutschlandweit", "everywhere in Germany"), ("ab dem", "starting"),
        ("ab", "starting"), ("bis zum", "until"), ("bis", "until"), ("für", "for"),
        ("Wochen", "weeks"), ("Woche", "week"), ("Tage", "days"), ("Monate", "months"),
        ("morgen", "tomorrow"), ("heute", "today"), ("bezahlt von", "paid for by"),
        ("finanziert von", "paid for by"), ("Zielseite", "landing page"),
        ("Landingpage", "landing page"), ("Bilder", "images"), ("Bild", "image"),
        ("Anzeigen", "ads"), ("Anzeige", "ad"), ("Kampagne", "campaign"),
        ("Überschriften", "headlines"), ("Überschrift", "headline"), ("Haupttext", "primary text"),
        ("testen", "test"),
        ("Beschreibung", "description"), ("Jetzt kaufen", "shop now"),
        ("Mehr dazu", "learn more"), ("sofort live", "live right away"),
        ("sofort schalten", "go live right away"), ("sofort", "immediately"),
        ("pausiert", "paused"), ("Interessen", "interests"),
        ("Kostenobergrenze", "cost cap"), ("Gebotsobergrenze", "bid cap"),
        ("ähnliche Zielgruppe", "lookalike audience"), ("Lookalike-Zielgruppe", "lookalike audience"),
        ("Websitebesucher", "site visitors"), ("Webseitenbesucher", "site visitors"),
        ("Sofortformular", "instant form"), ("Bestandskunden", "existing customers"),
        ("Mindest-ROAS", "minimum ROAS"), ("Konversionswert", "conversion value"),
        ("Kaufwert", "purchase value"), ("Datenschutzerklärung", "privacy policy"),
        ("Datenschutz", "privacy policy"), ("dynamische Anzeigen", "dynamic creative"),
        ("Käufer", "buyers"), ("letzten", "last"), ("letzte", "last"), ("Texte", "texts"),
        ("französischsprachige", "French-speaking"), ("italienischsprachige", "Italian-speaking"),
        ("englischsprachige", "English-speaking"), ("spanischsprachige", "Spanish-speaking"),
        ("türkischsprachige", "Turkish-speaking"), ("russischsprachige", "Russian-speaking"),
        ("arabischsprachige", "Arabic-speaking"), ("portugiesischsprachige", "Portuguese-speaking"),
        ("polnischsprachige", "Polish-speaking"),
        ("ausschließen", "exclude"), ("eigentlich", "actually"), ("doch lieber", "actually"),
        ("Korrektur", "correction"), ("Zielgruppe", "audience"), ("Ziel", "goal"),
        ("Laufzeit", "for"), ("vom", "from"), ("tausend Dank", "thanks"), ("Alter", "ages"),
        ("die sprechen", "who speak"), ("Englisch", "English"), ("Spanisch", "Spanish"),
        ("Französisch", "French"), ("Deutsch", "German"), ("Portugiesisch", "Portuguese"),
        ("Italienisch", "Italian"), ("Filialen", "stores"), ("Geschäfte", "stores"),
        ("bis Ende", "until the end of"), ("Ende", "end of"),
        ("Bundesland", "state"),
        ("und", "and"), ("oder", "or"), ("mit", "with"),
    ],
    "pt": [
        (rf"entre\s+{_AGE}\s+e\s+{_AGE}\s+anos", r"\1-\2"),
        (rf"de\s+{_AGE}\s+a\s+{_AGE}\s+anos", r"\1-\2"),
        (rf"(?:acima\s+de|mais\s+de)\s+{_AGE}(?:\s+anos)?", r"over \1"),
        (rf"(?:abaixo\s+de|menos\s+de|menores\s+de)\s+{_AGE}(?:\s+anos)?", r"under \1"),
        (rf"{_AGE}\s+anos\s+ou\s+mais", r"\1+"),
        (r"(?:(?:num|em\s+um)\s+)?raio\s+de\s+(\d+)\s*(km|quilômetros)"
         r"(?:\s+(?:de|em\s+torno\s+de))?", r"within \1 \2 of"),
        (rf"{_AGE}\s+a\s+{_AGE}\s+anos", r"\1-\2"),
        ("geração de leads", "lead generation"), ("reconhecimento de marca", "brand awareness"),
        ("visitas ao site", "website visits"), ("instalações do app", "app installs"),
        ("vendas", "sales"), ("vender", "sell"), ("compras", "purchases"),
        ("conversões", "conversions"), ("cadastros", "signups"), ("inscrições", "signups"),
        ("tráfego", "traffic"), ("trafego", "traffic"), ("reconhecimento", "awareness"),
        ("alcance", "reach"), ("engajamento", "engagement"),
        ("por dia", "per day"), ("ao dia", "per day"), ("até novo aviso", "until further notice"),
        ("por tempo indeterminado", "until further notice"), ("diários", "daily"),
        ("diário", "daily"), ("diária", "daily"), ("por semana", "per week"),
        ("semanal", "weekly"), ("por mês", "per month"), ("ao mês", "per month"),
        ("mensal", "monthly"), ("no total", "in total"), ("ao todo", "in total"),
        ("orçamento", "budget"), ("verba", "budget"), ("mulheres", "women"),
        ("homens", "men"), ("pessoas", "people"), ("idade", "age"), ("anos", "years old"),
        ("somente", "only"), ("apenas", "only"), ("só", "only"), ("exceto", "except"),
        ("fora", "except"), ("pelo menos", "at least"), ("menos", "except"), ("sem", "without"),
        ("lusófonos", "Portuguese speakers"), ("que falam português", "Portuguese speakers"),
        ("em português", "in Portuguese"), ("em todo o", "everywhere in"),
        ("em toda a", "everywhere in"), ("todo o", "all of"), ("toda a", "all of"),
        ("inteiro", ""), ("inteira", ""), ("a partir de", "starting"), ("até", "until"),
        ("durante", "for"), ("semanas", "weeks"), ("dias", "days"), ("meses", "months"),
        ("amanhã", "tomorrow"), ("hoje", "today"), ("pago por", "paid for by"),
        ("paga por", "paid for by"), ("página de destino", "landing page"),
        ("imagens", "images"), ("imagem", "image"), ("vídeo", "video"), ("anúncios", "ads"),
        ("anúncio", "ad"), ("campanha", "campaign"), ("títulos", "headlines"), ("título", "headline"),
        ("testar", "test"),
        ("texto principal", "primary text"), ("descrição", "description"),
        ("botão", "button"), ("compre agora", "shop now"), ("saiba mais", "learn more"),
        ("no ar", "live"), ("imediatamente", "immediately"), ("interesses", "interests"),
        ("limite de custo", "cost cap"), ("limite de lance", "bid cap"),
        ("público semelhante", "lookalike audience"), ("públicos semelhantes", "lookalike audiences"),
        ("visitantes do site", "site visitors"), ("formulário instantâneo", "instant form"),
        ("roas mínimo", "minimum ROAS"), ("valor de conversão", "conversion value"),
        ("valor de compra", "purchase value"), ("otimizada para", "optimise for"),
        ("otimizada pra", "optimise for"), ("otimizado pra", "optimise for"),
        ("otimizar pra", "optimise for"), ("política de privacidade", "privacy policy"),
        ("criativo dinâmico", "dynamic creative"), ("compradores", "buyers"),
        ("últimos", "last"), ("últimas", "last"),
        ("clientes atuais", "existing customers"), ("excluir", "exclude"),
        ("na verdade", "actually"), ("aliás", "actually"), ("corrigindo", "actually"),
        ("começa", "starting"), ("começando", "starting"), ("início", "start"),
        ("precisamos", "we need"), ("instalação do app", "app installs"),
        ("instalações do app", "app installs"), ("id do app", "app id"),
        ("objetivo", "goal"), ("público", "audience"), ("região", "region"), ("de", "of"),
        ("do", "of the"), ("da", "of the"), ("por", "for"), ("o", "the"), ("os", "the"),
        ("mil obrigados", "thanks"), ("estado de", "state of"), ("que falam", "who speak"),
        ("inglês", "English"), ("espanhol", "Spanish"), ("francês", "French"),
        ("alemão", "German"), ("português", "Portuguese"), ("lojas", "stores"),
        ("e-mail", "email"), ("e", "and"), ("ou", "or"), ("em", "in"), ("no", "in"), ("na", "in"),
        ("nos", "in"), ("nas", "in"), ("para", "for"), ("com", "with"),
    ],
}

MONTHS: dict[str, tuple[str, ...]] = {  # English month → es, fr, de, pt
    "January": ("enero", "janvier", "Januar", "janeiro", "Jänner"),
    "February": ("febrero", "février", "Februar", "fevereiro"),
    "March": ("marzo", "mars", "März", "março"),
    "April": ("abril", "avril"),
    "May": ("mayo", "mai", "maio"),
    "June": ("junio", "juin", "Juni", "junho"),
    "July": ("julio", "juillet", "Juli", "julho"),
    "August": ("agosto", "août"),
    "September": ("septiembre", "setiembre", "septembre", "setembro"),
    "October": ("octubre", "octobre", "Oktober", "outubro"),
    "November": ("noviembre", "novembre", "novembro"),
    "December": ("diciembre", "décembre", "Dezember", "dezembro"),
}
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "Monday": ("lunes", "lundi", "Montag", "segunda-feira"),
    "Tuesday": ("martes", "mardi", "Dienstag", "terça-feira"),
    "Wednesday": ("miércoles", "mercredi", "Mittwoch", "quarta-feira"),
    "Thursday": ("jueves", "jeudi", "Donnerstag", "quinta-feira"),
    "Friday": ("viernes", "vendredi", "Freitag", "sexta-feira"),
    "Saturday": ("sábado", "samedi", "Samstag", "Sonnabend"),
    "Sunday": ("domingo", "dimanche", "Sonntag"),
}
# Cities whose names differ by language (the catalogue holds the English name).
CITY_NAMES: dict[str, tuple[str, ...]] = {
    "London": ("Londres",), "Munich": ("Múnich",), "Cologne": ("Colonia",),
    "Vienna": ("Viena", "Vienne"), "Lisbon": ("Lisbonne",), "Geneva": ("Ginebra", "Genève", "Genf"),
    "Brussels": ("Bruselas", "Bruxelles", "Brüssel", "Bruxelas"),
    "New York": ("Nueva York", "Nova Iorque"), "Rome": ("Rom",), "Milan": ("Milán", "Mailand", "Milão"),
    "Florence": ("Florencia", "Florenz", "Florença"), "Venice": ("Venecia", "Venise", "Venedig", "Veneza"),
    "Naples": ("Nápoles", "Neapel"), "Turin": ("Turín", "Turim"), "Prague": ("Praga", "Prag"),
    "Warsaw": ("Varsovia", "Varsovie", "Warschau", "Varsóvia"), "Athens": ("Atenas", "Athènes", "Athen"),
    "Copenhagen": ("Copenhague", "Kopenhagen", "Copenhaga"), "Seville": ("Sevilla", "Séville"),
    "Barcelona": ("Barcelone",), "Marseille": ("Marsella", "Marselha"),
    "Zurich": ("Zúrich", "Zurique"), "Basel": ("Basilea", "Bâle"), "The Hague": ("La Haya", "La Haye"),
    "Mexico City": ("Ciudad de México", "CDMX", "Cidade do México"),
    "São Paulo": ("Sao Paulo", "San Pablo"), "Edinburgh": ("Edimburgo", "Édimbourg"),
    "Moscow": ("Moscú", "Moscou", "Moskau"), "Istanbul": ("Estambul", "Istanboul"),
    "Cairo": ("El Cairo", "Le Caire", "Kairo"), "Beijing": ("Pekín", "Pékin", "Peking", "Pequim"),
    "Tokyo": ("Tokio", "Tóquio"), "Frankfurt": ("Fráncfort", "Francfort"),
    "Hamburg": ("Hamburgo", "Hambourg"), "Berlin": ("Berlín", "Berlim"),
    "Paris": ("París",), "Madrid": (), "Lyon": ("Lyón", "Lião"), "Strasbourg": ("Estrasburgo", "Straßburg"),
    "Nuremberg": ("Nürnberg", "Núremberg"), "Antwerp": ("Amberes", "Anvers", "Antwerpen"),
    "Porto": ("Oporto",), "Bern": ("Berna", "Berne"), "Lucerne": ("Luzern", "Lucerna"),
}

# English words that matter to a plan, which misspellings are corrected to.
VOCABULARY: frozenset[str] = frozenset("""
sales sell selling purchases purchase conversions conversion leads lead signups signup
registrations traffic visits visitors clicks awareness reach engagement impressions installs
install downloads app video views followers likes messages customers shoppers buyers
budget daily weekly monthly total lifetime per day week month year dollars euros pounds
bucks yen rupees francs pesos reais women woman female females men male males ladies guys
everyone people audience audiences except excluding exclude without only nobody interests
interested instagram facebook messenger stories reels feed feeds marketplace placements
mobile desktop campaign campaigns launch live immediately paused headline headlines primary
description image images photo photos carousel landing page website shop store online
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday tomorrow today weekend
english spanish french german portuguese italian dutch speakers speaking language
under over older younger aged between nobody except excluding target targeting
owners homeowners parents students customers visitors subscribers followers professionals
""".split())
# Regions in the catalogue whose names differ by language (local or translated → English).
REGION_NAMES: dict[str, tuple[str, ...]] = {
    "Bavaria": ("Bayern", "Baviera", "Bavière"), "Hesse": ("Hessen",),
    "Lower Saxony": ("Niedersachsen", "Baja Sajonia", "Basse-Saxe"),
    "North Rhine-Westphalia": ("Nordrhein-Westfalen", "NRW", "Renania del Norte-Westfalia",
                               "Rhénanie-du-Nord-Westphalie"),
    "Rhineland-Palatinate": ("Rheinland-Pfalz",), "Saxony": ("Sachsen", "Sajonia", "Saxe"),
    "Saxony-Anhalt": ("Sachsen-Anhalt",), "Thuringia": ("Thüringen", "Turingia", "Thuringe"),
    "Catalonia": ("Cataluña", "Catalunya", "Catalogne", "Katalonien", "Catalunha"),
    "Andalusia": ("Andalucía", "Andalousie", "Andalusien", "Andaluzia"),
    "Community of Madrid": ("Comunidad de Madrid",), "Basque Country": ("País Vasco", "Euskadi",
                                                                         "Pays basque", "Baskenland"),
    "Valencian Community": ("Comunidad Valenciana", "Comunitat Valenciana"),
    "Castile and León": ("Castilla y León",), "Canary Islands": ("Canarias", "Islas Canarias",
                                                                 "Kanarische Inseln", "Canárias"),
    "Balearic Islands": ("Baleares", "Islas Baleares", "Illes Balears", "Balearen"),
    "Aragon": ("Aragón",), "Brittany": ("Bretagne", "Bretaña", "Bretagne", "Bretanha"),
    "Normandy": ("Normandie", "Normandía", "Normandia"), "Corsica": ("Corse", "Córcega", "Korsika"),
    "Lombardy": ("Lombardia", "Lombardía", "Lombardie", "Lombardei"),
    "Tuscany": ("Toscana", "Toscane", "Toskana"), "Sicily": ("Sicilia", "Sicile", "Sizilien"),
    "Sardinia": ("Sardegna", "Cerdeña", "Sardaigne", "Sardinien"), "Piedmont": ("Piemonte",
                                                                               "Piamonte", "Piémont"),
    "Apulia": ("Puglia", "Pouilles", "Apulien"),
    "California": ("Californie", "Kalifornien", "Califórnia"), "Florida": ("Floride", "Flórida"),
    "Texas": ("Texas",), "New York": ("Nueva York", "État de New York"),
    "Quebec": ("Québec",), "Federal District": ("Distrito Federal",),
    "State of Mexico": ("Estado de México",), "England": ("Inglaterra", "Angleterre"),
    "Scotland": ("Escocia", "Écosse", "Schottland", "Escócia"),
    "Wales": ("Gales", "Pays de Galles"), "North Holland": ("Noord-Holland",),
    "South Holland": ("Zuid-Holland",), "North Brabant": ("Noord-Brabant",),
}
# Words that steer an audience or a budget in languages the offline planner does not read
# (with the function words above they tell a phrase in another language inside a brief).
TARGET_WORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "nl": "alleen vrouwen mannen iedereen behalve zonder niet geen jaar leeftijd dag per doelgroep "
          "liefst graag",
    "pl": "tylko kobiety mężczyźni wszyscy oprócz bez nie lat wiek dzień dziennie grupa docelowa",
    "it": "solo solamente donne uomini tutti tranne senza non anni età giorno pubblico",
    "sv": "bara endast kvinnor män alla utom utan inte år ålder dag målgrupp",
    "da": "kun kvinder mænd alle undtagen uden ikke år alder dag målgruppe",
    "no": "bare kun kvinner menn alle unntatt uten ikke år alder dag målgruppe",
    "tr": "sadece kadınlar erkekler herkes hariç olmadan değil yaş gün hedef kitle",
    "es": "solo sólo mujeres hombres todos excepto sin años edad día público",
    "fr": "seulement uniquement femmes hommes tous sauf sans ans âge jour public",
    "de": "nur frauen männer alle außer ohne nicht jahre alter tag zielgruppe",
    "pt": "só somente apenas mulheres homens todos exceto sem anos idade dia público",
}.items()}
# Greetings and thanks in other languages: harmless wherever they appear.
GREETINGS = frozenset("""hola gracias bonjour merci salut danke hallo ciao grazie obrigado obrigada
olá ola oi tschüss adiós adios saludos cheers hej tak dziękuję hoi bedankt""".split())
