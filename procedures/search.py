"""Accent-insensitive, ranked catalogue search (tìm kiếm thủ tục).

"ho kinh doanh", "hộ kinh doanh" and "HO KINH DOANH" must find the same procedures. Rather than calling
PostgreSQL's ``unaccent()`` at query time (it is not IMMUTABLE, so it cannot back an index without a wrapper), the
searchable text is stored already normalised on each Procedure (``search_text``, ``search_name``) and the query is
normalised the same way in Python. PostgreSQL adds trigram indexes on those columns (migration 0003) and ranks by
trigram similarity; SQLite, which ``make run`` uses, gets the same matches with a simpler rank.

Matching: every word of the query must start a word of the procedure's text (prefix match, so "dang ky kha"
already finds "đăng ký khai sinh"), or the query is the procedure's code. When nothing matches on PostgreSQL a
fuzzy pass (trigram word similarity) forgives a typo ("ho kin doanh").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Collate

_NON_WORD = re.compile(r"[^0-9a-z.]+")
_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")  # keep dots only inside codes such as 1.001193
FUZZY_MIN_LENGTH = 5  # shorter queries match too much by trigrams alone
VI_COLLATION = "vi-x-icu"


def normalise(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d), keep letters, digits and in-code dots, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    text = _NON_WORD.sub(" ", text)
    text = _DOTS.sub(" ", text)
    return " ".join(text.split())


def words(text: str | None) -> list[str]:
    return normalise(text).split()


def search_document(parts: Iterable[str | None]) -> str:
    """The stored ``search_text``: normalised words with a leading space, so ' word' matches a word start."""
    seen: list[str] = []
    for part in parts:
        for word in words(part):
            seen.append(word)
            if "." in word:  # a code: its pieces are findable alone too ("001193")
                seen.extend(piece for piece in word.split(".") if piece)
    return " " + " ".join(seen) + " " if seen else ""


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter ``queryset`` (Procedures) to those matching ``query`` and annotate ``rank`` (higher is better).

    The caller orders by ``-rank`` (see :func:`order_by_rank`). An empty query returns the queryset untouched.
    """
    normalised = normalise(query)
    if not normalised:
        return queryset
    tokens = normalised.split()
    match = Q()
    for token in tokens:
        match &= Q(search_text__contains=f" {token}")
    code_match = Q(code__iexact=query.strip())
    results = queryset.filter(match | code_match)
    if is_postgres() and len(normalised) >= FUZZY_MIN_LENGTH and not results.exists():
        from django.contrib.postgres.search import TrigramWordSimilarity

        # %> is indexable by the trigram index (pg_trgm.word_similarity_threshold, 0.6 by default).
        return queryset.filter(search_name__trigram_word_similar=normalised).annotate(
            rank=TrigramWordSimilarity(Value(normalised), "search_name")
        )
    return results.annotate(rank=_rank(query, normalised))


def _rank(query: str, normalised: str):
    """Code first, then the whole phrase as the name, at its start, inside it; then trigram closeness."""
    phrase = Case(
        When(code__iexact=query.strip(), then=Value(100.0)),
        When(search_name=normalised, then=Value(50.0)),
        When(search_name__startswith=normalised, then=Value(20.0)),
        When(search_name__contains=f" {normalised}", then=Value(10.0)),
        When(search_name__contains=normalised, then=Value(5.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if not is_postgres():
        return phrase
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    return (
        phrase
        + 5.0 * TrigramWordSimilarity(Value(normalised), "search_name")
        + 2.0 * TrigramSimilarity("search_name", Value(normalised))
    )


def name_order(field: str = "name", *, sqlite_field: str | None = None):
    """Order by a name the way a Vietnamese reader expects (Ă, Â after A, Đ after D — not after Z).

    PostgreSQL sorts with the ICU Vietnamese collation; SQLite, which has none, sorts the procedures' stored
    accent-free name, which puts Đ with D and Ă, Â with A.
    """
    if is_postgres():
        return Collate(field, VI_COLLATION).asc()
    return F(sqlite_field or field).asc()


def order_by_rank(queryset: QuerySet) -> QuerySet:
    return queryset.order_by(F("rank").desc(nulls_last=True), procedure_name_order(), "code")


def procedure_name_order():
    return name_order("name", sqlite_field="search_name")
