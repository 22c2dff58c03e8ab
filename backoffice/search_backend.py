"""The search index's storage, shared by every app that keeps one; it knows no app's records.

An app's index is a model with its own columns (the minimal projection it may show) plus
`search_text` (normalized words, `search_text.words_of`) and `synced_at`. The database proposes
candidates: SQLite through an FTS5 table with the `trigram` tokenizer, PostgreSQL through
`pg_trgm` word similarity and full text, both on GIN/FTS indexes a migration creates
(`create_text_index`). `search_text.score` then ranks them the same way on either database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from . import search_text

CANDIDATES = 300
HEADLINE_WEIGHT = 0.1
# pg_trgm's word similarity a candidate needs (its default, 0.6, misses two typos in a word).
POSTGRES_WORD_SIMILARITY = 0.3

Entry = TypeVar("Entry", bound="SearchEntry")


class SearchEntry(models.Model):
    """One record in an index. Subclasses add the projection's columns, never more."""

    search_text = models.TextField()
    synced_at = models.DateTimeField(db_index=True)

    class Meta:
        abstract = True

    def headline(self) -> str:
        """What a result is called (a name, a title): matching it breaks ties."""
        return ""


class SearchSync(models.Model):
    """How far each index's sync has come: a run in progress resumes after its last page."""

    index = models.CharField(max_length=40, unique=True)
    run_started_at = models.DateTimeField(null=True)
    pages_done = models.IntegerField(default=0)
    pages = models.IntegerField(default=0)
    items = models.IntegerField(default=0)
    completed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"search index {self.index}"

    def is_stale(self, max_age_seconds: float, now: datetime | None = None) -> bool:
        if self.run_started_at is not None or self.completed_at is None:
            return True
        now = now or timezone.now()
        return self.completed_at < now - timedelta(seconds=max_age_seconds)


def ranked(
    model: type[Entry], query: str, *, limit: int, extra: Sequence[Entry] = ()
) -> list[tuple[float, Entry]]:
    """The entries that match `query` best, best first, each with its score (0..1]."""
    tokens = search_text.query_tokens(query)
    if not tokens:
        return []
    ids = _candidate_ids(model, tokens)
    entries = list(model._default_manager.filter(pk__in=ids)) + list(extra)
    scored = {}
    for entry in entries:
        value = search_text.score(tokens, entry.search_text.split())
        if value > 0:
            # A match in the name itself ranks above one in an email or a representative's name.
            headline = search_text.words_of([entry.headline()])
            value += HEADLINE_WEIGHT * search_text.score(tokens, headline)
            scored[entry.pk] = (value / (1 + HEADLINE_WEIGHT), entry)
    return sorted(scored.values(), key=lambda pair: (-pair[0], str(pair[1].pk)))[:limit]


def _candidate_ids(model: type[models.Model], tokens: list[str]) -> list[Any]:
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return _postgres_candidates(table, tokens)
    return _sqlite_candidates(table, tokens)


def _sqlite_candidates(table: str, tokens: list[str]) -> list[Any]:
    ids: list[Any] = []
    trigrams = sorted({token[i : i + 3] for token in tokens for i in range(len(token) - 2)})
    with connection.cursor() as cursor:
        if trigrams:
            # Any shared trigram proposes a record; bm25 puts those sharing most first.
            match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in trigrams)
            cursor.execute(
                f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s "  # noqa: S608
                "ORDER BY rank LIMIT %s",
                [match, CANDIDATES],
            )
            ids += [row[0] for row in cursor.fetchall()]
        for token in (t for t in tokens if len(t) < 3):
            # Too short for a trigram (two CJK characters are a whole name): a plain scan.
            cursor.execute(
                f"SELECT id FROM {table} WHERE search_text LIKE %s ESCAPE '\\' "  # noqa: S608
                "LIMIT %s",
                ["%" + _like_escaped(token) + "%", CANDIDATES],
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _postgres_candidates(table: str, tokens: list[str]) -> list[Any]:
    conditions, params, similarity = [], [], []
    for token in tokens:
        conditions.append("(search_text ILIKE %s OR %s <%% search_text)")
        params += ["%" + _like_escaped(token) + "%", token]
        similarity.append("word_similarity(%s, search_text)")
    conditions.append("to_tsvector('simple', search_text) @@ plainto_tsquery('simple', %s)")
    params.append(" ".join(tokens))
    sql = (
        f"SELECT id FROM {table} WHERE {' OR '.join(conditions)} "  # noqa: S608
        f"ORDER BY {' + '.join(similarity)} DESC LIMIT %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(POSTGRES_WORD_SIMILARITY)],
        )
        cursor.execute(sql, [*params, *tokens, CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- migrations: the text index beside an entry table ------------------------------------------


# Per database: the statements that create an entry table's text index ("@table": its name).
_TEXT_INDEX: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE VIRTUAL TABLE @table_fts USING fts5(search_text, content='@table', "
        "content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER @table_fts_insert AFTER INSERT ON @table BEGIN "
        "INSERT INTO @table_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "CREATE TRIGGER @table_fts_delete AFTER DELETE ON @table BEGIN "
        "INSERT INTO @table_fts(@table_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END",
        "CREATE TRIGGER @table_fts_update AFTER UPDATE ON @table BEGIN "
        "INSERT INTO @table_fts(@table_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO @table_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    ),
    "postgresql": (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX @table_trgm ON @table USING gin (search_text gin_trgm_ops)",
        "CREATE INDEX @table_fulltext ON @table USING gin (to_tsvector('simple', search_text))",
    ),
}


def create_text_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """SQLite: an FTS5 trigram table kept in step by triggers. PostgreSQL: pg_trgm and GIN
    indexes for trigram similarity and full text. Other databases: none (candidates by scan).
    `table` is a migration's own constant, never input."""
    statements = _TEXT_INDEX.get(schema_editor.connection.vendor, ())
    for statement in statements:
        schema_editor.execute(statement.replace("@table", table))


def drop_text_index(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_trgm")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fulltext")
