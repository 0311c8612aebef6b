"""Every command that reads or writes the database refuses, in one line and with status 1, a database
whose schema is missing (before `senim init`) or outdated, and writes nothing; after `senim init` it
gets past that check. `senim init` itself works on the empty database."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from models import db as _db
from tests.conftest import make_test_app

EMAIL = "monitor@example.kz"
PASSPHRASE = "a long enough passphrase\n"
OLDER_REVISION = "5e8570697239"  # the initial schema, before response_weights


@pytest.fixture
def blank_app(blank_database_url, tmp_path):
    app = make_test_app(blank_database_url, tmp_path)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _files(tmp_path: Path) -> dict[str, str]:
    ngos = tmp_path / "ngos.csv"
    ngos.write_text("name_en;bin\nSchema Check Fund;123456789012\n", encoding="utf-8")
    articles = tmp_path / "articles.csv"
    articles.write_text("title,url,text\nHello,https://example.kz/a,Some text\n", encoding="utf-8")
    responses = tmp_path / "responses.csv"
    responses.write_text("submission_id,region\n,KZ-75\n", encoding="utf-8")
    rows = ["text,target,label"]
    for k in range(4):
        rows += [f'"Фонд «Береке» помог семьям, спасибо за отличную работу. Выпуск {k}.","Фонд «Береке»",1',
                 f'"Фонд «Береке» обвиняют в мошенничестве и провале. Выпуск {k}.","Фонд «Береке»",-1',
                 f'"Фонд «Береке» провёл заседание в среду. Выпуск {k}.","Фонд «Береке»",0']
    gold = tmp_path / "gold.csv"
    gold.write_text("\n".join(rows), encoding="utf-8")
    return {"ngos": str(ngos), "articles": str(articles), "responses": str(responses), "gold": str(gold)}


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    after_init: str  # what the command says once the schema is there
    ok_after_init: bool = False  # exit 0 after `senim init`, or its own one-line refusal
    stdin: str | None = None
    config: dict = field(default_factory=dict)


CASES = {
    "scores compute": Case(("scores", "compute"), "Scores for no period: 0 snapshots", ok_after_init=True),
    "ngo import": Case(("ngo", "import", "{ngos}"), "1 rows: 1 imported", ok_after_init=True),
    "ngo import --dry-run": Case(("ngo", "import", "--dry-run", "{ngos}"), "Dry run: nothing was saved",
                                 ok_after_init=True),
    "articles import": Case(("articles", "import", "{articles}", "--monitor", EMAIL),
                            f"No active monitor or admin with the e-mail {EMAIL}"),
    "responses import": Case(("responses", "import", "{responses}", "--survey", "1"), "No such survey"),
    "tone train": Case(("tone", "train", "--data", "{gold}"), "Stored a tone model", ok_after_init=True),
    "tone evaluate": Case(("tone", "evaluate", "--data", "{gold}"), '"model": "lexicon"', ok_after_init=True),
    "user create": Case(("user", "create", "--email", EMAIL, "--role", "monitor"), f"Created monitor {EMAIL}",
                        ok_after_init=True, stdin=PASSPHRASE),
    "user token": Case(("user", "token", "--email", EMAIL), "No active user"),
    "worker": Case(("worker", "--burst"), "Worker listening", ok_after_init=True,
                   config={"SENIM_REDIS_URL": "redis://127.0.0.1:1/0"}),
}
DEMO = Case(("demo", "--scale", "0.02"), "Demo loaded", ok_after_init=True)


class FakeWorker:
    """Stands in for rq's SimpleWorker: `senim worker` got past its checks when it calls work()."""

    def __init__(self, *_args, **_kwargs) -> None:
        pass

    def work(self, burst: bool = False) -> bool:
        return True


def _invoke(app, case: Case, files: dict[str, str]):
    args = [a.format(**files) for a in case.args]
    return app.test_cli_runner().invoke(args=args, input=case.stdin)


def _assert_refused(result, table: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.output.strip() == (f"Error: The database schema is missing or outdated (no table {table}); "
                                     "run `senim init` first")


@pytest.mark.parametrize("name", list(CASES))
def test_command_refuses_a_database_without_schema_then_works_after_init(name, blank_app, tmp_path,
                                                                          monkeypatch):
    import rq

    case = CASES[name]
    monkeypatch.setattr(rq, "SimpleWorker", FakeWorker)
    for key, value in case.config.items():
        monkeypatch.setitem(blank_app.config, key, value)
    files = _files(tmp_path)

    _assert_refused(_invoke(blank_app, case, files), "alerts")
    with blank_app.app_context():
        assert inspect(_db.engine).get_table_names() == []  # nothing written, not even a table

    init = blank_app.test_cli_runner().invoke(args=["init"])
    assert init.exit_code == 0, init.output

    result = _invoke(blank_app, case, files)
    assert "senim init" not in result.output
    assert case.after_init in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if case.ok_after_init:
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["scores compute", "ngo import", "user create", "demo"])
def test_command_refuses_a_schema_at_an_older_migration(name, blank_app, tmp_path):
    case = DEMO if name == "demo" else CASES[name]
    with blank_app.app_context():
        upgrade(revision=OLDER_REVISION)
        _db.engine.dispose()
    _assert_refused(_invoke(blank_app, case, _files(tmp_path)), "response_weights")
    with blank_app.app_context(), _db.engine.connect() as conn:
        for table in ("ngos", "users", "audit_log", "surveys", "settings", "regions"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_demo_sets_up_a_new_database_itself_then_scores_compute_works(blank_app, tmp_path):
    """`senim demo && senim scores compute` on a database nobody has initialised."""
    result = _invoke(blank_app, DEMO, _files(tmp_path))
    assert result.exit_code == 0, result.output
    assert "created the schema and the 20 regions" in result.output and "Demo loaded" in result.output
    scores = blank_app.test_cli_runner().invoke(args=["scores", "compute"])
    assert scores.exit_code == 0, scores.output
    assert "snapshots" in scores.output and "Scores for no period" not in scores.output
    with blank_app.app_context(), _db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM regions")).scalar() == 20
        assert conn.execute(text("SELECT count(*) FROM score_snapshots")).scalar() > 0
    again = blank_app.test_cli_runner().invoke(args=["demo", "--scale", "0.02", "--if-empty"])
    assert again.exit_code == 0 and "created the schema" not in again.output, again.output


def test_tone_evaluate_lexicon_only_needs_no_database(blank_app, tmp_path):
    result = blank_app.test_cli_runner().invoke(
        args=["tone", "evaluate", "--lexicon-only", "--data", _files(tmp_path)["gold"]])
    assert result.exit_code == 0, result.output
    assert '"model": "lexicon"' in result.output
