"""Every interface string has a Kazakh and a Russian translation, and the compiled catalogs are current."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "surveyapp" / "translations"


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """Strings extracted now from the code and templates (not the committed .pot)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("i18n") / "messages.pot"
    root = TRANSLATIONS.parents[1]
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(out), "."], cwd=root, check=True, capture_output=True)
    with open(out, "rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_string_is_translated(lang, fresh_template):
    template = fresh_template
    assert len(template) > 40  # the extraction really ran
    catalog = _catalog(lang)
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or translated.fuzzy or not translated.string or (
                isinstance(translated.string, tuple) and not all(translated.string)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], f"{len(missing)} untranslated {lang} strings, e.g. {missing[:5]} (run scripts/i18n)"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_compiled_catalog_matches_the_source(lang):
    catalog = _catalog(lang)
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = read_mo(fh)
    source = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and all(m.string)}
    binary = {(tuple(m.id) if isinstance(m.id, list) else m.id): (tuple(m.string) if isinstance(m.string, list) else m.string)
              for m in compiled if m.id}
    assert source == binary, "messages.mo is stale: run scripts/i18n"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_placeholders_survive_translation(lang):
    import re

    pattern = re.compile(r"%\((\w+)\)s")
    for message in _catalog(lang):
        if message.id and isinstance(message.id, str) and message.string:
            assert set(pattern.findall(message.id)) == set(pattern.findall(message.string)), message.id
