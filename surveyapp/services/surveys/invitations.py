"""Single-use invitation tokens (LimeSurvey-style, with anonymised responses).

Only the SHA-256 of a token is stored. A token is *checked* when the invitation link is opened
and *used* in the same transaction as the response is written; the token row gets ``used = true``
and nothing else — no time, no link to the response.
"""
from __future__ import annotations

import csv
import hashlib
import io
import secrets
from typing import Callable

from sqlalchemy import select, update

from models import AuditLog, InvitationToken, Survey, db

from ..errors import DomainError, ValidationError

MAX_TOKENS_PER_BATCH = 50_000
#: Cells starting with these characters are prefixed with ``'`` in CSV exports (formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InvitationError(DomainError):
    """The token is unknown, used, or belongs to another survey."""

    status_code = 403


def token_hash(token: str) -> str:
    """Hex SHA-256 of a token as given (surrounding spaces removed)."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def safe_cell(value: object) -> str:
    """A CSV cell that spreadsheets will not evaluate as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _new_token() -> str:
    """24 URL-safe characters (144 random bits) starting with a letter or digit."""
    while True:
        token = secrets.token_urlsafe(18)
        if token[0].isalnum():
            return token


def generate_tokens(survey: Survey, count: int, *, batch: str | None = None,
                    actor_id: int | None = None) -> list[str]:
    """Create ``count`` tokens for ``survey``; returns the tokens (shown once, never stored).

    Raises ValidationError for a count outside 1..50,000 or a survey that is not invitation-only.
    """
    if survey.mode != "invitation":
        raise ValidationError("Tokens are only for invitation-only surveys", {"mode": "not invitation-only"})
    if not isinstance(count, int) or not 1 <= count <= MAX_TOKENS_PER_BATCH:
        raise ValidationError("Invalid number of tokens", {"count": f"from 1 to {MAX_TOKENS_PER_BATCH}"})
    batch = (batch or "").strip()[:80] or None
    tokens = [_new_token() for _ in range(count)]
    db.session.execute(
        InvitationToken.__table__.insert(),
        [{"survey_id": survey.id, "token_hash": token_hash(t), "batch": batch, "used": False} for t in tokens],
    )
    db.session.add(AuditLog(user_id=actor_id, action="survey.tokens", object_type="survey",
                            object_id=str(survey.id), detail={"count": count, "batch": batch}))
    db.session.flush()
    return tokens


def tokens_csv(tokens: list[str], link_for: Callable[[str], str], batch: str | None = None) -> str:
    """CSV text with columns ``token,link,batch`` for distribution by partners (formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["token", "link", "batch"])
    for token in tokens:
        writer.writerow([safe_cell(token), safe_cell(link_for(token)), safe_cell(batch or "")])
    return out.getvalue()


def check_token(survey_id: int, token: str) -> str:
    """The hash of a valid, unused token of ``survey_id``; raises InvitationError otherwise."""
    if not isinstance(token, str) or not 8 <= len(token.strip()) <= 200:
        raise InvitationError("This invitation link is not valid", {"token": "invalid"})
    digest = token_hash(token)
    row = db.session.execute(
        select(InvitationToken.survey_id, InvitationToken.used).where(InvitationToken.token_hash == digest)
    ).first()
    if row is None or row.survey_id != survey_id:
        raise InvitationError("This invitation link is not valid", {"token": "invalid"})
    if row.used:
        raise InvitationError("This invitation has already been used", {"token": "already used"})
    return digest


def consume_token(survey_id: int, digest: str) -> None:
    """Mark the token used (atomically: exactly one concurrent caller succeeds). Flushes.

    Raises InvitationError when the token is unknown, of another survey, or already used.
    """
    result = db.session.execute(
        update(InvitationToken)
        .where(InvitationToken.token_hash == digest, InvitationToken.survey_id == survey_id,
               InvitationToken.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvitationError("This invitation has already been used or is not valid", {"token": "already used"})


def token_counts(survey_id: int) -> dict[str, int]:
    """Issued and used token counts of a survey."""
    rows = db.session.execute(select(InvitationToken.used).where(InvitationToken.survey_id == survey_id)).all()
    return {"issued": len(rows), "used": sum(1 for r in rows if r.used)}
