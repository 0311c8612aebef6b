"""Staff accounts: creation, password checks, API tokens. Flushes; callers commit."""
from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from models import ROLES, ApiToken, AuditLog, Region, User, UserRegion, db

from .errors import AuthError, ConflictError, ValidationError

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


def configure_hasher(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set argon2id cost parameters (tests use cheaper ones; production keeps the defaults)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_password(password: str) -> None:
    """Raise ValidationError unless the password is 12–1024 characters and not all one character."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError(f"Password must have at least {MIN_PASSWORD} characters",
                              {"password": f"at least {MIN_PASSWORD} characters"})
    if len(password) > MAX_PASSWORD:
        raise ValidationError("Password is too long", {"password": f"at most {MAX_PASSWORD} characters"})
    if len(set(password)) < 4:
        raise ValidationError("Password is too simple", {"password": "use more different characters"})


def create_user(email: str, password: str, role: str, *, display_name: str | None = None,
                region_codes: list[str] | None = None) -> User:
    """Create a staff account with an argon2id password hash.

    Raises ValidationError (bad email, role, password or region code) or ConflictError (email taken).
    """
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise ValidationError("Invalid e-mail address", {"email": "not a valid e-mail address"})
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}", {"role": "unknown role"})
    validate_password(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"A user with e-mail {email} already exists", {"email": "already registered"})
    user = User(email=email, password_hash=_hasher.hash(password), role=role, display_name=display_name)
    db.session.add(user)
    db.session.flush()
    for code in region_codes or []:
        region = db.session.scalar(select(Region).where(Region.code == code.strip().upper()))
        if region is None:
            raise ValidationError(f"Unknown region code {code!r}", {"regions": f"unknown region {code}"})
        db.session.add(UserRegion(user_id=user.id, region_id=region.id))
    db.session.add(AuditLog(user_id=None, action="user.create", object_type="user", object_id=str(user.id),
                            detail={"email": email, "role": role}))
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise AuthError (same message for all failures)."""
    generic = AuthError("Wrong e-mail or password")
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        # Spend the same time as a real check so that unknown e-mails cannot be told apart.
        try:
            _hasher.verify(_dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            pass
        raise generic
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise generic from None
    if not user.is_active:
        raise generic
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    key = repr(_hasher)
    if key not in _DUMMY:
        _DUMMY[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY[key]


def set_active(user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens."""
    user.is_active = active
    if not active:
        user.session_version += 1
        for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            token.revoked = True
    db.session.flush()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(email: str) -> str:
    """Create an API bearer token for an active user; only its SHA-256 is stored. Returns the token."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        raise ValidationError(f"No active user with e-mail {normalise_email(email)}", {"email": "unknown user"})
    token = "snm_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), prefix=token[:10]))
    db.session.add(AuditLog(user_id=user.id, action="token.issue", object_type="user", object_id=str(user.id)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user owning a valid (unrevoked) bearer token, else None."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked or not row.user.is_active:
        return None
    return row.user
