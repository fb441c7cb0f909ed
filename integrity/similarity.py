"""Near-duplicate project texts: pg_trgm's ``similarity()`` on PostgreSQL, the same measure
computed in Python elsewhere (SQLite).

The measure is pg_trgm's: each word (letters and digits) lowercased and padded with two spaces
before and one after gives its trigrams; the similarity of two texts is the number of trigrams
they share over the number of distinct trigrams of both (0 to 1). On SQLite the candidates are
first narrowed to the applications of the same call or of the same domain in earlier calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from grants.models import Application

WORD = re.compile(r"\w+", re.UNICODE)


def project_text(application) -> str:
    """The text compared: title, summary, objectives and activities, one per line."""
    parts = (application.title, application.summary, application.objectives, application.activities)
    return "\n".join(part.strip() for part in parts if part and part.strip())


def trigrams(text: str) -> set[str]:
    found: set[str] = set()
    for word in WORD.findall(text.lower().replace("_", " ")):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def threshold() -> float:
    return float(settings.INTEGRITY_SIMILARITY_THRESHOLD)


@dataclass(frozen=True)
class Match:
    application_id: int
    similarity: float


def similar_applications(application, candidates, *, text: str | None = None) -> list[Match]:
    """The ``candidates`` (a queryset of applications) whose project text reaches the
    threshold, most similar first."""
    from integrity.models import ProjectText

    text = project_text(application) if text is None else text
    if not text:
        return []
    limit = threshold()
    if connection.vendor == "postgresql":
        return similar_on_postgres(text, candidates, limit)
    rows = ProjectText.objects.filter(application__in=candidates.values("pk")).values_list(
        "application_id", "text"
    )
    found = [Match(pk, round(similarity(text, other), 4)) for pk, other in rows.iterator()]
    return sorted(
        (match for match in found if match.similarity >= limit),
        key=lambda match: (-match.similarity, match.application_id),
    )


def similar_on_postgres(text: str, candidates, limit: float) -> list[Match]:
    """``text %% other`` uses the GIN trigram index at ``limit``; the candidates' conditions
    are applied to the few rows it returns.

    The planner misjudges the cost of ``%`` with a long text and would read the whole table
    (2 s for 20 000 texts, against 25 ms through the index): sequential scans are turned off
    for this one query, and the threshold is set for it alone (``set_config(..., true)``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
            "set_config('enable_seqscan', 'off', true)",
            [str(limit)],
        )
        cursor.execute(
            "SELECT application_id, similarity(text, %s) FROM integrity_projecttext "
            "WHERE text %% %s",
            [text, text],
        )
        scores = dict(cursor.fetchall())
    if not scores:
        return []
    wanted = set(candidates.filter(pk__in=list(scores)).values_list("pk", flat=True))
    return sorted(
        (Match(pk, round(score, 4)) for pk, score in scores.items() if pk in wanted),
        key=lambda match: (-match.similarity, match.application_id),
    )


def store_texts(applications) -> None:
    """Write (or refresh) the project text of each of ``applications``."""
    from integrity.models import ProjectText

    for application in applications:
        ProjectText.objects.update_or_create(
            application_id=application.pk, defaults={"text": project_text(application)}
        )


def store_missing_texts() -> int:
    """The texts of sent applications that have none yet (the first run, imported history)."""
    from integrity.models import ProjectText

    missing = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .exclude(pk__in=ProjectText.objects.values("application_id"))
        .only("pk", "title", "summary", "objectives", "activities")
    )
    rows = [ProjectText(application_id=a.pk, text=project_text(a)) for a in missing.iterator()]
    ProjectText.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)
