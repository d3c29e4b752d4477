"""The SQL adapter's text check: one read-only SELECT/WITH that names no dangerous function.

This is the first of the SQL adapter's defences, and the weakest: it reads the query as
text, not as the database's own parser does. What it promises:

- exactly one statement, beginning with SELECT or WITH (comments stripped, string
  literals and quoted identifiers skipped under every dialect's reading of backslashes);
- no keyword that changes data or state (INSERT … DISCARD, also inside a CTE);
- no identifier anywhere (a call, a schema-qualified name, a quoted identifier, a column)
  that names a function or catalog view reaching past the query's own tables: the server's
  files, other databases or servers, its settings, other sessions, large objects, or SQL
  evaluated at run time. `query_to_xml('select pg_read_file(…)')` hides a call inside a
  string that no text check can see into; refusing `query_to_xml` itself closes that door.

What stops a write is the read-only connection, and what stops a file read is the account's
lack of privileges (both checked once connected, in `sql_guard`); this check keeps the
obvious attempts from reaching the database at all and gives them a clear Danish reason.
A parser library (sqlglot and the like) was considered and not used: it reads SQL the way
it guesses PostgreSQL does, and a disagreement between two parsers is exactly where a
bypass lives. Refusing names wherever they appear needs no such guess.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from portfolio.metrics.adapters.base import SourceConfigError

# Keywords that change data or state. Reached only inside one SELECT/WITH statement, e.g.
# a data-modifying CTE (WITH x AS (DELETE …)) or SELECT … INTO, so refusing them costs
# nothing; a column that happens to be called so can be written as a quoted identifier.
FORBIDDEN_KEYWORDS = frozenset(
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "DROP", "ALTER", "CREATE",
        "TRUNCATE", "GRANT", "REVOKE", "COPY", "ATTACH", "DETACH", "PRAGMA", "VACUUM",
        "REINDEX", "SET", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "CALL", "EXEC",
        "EXECUTE", "PREPARE", "DEALLOCATE", "DECLARE", "LOCK", "LISTEN", "NOTIFY",
        "UNLISTEN", "REFRESH", "CLUSTER", "DISCARD", "IMPORT", "LOAD", "CHECKPOINT",
    }
)  # fmt: skip

# Functions and catalog views that act on or reveal the server, its files, other databases
# or sessions, or that run SQL given as text. Matched as whole identifiers, case-insensitively,
# wherever they appear (quoted or not, schema-qualified or not).
FORBIDDEN_NAMES = frozenset(
    {
        # settings and server control
        "current_setting", "set_config", "pg_settings", "pg_file_settings",
        "pg_hba_file_rules", "pg_ident_file_mappings", "pg_config", "pg_reload_conf",
        "pg_rotate_logfile", "pg_promote", "pg_terminate_backend", "pg_cancel_backend",
        "pg_current_logfile", "pg_log_backend_memory_contexts", "pg_notify", "pg_shadow",
        "pg_authid", "pg_user_mappings", "pg_largeobject",
        # files
        "pg_stat_file", "pg_logdir_ls",
        # large objects (server-side files and stored blobs)
        "lo_import", "lo_export", "lo_unlink", "lo_create", "lo_creat", "lo_open", "lo_close",
        "lo_get", "lo_put", "lo_from_bytea", "lo_truncate", "lo_truncate64", "lo_lseek",
        "lo_lseek64", "lo_tell", "lo_tell64", "loread", "lowrite",
        # SQL given as text and run by the server
        "ts_stat", "ts_rewrite",
        # sequences (refused by a read-only transaction too)
        "nextval", "setval",
        # SQLite: extensions, and the file functions of its shell's extensions
        "load_extension", "readfile", "writefile", "fsdir", "fts3_tokenizer",
    }
)  # fmt: skip

# Families of the same, by the start of their name: pg_read_file, pg_read_binary_file;
# pg_ls_dir, pg_ls_logdir, pg_ls_waldir, …; dblink_connect, dblink_exec, …
FORBIDDEN_PREFIXES = (
    "pg_read_", "pg_ls_", "pg_file_", "pg_sleep", "pg_advisory", "pg_try_advisory",
    "pg_stat_reset", "pg_replication_", "pg_logical_", "pg_create_", "pg_drop_",
    "pg_backup_", "pg_start_backup", "pg_stop_backup", "pg_switch_", "pg_import_",
    "dblink",
)  # fmt: skip

# query_to_xml, query_to_xmlschema, query_to_xml_and_xmlschema, cursor_to_xml,
# table_to_xml, schema_to_xml, database_to_xml, …: they run a query given as text or read
# whole tables and schemas named by a string.
FORBIDDEN_INFIXES = ("_to_xml",)

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _refuse(reason: str) -> SourceConfigError:
    return SourceConfigError(_("Forespørgslen afvises: %(reason)s", reason=reason))


def is_forbidden_name(name: str) -> bool:
    """Tell whether an identifier names a function or view the SQL adapter refuses."""
    name = name.lower()
    return (
        name in FORBIDDEN_NAMES
        or name.startswith(FORBIDDEN_PREFIXES)
        or any(infix in name for infix in FORBIDDEN_INFIXES)
    )


def _tokens(sql: str, backslashes: str) -> list[tuple[str, str]]:
    """Split SQL into (kind, text) tokens, dropping comments and whitespace.

    Kinds: "word", "literal" (string), "ident" (quoted identifier), ";", "other".
    `backslashes` says where a backslash escapes a quote: "none" (standard SQL, SQLite),
    "e-strings" (PostgreSQL's E'…') or "all" (MySQL). Dialects disagree, and 'a\\' ; …
    hides a second statement under one reading but not another, so the caller checks all.
    """
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            # PostgreSQL nests block comments; SQLite does not, but nesting there would
            # only make us stricter.
            depth, i = 1, i + 2
            while depth:
                if i >= n:
                    raise _refuse(_("en kommentar (/*) slutter ikke"))
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif char == "'":
            e_string = bool(tokens) and tokens[-1] in (("word", "E"), ("word", "e"))
            e_string = e_string and sql[i - 1] in "eE"
            escapes = backslashes == "all" or (backslashes == "e-strings" and e_string)
            if e_string and backslashes == "e-strings":
                tokens.pop()
            start, i = i, i + 1
            while True:
                if i >= n:
                    raise _refuse(_("en tekst i anførselstegn slutter ikke"))
                if escapes and sql[i] == "\\":
                    i += 2
                elif sql[i] == "'":
                    if sql.startswith("''", i):
                        i += 2
                    else:
                        i += 1
                        break
                else:
                    i += 1
            tokens.append(("literal", sql[start:i]))
        elif char in '"`[':
            closer = {'"': '"', "`": "`", "[": "]"}[char]
            end = sql.find(closer, i + 1)
            while end != -1 and closer != "]" and sql.startswith(closer * 2, end):
                end = sql.find(closer, end + 2)
            if end == -1:
                raise _refuse(_("et navn i anførselstegn slutter ikke"))
            tokens.append(("ident", sql[i : end + 1]))
            i = end + 1
        elif char == "$" and (match := _DOLLAR_TAG.match(sql, i)):
            tag = match.group(0)
            end = sql.find(tag, match.end())
            if end == -1:
                raise _refuse(_("en $-citeret tekst slutter ikke"))
            tokens.append(("literal", sql[i : end + len(tag)]))
            i = end + len(tag)
        elif match := _WORD.match(sql, i):
            word = match.group(0)
            # U&"d\0061ta" spells an identifier in escapes PostgreSQL decodes and this
            # check does not: "pg_read_file" could hide in it.
            if word in ("U", "u") and sql[match.end() : match.end() + 2] in ('&"', "&'"):
                raise _refuse(_('navne og tekster skrevet som U&"…" er ikke tilladt'))
            tokens.append(("word", word))
            i = match.end()
        elif char == ";":
            tokens.append((";", ";"))
            i += 1
        else:
            tokens.append(("other", char))
            i += 1
    return tokens


def _unquote(ident: str) -> str:
    closer = {'"': '"', "`": "`", "[": "]"}[ident[0]]
    inner = ident[1:-1]
    return inner if closer == "]" else inner.replace(closer * 2, closer)


def check_read_only_sql(sql: str) -> str:
    """Return the query without a trailing `;` if it is one read-only SELECT/WITH statement.

    Raise SourceConfigError (in Danish, naming the reason) for anything else. The query
    must pass under each dialect's reading of backslashes in string literals.
    """
    for backslashes in ("none", "e-strings", "all"):
        _check_tokens(_tokens(sql, backslashes))
    return sql.strip().rstrip(";").rstrip()


def _check_tokens(tokens: list[tuple[str, str]]) -> None:
    while tokens and tokens[-1][0] == ";":
        tokens.pop()
    if not tokens:
        raise _refuse(_("den er tom"))
    if any(kind == ";" for kind, _text in tokens):
        raise _refuse(_("der må kun være én sætning (fandt ';' efterfulgt af mere)"))
    first = next((text for kind, text in tokens if kind != "other" or text != "("), "")
    if first.upper() not in ("SELECT", "WITH"):
        raise _refuse(_("den skal begynde med SELECT eller WITH"))
    depth = 0
    for kind, text in tokens:
        if kind == "other" and text in "()":
            depth += 1 if text == "(" else -1
            if depth < 0:
                break
        if kind == "word" and text.upper() in FORBIDDEN_KEYWORDS:
            raise _refuse(_("den indeholder %(word)s, som kan ændre data", word=text.upper()))
        name = text if kind == "word" else _unquote(text) if kind == "ident" else None
        if name is not None and is_forbidden_name(name):
            raise _refuse(_("navnet %(name)s er ikke tilladt", name=name.lower()))
    # The adapter wraps the query in SELECT * FROM (…) LIMIT n; an unbalanced parenthesis
    # would let the query close that wrapper and write past it.
    if depth != 0:
        raise _refuse(_("parenteserne passer ikke sammen"))
