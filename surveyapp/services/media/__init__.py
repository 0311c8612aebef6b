"""Media monitoring services: upload (``ingest_articles``), parsing of bulk files, review of
mentions, outlets and the tone model. Services flush and raise DomainErrors; callers commit."""
from .ingest import IngestReport, ItemResult, ingest_articles
from .items import ArticleInput, ItemError, clean_item
from .parsing import MAX_UPLOAD_BYTES, ParsedFile, parse_upload
from .results import article_result, mention_results

__all__ = ["ArticleInput", "IngestReport", "ItemError", "ItemResult", "MAX_UPLOAD_BYTES", "ParsedFile",
           "article_result", "clean_item", "ingest_articles", "mention_results", "parse_upload"]
