"""Every word the budget workbooks and their import show: Danish here, English in the catalogue.

The builders and the importer run without an app context (CLI, benchmarks, tests), so the
texts are marked with `N_` (for `pybabel extract`) and translated with `core.i18n.translate`,
which reads the catalogue without an app. A builder asks for its language once:
`texts("en").SHEET_FORECAST` is "Forecast". Placeholders use the `%(name)s` form.
"""

from __future__ import annotations

import functools

from portfolio.core.i18n import N_, translate

#: The languages a workbook is written in; the importer reads a workbook in any of them.
LOCALES = ("da", "en")


class Texts:
    """The texts of this module in one language (attribute names as below)."""

    def __init__(self, locale: str):
        if locale not in LOCALES:
            raise ValueError(f"no workbook texts in {locale!r}; choose one of {LOCALES}")
        self.locale = locale

    def __getattr__(self, name: str) -> str:
        source = globals().get(name)
        if not name.isupper() or not isinstance(source, str):
            raise AttributeError(name)
        return translate(source, self.locale)

    def __call__(self, text: str) -> str:
        """Translate a text given by value (a unit, a label marked elsewhere)."""
        return translate(text, self.locale)


@functools.cache
def texts(locale: str) -> Texts:
    """Return the workbook texts in `locale` ("da" or "en")."""
    return Texts(locale)


def variants(text: str) -> frozenset[str]:
    """Return the text in every workbook language, case-folded, for reading a workbook back."""
    return frozenset(" ".join(translate(text, locale).split()).casefold() for locale in LOCALES)


# Sheet names (each at most 31 characters, none of : \ / ? * [ ]).
SHEET_BUDGET = N_("Budget")
SHEET_FORECAST = N_("Prognose")
SHEET_ACTUAL = N_("Forbrug")
SHEET_VARIANCE = N_("Afvigelse")
SHEET_VERSIONS = N_("Versioner")
SHEET_ABOUT = N_("Om")
SHEET_RISKS = N_("Risici")
SHEET_BENEFITS = N_("Gevinster")
SHEET_OVERVIEW = N_("Oversigt")
SHEET_YEARS = N_("Pr. år")

# Column headers of the budget table (the import template reads these back).
HEADER_POSITION = N_("Nr.")
HEADER_LABEL = N_("Række")
HEADER_TOTAL = N_("I alt (%(first)s–%(last)s)")
HEADER_TOTAL_ONE_YEAR = N_("I alt (%(first)s)")
HEADER_TOTAL_PREFIX = N_("I alt")
HEADER_LASTING = N_("Varigt")
HEADER_PRINTED = N_("Trykt i programgrundlaget")
HEADER_ROUNDING = N_("Afvigelse (afrunding)")
HEADER_PROGRAMME = N_("Program")
HEADER_PROGRAMME_ID = N_("Program-id")
HEADER_TRACK = N_("Spor")

# Row labels below the budget rows.
ROW_TOTAL = N_("I alt")
ROW_PRINTED = N_("Trykt i programgrundlaget")
ROW_ROUNDING = N_("Afvigelse (afrunding)")

# Titles and explanations on the table sheets.
TITLE_BUDGET = N_("Godkendt budget – %(programme)s")
TITLE_FORECAST = N_("Prognose – %(programme)s")
TITLE_ACTUAL = N_("Forbrug – %(programme)s")
TITLE_VARIANCE = N_("Afvigelse fra godkendt budget – %(programme)s")
TITLE_VERSIONS = N_("Budgetversioner – %(programme)s")
TITLE_ABOUT = N_("Om denne projektmappe")
TITLE_RISKS = N_("Risici – %(programme)s")
TITLE_BENEFITS = N_("Gevinster – %(programme)s")
TITLE_OVERVIEW = N_("Porteføljens budgetter")
SUBTITLE_BASELINE = N_(
    "Basisversion %(number)s, godkendt %(approved_on)s af %(approved_by)s. Beløb i %(unit)s"
)
SUBTITLE_ENTRY = N_(
    "Beløb i %(unit)s – skriv tal i de hvide felter; tomme felter betyder ingen værdi."
)
SUBTITLE_PORTFOLIO = N_("Beløb i %(unit)s – én række pr. budgetrække pr. program.")
NOTES = N_("Noter")
NOTE_ROUNDING = N_(
    "Programgrundlagets trykte totaler er afrundede og gengives, som de er trykt. Summerne i "
    "“I alt” er beregnet af projektmappen ud fra beløbene (formler), og “Afvigelse "
    "(afrunding)” er trykt minus beregnet."
)
NOTE_FORMULAS = N_(
    "Alle summer og afvigelser er formler, der regner med beløbene i arkene; de afrundes til "
    "3 decimaler (tusinde kroner) for at fjerne regnemaskinens binære støj."
)
NOTE_ROW = N_("Række %(position)s: %(note)s")
NOTE_ENTRY = N_(
    "Arket kan udfyldes og indlæses i Styrbord: skriv beløb som tal i %(unit)s med højst 3 "
    "decimaler, ingen negative tal og ingen formler (indsæt som værdier). Tomme felter betyder "
    "“ingen værdi”, ikke nul. Rækkernes navne, kolonneoverskrifterne og arkets navn må ikke "
    "ændres. Kolonnen og rækken “I alt” beregnes og indlæses ikke."
)

# The variance sheet.
BLOCK_FORECAST_AMOUNT = N_("Prognose minus godkendt budget (%(unit)s)")
BLOCK_FORECAST_PERCENT = N_("Prognose minus godkendt budget (pct. af budget)")
BLOCK_ACTUAL_AMOUNT = N_("Forbrug minus godkendt budget (%(unit)s)")
BLOCK_ACTUAL_PERCENT = N_("Forbrug minus godkendt budget (pct. af budget)")
NOTE_VARIANCE = N_(
    "Afvigelserne er formler, der henviser til arkene Budget, Prognose og Forbrug. En celle er "
    "tom, når prognosen/forbruget er tomt; procenten er tom, når budgettet er 0 eller tomt. "
    "Som på budgetsiden sammenlignes kun tal for samme år: kolonnen “I alt” er tom, og rækken "
    "“I alt” lægger kun de rækker sammen, der har et tal, og procenten er af deres budget."
)
BLOCK_ESTIMATE = N_("Skønnet totalomkostning (%(unit)s)")
BLOCK_ESTIMATE_VARIANCE = N_("Skønnet totalomkostning minus godkendt budget (%(unit)s)")
NOTE_ESTIMATE = N_(
    "Skønnet totalomkostning er den samme som på budgetsiden, i statusrapporten og i API'et: "
    "for hvert afsluttet år (%(closed)s) med registreret forbrug forbruget, for de øvrige år "
    "prognosen, ellers det godkendte beløb eller forbruget til dato, hvis det er højere. Varig "
    "drift indgår ikke. Beløbene er beregnet af Styrbord ved eksporten; de ændres ikke, hvis "
    "arkene Prognose og Forbrug redigeres."
)

# The versions sheet.
HEADER_VERSION = N_("Version")
HEADER_APPROVED_ON = N_("Godkendt")
HEADER_APPROVED_BY = N_("Godkendt af")
HEADER_DOCUMENT = N_("Dokument")
HEADER_REASON = N_("Begrundelse")
HEADER_DECISION = N_("Beslutning")
BLOCK_VERSION = N_("Version %(number)s, godkendt %(approved_on)s af %(approved_by)s")
BLOCK_VERSION_CHANGE = N_("Ændring fra version %(previous)s til version %(number)s")
NOTE_VERSIONS = N_(
    "Hver godkendt version vises med sine beløb; ændringen til den forrige version er formler "
    "(denne version minus den forrige). Tomme beløb tæller som 0."
)

# The about sheet.
ABOUT_PROGRAMME = N_("Program")
ABOUT_SHORT_NAME = N_("Kortnavn")
ABOUT_SLUG = N_("Program-id")
ABOUT_BASELINE = N_("Basisversion")
ABOUT_BASELINE_VALUE = N_("%(number)s, godkendt %(approved_on)s af %(approved_by)s")
ABOUT_BASELINE_DOCUMENT = N_("Godkendelsesdokument")
ABOUT_SOURCE = N_("Kildedokument")
ABOUT_UNIT = N_("Enhed")
ABOUT_EXPORTED_AT = N_("Eksporteret")
ABOUT_EXPORTED_BY = N_("Eksporteret af")
ABOUT_ROUNDING = N_("Afrunding")
ABOUT_FORMULAS = N_("Formler")
ABOUT_IMPORT = N_("Indlæsning")
ABOUT_BUDGET_NOTE = N_("Note til budgettet")
ABOUT_ESTIMATE = N_("Skønnet totalomkostning")
ABOUT_PROGRAMMES = N_("Programmer")
ABOUT_FORMULAS_TEXT = N_(
    "“I alt” er =ROUND(SUM(…);3) over årene; “Varigt” (varig drift) indgår ikke i “I alt”. "
    "Afvigelse (afrunding) = trykt − beregnet. På arket Afvigelse er afvigelsen prognose "
    "(eller forbrug) − budget for hver celle, og procenten er afvigelsen ÷ budget, vist tom, "
    "når budgettet er 0. Ændringer mellem versioner er ny version − forrige version."
)
ABOUT_PORTFOLIO_TEXT = N_(
    "Arkene Budget, Prognose og Forbrug har én række pr. budgetrække pr. program og kan "
    "filtreres og bruges i pivottabeller. Oversigten summerer pr. program med SUMIFS på "
    "Program-id, så den tåler, at rækkerne sorteres."
)

# The registers.
HEADER_CODE = N_("Kode")
HEADER_TITLE = N_("Titel")
HEADER_DESCRIPTION = N_("Beskrivelse")
HEADER_CONSEQUENCE_TEXT = N_("Konsekvens (beskrivelse)")
HEADER_PROBABILITY = N_("Sandsynlighed")
HEADER_CONSEQUENCE = N_("Konsekvens")
HEADER_SCORE = N_("Score")
HEADER_OWNER = N_("Ejer")
HEADER_STATUS = N_("Status")
HEADER_NAME = N_("Navn")
HEADER_TYPES = N_("Type")
HEADER_RECIPIENTS = N_("Modtagere")
HEADER_BENEFIT_OWNER = N_("Gevinstejer")
NO_RISKS = N_("Der er ingen risici registreret.")
NO_BENEFITS = N_("Der er ingen gevinster registreret.")

# The portfolio overview.
HEADER_BASELINE_NUMBER = N_("Basisversion")
HEADER_BUDGET_TOTAL = N_("Budget i alt")
HEADER_FORECAST_TOTAL = N_("Prognose i alt")
HEADER_ACTUAL_TOTAL = N_("Forbrug i alt")
HEADER_ESTIMATE_TOTAL = N_("Skønnet totalomkostning")
HEADER_ESTIMATE_VARIANCE = N_("Skønnet totalomkostning − budget")
HEADER_LASTING_TOTAL = N_("Varigt (budget)")
HEADER_YEAR = N_("År")
HEADER_YEAR_BUDGET = N_("Godkendt budget")
HEADER_YEAR_FORECAST = N_("Prognose")
HEADER_YEAR_ACTUAL = N_("Forbrug")
TITLE_YEARS = N_("Porteføljen pr. år")
SUBTITLE_YEARS = N_(
    "Beløb i %(unit)s – alle programmerne i projektmappen summeret pr. år, som på "
    "porteføljeoversigten; tomt betyder, at intet program har et tal af den art."
)

# Print header and footer (Excel's &-codes: &P page, &N pages, &A sheet name).
PRINT_HEADER_RIGHT = N_("Basisversion %(number)s")
PRINT_FOOTER_LEFT = N_("Eksporteret %(exported_at)s af %(exported_by)s")
PRINT_FOOTER_RIGHT = N_("Side &P af &N")
PRINT_PORTFOLIO_HEADER = N_("Porteføljens budgetter")

# Document properties.
DOCUMENT_TITLE = N_("Budget – %(programme)s")
DOCUMENT_SUBJECT = N_("Budget, prognose og forbrug i %(unit)s")
DOCUMENT_PORTFOLIO_TITLE = N_("Porteføljens budgetter")

# Import problems. `%(cell)s`-less messages concern the file or the sheet as a whole.
IMPORT_NOT_XLSX = N_(
    "Filen er ikke en Excel-projektmappe (.xlsx). Gem den i Excel som "
    "“Excel-projektmappe (*.xlsx)” og prøv igen."
)
IMPORT_OLD_XLS = N_(
    "Filen er i det gamle Excel-format (.xls). Gem den som “Excel-projektmappe (*.xlsx)” og "
    "prøv igen."
)
IMPORT_MACRO_WORKBOOK = N_(
    "Filen er en projektmappe med makroer (.xlsm) eller en skabelon. Gem den som "
    "“Excel-projektmappe (*.xlsx)” og prøv igen."
)
IMPORT_EMPTY_FILE = N_("Filen er tom.")
IMPORT_OTHER_PROGRAMME = N_(
    "Arbejdsbogen hører til et andet program end %(programme)s (se arket “Om”); intet er "
    "indlæst. Hent arbejdsbogen for %(programme)s på budgetsiden, indtast tallene i den, "
    "og indlæs den."
)
IMPORT_TOO_LARGE = N_("Filen fylder %(size)s, men højst %(limit)s kan indlæses.")
IMPORT_UNPACKS_TOO_LARGE = N_(
    "Filen pakker ud til mere end %(limit)s og afvises for at beskytte systemet."
)
IMPORT_UNREADABLE = N_("Filen kan ikke læses som Excel-projektmappe (%(reason)s).")
IMPORT_SHEET_MISSING = N_("Arket %(sheet)s findes ikke i filen (filen har: %(found)s).")
IMPORT_NO_SHEETS = N_("ingen ark")
IMPORT_OR = N_("eller")
IMPORT_HEADER_MISSING = N_(
    "Tabellens overskriftsrække med “%(label)s” blev ikke fundet i de første %(rows)s rækker."
)
IMPORT_UNKNOWN_HEADER = N_("Ukendt kolonneoverskrift “%(header)s”.")
IMPORT_PERIOD_NOT_ALLOWED = N_("Året %(period)s hører ikke til programmets perioder (%(allowed)s).")
IMPORT_DUPLICATE_COLUMN = N_("Kolonnen “%(header)s” står flere gange (også i %(other)s).")
IMPORT_MISSING_COLUMN = N_("Kolonnen “%(header)s” mangler i overskriftsrækken.")
IMPORT_UNKNOWN_ROW = N_("Ukendt række “%(label)s”. Rækkerne skal hedde som i skabelonen.")
IMPORT_EMPTY_LABEL = N_("Rækken har tal, men intet navn i kolonnen “%(header)s”.")
IMPORT_DUPLICATE_ROW = N_("Rækken “%(label)s” står flere gange (også i %(other)s).")
IMPORT_MISSING_ROW = N_("Rækken “%(label)s” (nr. %(position)s) mangler i tabellen.")
IMPORT_POSITION_MISMATCH = N_(
    "Nr. %(found)s passer ikke til rækken “%(label)s”, som har nr. %(position)s."
)
IMPORT_FORMULA = N_("Cellen indeholder en formel (%(formula)s). Indsæt beløbet som værdi.")
IMPORT_TEXT = N_(
    "Cellen indeholder tekst (“%(text)s”), ikke et tal. Skriv beløbet som et tal, fx 2,9."
)
IMPORT_BOOLEAN = N_("Cellen indeholder en sandhedsværdi, ikke et tal.")
IMPORT_DATE = N_("Cellen indeholder en dato, ikke et tal.")
IMPORT_ERROR_VALUE = N_("Cellen indeholder fejlværdien %(value)s, ikke et tal.")
IMPORT_NEGATIVE = N_("Beløbet %(value)s er negativt; beløb skal være 0 eller derover.")
IMPORT_NOT_FINITE = N_("Beløbet er ikke et endeligt tal.")
IMPORT_TOO_MANY_DECIMALS = N_(
    "Beløbet %(value)s har mere end 3 decimaler; beløb angives i %(unit)s med højst 3 decimaler."
)
IMPORT_TOO_BIG = N_("Beløbet %(value)s er urimeligt stort (over %(limit)s %(unit)s).")
IMPORT_MERGED = N_("Cellerne %(range)s er flettet. Ophæv fletningen i tabellen.")
IMPORT_OUTSIDE_TABLE = N_("Cellen har en værdi, men kolonnen har ingen overskrift.")
IMPORT_TABLE_TOO_LONG = N_(
    "Tabellen slutter ikke inden for de første %(rows)s rækker (der mangler en tom række "
    "eller rækken “%(total)s” under tabellen)."
)
IMPORT_NO_VALUES = N_("Tabellen indeholder ingen beløb.")
