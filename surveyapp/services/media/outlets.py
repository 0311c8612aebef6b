"""Outlets: created on first sight by uploads, listed and edited by monitors and admins."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Article, AuditLog, Outlet, Region, User, db

from ..errors import ConflictError, NotFoundError, ValidationError

MAX_REACH = 2_000_000_000


def list_outlets() -> list[tuple[Outlet, int]]:
    """Every outlet with its number of stored articles, by name."""
    counts = dict(db.session.execute(select(Article.outlet_id, func.count()).group_by(Article.outlet_id)).all())
    return [(o, counts.get(o.id, 0)) for o in db.session.scalars(select(Outlet).order_by(Outlet.name))]


def get_outlet(outlet_id: int) -> Outlet:
    """The outlet; raises NotFoundError."""
    outlet = db.session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFoundError("No such outlet")
    return outlet


def update_outlet(user: User, outlet: Outlet, *, name: str, reach: int | None, region_code: str | None,
                  website: str | None) -> dict[str, list]:
    """Change an outlet's name, reach (persons per story, ≥ 0), home region (ISO code or empty
    for national) and website. Returns the changes (also written to the audit log). Raises
    ValidationError for bad values and ConflictError for a name another outlet has."""
    name = (name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise ValidationError("The name is required (at most 200 characters)", {"name": "invalid"})
    if reach is not None and not 0 <= reach <= MAX_REACH:
        raise ValidationError("Reach must be a whole number of people, 0 or more", {"reach": "out of range"})
    region_id = None
    if region_code:
        region = db.session.scalars(select(Region).where(Region.code == region_code)).first()
        if region is None:
            raise ValidationError("Unknown region", {"region": "unknown"})
        region_id = region.id
    website = (website or "").strip() or None
    if website and (len(website) > 300 or not website.startswith(("https://", "http://"))):
        raise ValidationError("A website starts with https:// or http://", {"website": "invalid"})
    other = db.session.scalars(select(Outlet).where(Outlet.name == name, Outlet.id != outlet.id)).first()
    if other is not None:
        raise ConflictError("Another outlet has that name", {"name": "taken"})
    changes: dict[str, list] = {}
    for attr, value in (("name", name), ("reach", reach), ("region_id", region_id), ("website", website)):
        if getattr(outlet, attr) != value:
            changes[attr] = [getattr(outlet, attr), value]
            setattr(outlet, attr, value)
    if changes:
        db.session.add(AuditLog(user_id=user.id, action="outlet.update", object_type="outlet",
                                object_id=str(outlet.id), detail=changes))
    db.session.flush()
    return changes
