"""Text processing for media monitoring (DESIGN.md §5): language, normalisation, NGO and region
mentions, tone, near-duplicates. Pure library: plain data in and out, nothing downloaded.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .aliases import ALIAS_KINDS, AliasIndex, AliasRecord, ngo_alias_records
from .dedup import (
    DuplicateMatch,
    Fingerprint,
    content_hash,
    cosine,
    find_duplicate,
    fingerprint,
    normalise_url,
    shingles,
)
from .dedup_index import DuplicateIndex
from .document import Document, prepare
from .gazetteer import Gazetteer, RegionRecord, region_forms
from .kazakh_stem import kk_case_forms, kk_stem
from .labelled import LabelledDataError, LabelledExample, load_labelled_csv
from .language import detect_language, document_language, sentence_languages
from .mentions import Mention, find_mentions
from .normalise import Token, normalise, tokenise
from .pipeline import ArticleAnalysis, analyse_article
from .sentences import Sentence, split_sentences
from .tone import LABELS, LEXICON_THRESHOLD, VADER_THRESHOLD, Tone, ToneScorer

if TYPE_CHECKING:
    from .evaluation import classification_report, evaluate
    from .tone_model import ToneModel, train

# scikit-learn takes about a second to import: the model's names load on first use.
_LAZY = {"classification_report": "evaluation", "evaluate": "evaluation", "ToneModel": "tone_model",
         "train": "tone_model"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "ALIAS_KINDS", "AliasIndex", "AliasRecord", "ngo_alias_records",
    "DuplicateIndex", "DuplicateMatch", "Fingerprint", "content_hash", "cosine", "find_duplicate",
    "fingerprint", "normalise_url", "shingles",
    "Document", "prepare", "classification_report", "evaluate",
    "Gazetteer", "RegionRecord", "region_forms", "kk_case_forms", "kk_stem",
    "LabelledDataError", "LabelledExample", "load_labelled_csv",
    "detect_language", "document_language", "sentence_languages",
    "Mention", "find_mentions", "Token", "normalise", "tokenise",
    "ArticleAnalysis", "analyse_article", "Sentence", "split_sentences",
    "LABELS", "LEXICON_THRESHOLD", "VADER_THRESHOLD", "Tone", "ToneScorer", "ToneModel", "train",
]
