"""Surveys: question types, building, NGO sets, submission, invitations, votes, files and imports.

Modules: ``types`` (a class per question type), ``spec`` (a survey as plain data, its pages),
``validation`` and ``submission`` (``submit_response``), ``ngoset``, ``building``, ``battery``,
``fileformat`` (JSON export/import), ``definition`` (public definition), ``invitations``, ``votes``,
``results`` (thank-you comparison), ``fieldimport`` (CSV of field interviews).
"""
from .spec import SurveyClosedError, SurveySpec, get_survey, spec_of
from .submission import SubmitResult, submit_response
from .types import MISSING, QUESTION_TYPES, AnswerError, question_type
from .validation import RawAnswer, SubmissionInput, validate_submission

__all__ = [
    "MISSING", "QUESTION_TYPES", "AnswerError", "RawAnswer", "SubmissionInput", "SubmitResult",
    "SurveyClosedError", "SurveySpec", "get_survey", "question_type", "spec_of", "submit_response",
    "validate_submission",
]
