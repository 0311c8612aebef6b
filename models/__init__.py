"""Senim's data model (Flask-SQLAlchemy). One module per aggregate; ``db`` is unbound."""
from .audit import AuditLog, Setting
from .base import LANGUAGES, NAMING_CONVENTION, Base, db
from .media import Article, Mention, Outlet, ToneExample
from .ngo import NGO, NGOAlias, Project, TransparencyChecklist
from .region import AGE_GROUPS, SETTLEMENTS, SEXES, Region, RegionMargin
from .response import Answer, ProjectVote, Response, ResponseWeight
from .score import Alert, ScoreSnapshot, cell_key
from .survey import InvitationToken, Question, Survey, SurveyNGO
from .user import ROLES, ApiToken, User, UserRegion

__all__ = [
    "AGE_GROUPS", "LANGUAGES", "NAMING_CONVENTION", "ROLES", "SETTLEMENTS", "SEXES",
    "Alert", "Answer", "ApiToken", "Article", "AuditLog", "Base", "InvitationToken", "Mention", "NGO",
    "NGOAlias", "Outlet", "Project", "ProjectVote", "Question", "Region", "RegionMargin", "Response", "ResponseWeight",
    "ScoreSnapshot", "Setting", "Survey", "SurveyNGO", "ToneExample", "TransparencyChecklist", "User",
    "UserRegion", "cell_key", "db",
]
