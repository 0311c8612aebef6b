"""The stored tone model is a pickle, and unpickling runs code: a model row that was not written by
this deployment (no MAC, a MAC under another secret key, altered bytes) is never unpickled; the
analysers fall back to the lexicon and VADER."""
from __future__ import annotations

import base64
import pickle  # nosec B403 - builds the hostile blob the test must refuse

import pytest

from analysis.text import tone_model
from models import Setting, db
from surveyapp.services.media import registry
from surveyapp.services.media.tone import train_and_store
from tests.web.test_tone_cli import NEG, NEU, POS, TARGETS


LOADED: list[str] = []


class _Boom:
    """Unpickling this runs ``_explode`` (what an injected model could do)."""

    def __reduce__(self):
        return (_explode, ())


def _explode() -> None:
    LOADED.append("a hostile pickle ran")


def _examples():
    from analysis.text import LabelledExample

    out = []
    for k in range(5):
        for texts, label in ((POS, 1), (NEG, -1), (NEU, 0)):
            for text, target in zip(texts, TARGETS):
                t = f"{text} Выпуск {k}."
                out.append(LabelledExample(text=t, target=target if target in t else "", label=label))
    return out


def _row() -> dict:
    return dict(db.session.get(Setting, registry.MODEL_KEY).value)


def _store(value: dict) -> None:
    db.session.get(Setting, registry.MODEL_KEY).value = value
    db.session.commit()


def test_a_trained_model_is_signed_and_loads(db):
    train_and_store(_examples())
    db.session.commit()
    value = _row()
    assert set(value) == {"b64", "mac"} and len(value["mac"]) == 64
    blob = registry.stored_model_bytes()
    assert blob is not None and tone_model.ToneModel.from_bytes(blob).n_train == 45


@pytest.mark.parametrize("tamper", ["no_mac", "other_key", "hostile_pickle", "not_base64", "mac_of_other_bytes"])
def test_a_model_row_not_signed_by_this_deployment_is_never_unpickled(db, app, tamper, monkeypatch, caplog):
    train_and_store(_examples())
    db.session.commit()
    value = _row()
    hostile = tone_model._MAGIC + __import__("zlib").compress(pickle.dumps(_Boom()))
    if tamper == "no_mac":
        del value["mac"]
    elif tamper == "other_key":
        monkeypatch.setitem(app.config, "SECRET_KEY", "another-deployment-" + "k" * 40)
        value["mac"] = registry.model_mac(base64.b64decode(value["b64"]))
        monkeypatch.setitem(app.config, "SECRET_KEY", "test-secret-key-not-for-production-0123456789")
    elif tamper == "hostile_pickle":
        value["b64"] = base64.b64encode(hostile).decode("ascii")  # the old MAC kept
    elif tamper == "not_base64":
        value["b64"] = "=cmd|' /C calc'!A0 <script>"
    else:
        value = {"b64": base64.b64encode(hostile).decode("ascii"), "mac": registry.model_mac(b"other")}
    _store(value)
    LOADED.clear()
    assert registry.stored_model_bytes() is None
    assert "tone model" in caplog.text
    registry._cache.clear()
    analysers = registry.analysers()  # the scorer falls back to the lexicon, nothing is unpickled
    assert analysers.scorer is not None and LOADED == []
    with pytest.raises(ValueError):  # the detector works: unpickled directly, the blob does run
        tone_model.ToneModel.from_bytes(hostile)
    assert LOADED == ["a hostile pickle ran"]
