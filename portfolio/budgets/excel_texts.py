"""Every Danish word the budget workbook and its import show, kept in one place.

The builder and the importer run without an app context (CLI, benchmarks, tests), so these
are plain strings rather than `gettext` calls. Placeholders use the `%(name)s` form that
Flask-Babel's `gettext` takes, so each text can later be wrapped for translation as it is.
"""

from __future__ import annotations

# Sheet names (each at most 31 characters, none of : \ / ? * [ ]).
SHEET_BUDGET = "Budget"
SHEET_FORECAST = "Prognose"
SHEET_ACTUAL = "Forbrug"
SHEET_VARIANCE = "Afvigelse"
SHEET_VERSIONS = "Versioner"
SHEET_ABOUT = "Om"
SHEET_RISKS = "Risici"
SHEET_BENEFITS = "Gevinster"
SHEET_OVERVIEW = "Oversigt"

# Column headers of the budget table (the import template reads these back).
HEADER_POSITION = "Nr."
HEADER_LABEL = "Række"
HEADER_TOTAL = "I alt (%(first)s–%(last)s)"
HEADER_TOTAL_ONE_YEAR = "I alt (%(first)s)"
HEADER_TOTAL_PREFIX = "I alt"
HEADER_LASTING = "Varigt"
HEADER_PRINTED = "Trykt i programgrundlaget"
HEADER_ROUNDING = "Afvigelse (afrunding)"
HEADER_PROGRAMME = "Program"
HEADER_PROGRAMME_ID = "Program-id"
HEADER_TRACK = "Spor"

# Row labels below the budget rows.
ROW_TOTAL = "I alt"
ROW_PRINTED = "Trykt i programgrundlaget"
ROW_ROUNDING = "Afvigelse (afrunding)"

# Titles and explanations on the table sheets.
TITLE_BUDGET = "Godkendt budget – %(programme)s"
TITLE_FORECAST = "Prognose – %(programme)s"
TITLE_ACTUAL = "Forbrug – %(programme)s"
TITLE_VARIANCE = "Afvigelse fra godkendt budget – %(programme)s"
TITLE_VERSIONS = "Budgetversioner – %(programme)s"
TITLE_ABOUT = "Om denne projektmappe"
TITLE_RISKS = "Risici – %(programme)s"
TITLE_BENEFITS = "Gevinster – %(programme)s"
TITLE_OVERVIEW = "Porteføljens budgetter"
SUBTITLE_BASELINE = (
    "Basisversion %(number)s, godkendt %(approved_on)s af %(approved_by)s. Beløb i %(unit)s"
)
SUBTITLE_ENTRY = "Beløb i %(unit)s – skriv tal i de hvide felter; tomme felter betyder ingen værdi."
SUBTITLE_PORTFOLIO = "Beløb i %(unit)s – én række pr. budgetrække pr. program."
NOTES = "Noter"
NOTE_ROUNDING = (
    "Programgrundlagets trykte totaler er afrundede og gengives, som de er trykt. Summerne i "
    "“I alt” er beregnet af projektmappen ud fra beløbene (formler), og “Afvigelse "
    "(afrunding)” er trykt minus beregnet."
)
NOTE_FORMULAS = (
    "Alle summer og afvigelser er formler, der regner med beløbene i arkene; de afrundes til "
    "3 decimaler (tusinde kroner) for at fjerne regnemaskinens binære støj."
)
NOTE_ROW = "Række %(position)s: %(note)s"
NOTE_ENTRY = (
    "Arket kan udfyldes og indlæses i Styrbord: skriv beløb som tal i %(unit)s med højst 3 "
    "decimaler, ingen negative tal og ingen formler (indsæt som værdier). Tomme felter betyder "
    "“ingen værdi”, ikke nul. Rækkernes navne, kolonneoverskrifterne og arkets navn må ikke "
    "ændres. Kolonnen og rækken “I alt” beregnes og indlæses ikke."
)

# The variance sheet.
BLOCK_FORECAST_AMOUNT = "Prognose minus godkendt budget (%(unit)s)"
BLOCK_FORECAST_PERCENT = "Prognose minus godkendt budget (pct. af budget)"
BLOCK_ACTUAL_AMOUNT = "Forbrug minus godkendt budget (%(unit)s)"
BLOCK_ACTUAL_PERCENT = "Forbrug minus godkendt budget (pct. af budget)"
NOTE_VARIANCE = (
    "Afvigelserne er formler, der henviser til arkene Budget, Prognose og Forbrug. En celle er "
    "tom, når prognosen/forbruget er tomt; procenten er tom, når budgettet er 0 eller tomt."
)

# The versions sheet.
HEADER_VERSION = "Version"
HEADER_APPROVED_ON = "Godkendt"
HEADER_APPROVED_BY = "Godkendt af"
HEADER_DOCUMENT = "Dokument"
HEADER_REASON = "Begrundelse"
HEADER_DECISION = "Beslutning"
BLOCK_VERSION = "Version %(number)s, godkendt %(approved_on)s af %(approved_by)s"
BLOCK_VERSION_CHANGE = "Ændring fra version %(previous)s til version %(number)s"
NOTE_VERSIONS = (
    "Hver godkendt version vises med sine beløb; ændringen til den forrige version er formler "
    "(denne version minus den forrige). Tomme beløb tæller som 0."
)

# The about sheet.
ABOUT_PROGRAMME = "Program"
ABOUT_SHORT_NAME = "Kortnavn"
ABOUT_SLUG = "Program-id"
ABOUT_BASELINE = "Basisversion"
ABOUT_BASELINE_VALUE = "%(number)s, godkendt %(approved_on)s af %(approved_by)s"
ABOUT_BASELINE_DOCUMENT = "Godkendelsesdokument"
ABOUT_SOURCE = "Kildedokument"
ABOUT_UNIT = "Enhed"
ABOUT_EXPORTED_AT = "Eksporteret"
ABOUT_EXPORTED_BY = "Eksporteret af"
ABOUT_ROUNDING = "Afrunding"
ABOUT_FORMULAS = "Formler"
ABOUT_IMPORT = "Indlæsning"
ABOUT_BUDGET_NOTE = "Note til budgettet"
ABOUT_PROGRAMMES = "Programmer"
ABOUT_FORMULAS_TEXT = (
    "“I alt” er =ROUND(SUM(…);3) over årene; “Varigt” (varig drift) indgår ikke i “I alt”. "
    "Afvigelse (afrunding) = trykt − beregnet. På arket Afvigelse er afvigelsen prognose "
    "(eller forbrug) − budget for hver celle, og procenten er afvigelsen ÷ budget, vist tom, "
    "når budgettet er 0. Ændringer mellem versioner er ny version − forrige version."
)
ABOUT_PORTFOLIO_TEXT = (
    "Arkene Budget, Prognose og Forbrug har én række pr. budgetrække pr. program og kan "
    "filtreres og bruges i pivottabeller. Oversigten summerer pr. program med SUMIFS på "
    "Program-id, så den tåler, at rækkerne sorteres."
)
DATETIME_PATTERN = "d. MMMM y 'kl.' HH:mm"
DATE_PATTERN = "d. MMMM y"

# The registers.
HEADER_CODE = "Kode"
HEADER_TITLE = "Titel"
HEADER_DESCRIPTION = "Beskrivelse"
HEADER_CONSEQUENCE_TEXT = "Konsekvens (beskrivelse)"
HEADER_PROBABILITY = "Sandsynlighed"
HEADER_CONSEQUENCE = "Konsekvens"
HEADER_SCORE = "Score"
HEADER_OWNER = "Ejer"
HEADER_STATUS = "Status"
HEADER_NAME = "Navn"
HEADER_TYPES = "Type"
HEADER_RECIPIENTS = "Modtagere"
HEADER_BENEFIT_OWNER = "Gevinstejer"
NO_RISKS = "Der er ingen risici registreret."
NO_BENEFITS = "Der er ingen gevinster registreret."

# The portfolio overview.
HEADER_BASELINE_NUMBER = "Basisversion"
HEADER_BUDGET_TOTAL = "Budget i alt"
HEADER_FORECAST_TOTAL = "Prognose i alt"
HEADER_ACTUAL_TOTAL = "Forbrug i alt"
HEADER_FORECAST_VARIANCE = "Prognose − budget"
HEADER_ACTUAL_VARIANCE = "Forbrug − budget"
HEADER_LASTING_TOTAL = "Varigt (budget)"

# Print header and footer (Excel's &-codes: &P page, &N pages, &A sheet name).
PRINT_HEADER_RIGHT = "Basisversion %(number)s"
PRINT_FOOTER_LEFT = "Eksporteret %(exported_at)s af %(exported_by)s"
PRINT_FOOTER_RIGHT = "Side &P af &N"
PRINT_PORTFOLIO_HEADER = "Porteføljens budgetter"

# Document properties.
DOCUMENT_TITLE = "Budget – %(programme)s"
DOCUMENT_SUBJECT = "Budget, prognose og forbrug i %(unit)s"
DOCUMENT_PORTFOLIO_TITLE = "Porteføljens budgetter"

# Import problems. `%(cell)s`-less messages concern the file or the sheet as a whole.
IMPORT_NOT_XLSX = (
    "Filen er ikke en Excel-projektmappe (.xlsx). Gem den i Excel som "
    "“Excel-projektmappe (*.xlsx)” og prøv igen."
)
IMPORT_OLD_XLS = (
    "Filen er i det gamle Excel-format (.xls). Gem den som “Excel-projektmappe (*.xlsx)” og "
    "prøv igen."
)
IMPORT_MACRO_WORKBOOK = (
    "Filen er en projektmappe med makroer (.xlsm) eller en skabelon. Gem den som "
    "“Excel-projektmappe (*.xlsx)” og prøv igen."
)
IMPORT_EMPTY_FILE = "Filen er tom."
IMPORT_OTHER_PROGRAMME = (
    "Arbejdsbogen hører til et andet program end %(programme)s (se arket “Om”); intet er "
    "indlæst. Hent arbejdsbogen for %(programme)s på budgetsiden, indtast tallene i den, "
    "og indlæs den."
)
IMPORT_TOO_LARGE = "Filen fylder %(size)s, men højst %(limit)s kan indlæses."
IMPORT_UNPACKS_TOO_LARGE = (
    "Filen pakker ud til mere end %(limit)s og afvises for at beskytte systemet."
)
IMPORT_UNREADABLE = "Filen kan ikke læses som Excel-projektmappe (%(reason)s)."
IMPORT_SHEET_MISSING = "Arket “%(sheet)s” findes ikke i filen (filen har: %(found)s)."
IMPORT_HEADER_MISSING = (
    "Tabellens overskriftsrække med “%(label)s” blev ikke fundet i de første %(rows)s rækker."
)
IMPORT_UNKNOWN_HEADER = "Ukendt kolonneoverskrift “%(header)s”."
IMPORT_PERIOD_NOT_ALLOWED = "Året %(period)s hører ikke til programmets perioder (%(allowed)s)."
IMPORT_DUPLICATE_COLUMN = "Kolonnen “%(header)s” står flere gange (også i %(other)s)."
IMPORT_MISSING_COLUMN = "Kolonnen “%(header)s” mangler i overskriftsrækken."
IMPORT_UNKNOWN_ROW = "Ukendt række “%(label)s”. Rækkerne skal hedde som i skabelonen."
IMPORT_EMPTY_LABEL = "Rækken har tal, men intet navn i kolonnen “%(header)s”."
IMPORT_DUPLICATE_ROW = "Rækken “%(label)s” står flere gange (også i %(other)s)."
IMPORT_MISSING_ROW = "Rækken “%(label)s” (nr. %(position)s) mangler i tabellen."
IMPORT_POSITION_MISMATCH = (
    "Nr. %(found)s passer ikke til rækken “%(label)s”, som har nr. %(position)s."
)
IMPORT_FORMULA = "Cellen indeholder en formel (%(formula)s). Indsæt beløbet som værdi."
IMPORT_TEXT = "Cellen indeholder tekst (“%(text)s”), ikke et tal. Skriv beløbet som et tal, fx 2,9."
IMPORT_BOOLEAN = "Cellen indeholder en sandhedsværdi, ikke et tal."
IMPORT_DATE = "Cellen indeholder en dato, ikke et tal."
IMPORT_ERROR_VALUE = "Cellen indeholder fejlværdien %(value)s, ikke et tal."
IMPORT_NEGATIVE = "Beløbet %(value)s er negativt; beløb skal være 0 eller derover."
IMPORT_NOT_FINITE = "Beløbet er ikke et endeligt tal."
IMPORT_TOO_MANY_DECIMALS = (
    "Beløbet %(value)s har mere end 3 decimaler; beløb angives i %(unit)s med højst 3 decimaler."
)
IMPORT_TOO_BIG = "Beløbet %(value)s er urimeligt stort (over %(limit)s %(unit)s)."
IMPORT_MERGED = "Cellerne %(range)s er flettet. Ophæv fletningen i tabellen."
IMPORT_OUTSIDE_TABLE = "Cellen har en værdi, men kolonnen har ingen overskrift."
IMPORT_TABLE_TOO_LONG = (
    "Tabellen slutter ikke inden for de første %(rows)s rækker (der mangler en tom række "
    "eller rækken “%(total)s” under tabellen)."
)
IMPORT_NO_VALUES = "Tabellen indeholder ingen beløb."
