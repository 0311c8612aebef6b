"""`senim user create` and `senim user token`."""
from __future__ import annotations

from sqlalchemy import select

from models import ApiToken, User
from surveyapp.services.users import authenticate, user_for_token


def test_create_reads_password_from_stdin(runner, db, regions):
    result = runner.invoke(args=["user", "create", "--email", "Ana@Example.kz", "--role", "monitor"],
                           input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ana@example.kz"))
    assert user.role == "monitor"
    assert user.password_hash.startswith("$argon2id$")
    assert authenticate("ana@example.kz", "a long enough passphrase").id == user.id


def test_analyst_limited_to_regions(runner, db, regions):
    result = runner.invoke(args=["user", "create", "--email", "a@example.kz", "--role", "analyst",
                                 "--region", "KZ-75", "--region", "kz-10"], input="another passphrase 1\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "a@example.kz"))
    assert user.region_ids == {regions["KZ-75"].id, regions["KZ-10"].id}


def test_bad_input_exits_non_zero_with_one_line(runner, db, regions):
    cases = [
        (["--email", "not-an-email", "--role", "admin"], "valid passphrase 123\n", "e-mail"),
        (["--email", "b@example.kz", "--role", "admin"], "short\n", "12 characters"),
        (["--email", "b@example.kz", "--role", "analyst", "--region", "KZ-99"], "valid passphrase 123\n",
         "region"),
    ]
    for args, stdin, expected in cases:
        result = runner.invoke(args=["user", "create", *args], input=stdin)
        assert result.exit_code != 0
        assert expected in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(User)) is None
    result = runner.invoke(args=["user", "create", "--email", "b@example.kz", "--role", "root"], input="x\n")
    assert result.exit_code != 0


def test_duplicate_email_is_refused(runner, db, regions):
    args = ["user", "create", "--email", "c@example.kz", "--role", "admin"]
    assert runner.invoke(args=args, input="valid passphrase 123\n").exit_code == 0
    again = runner.invoke(args=[*args[:3], "C@EXAMPLE.KZ", *args[4:]], input="valid passphrase 456\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_token_is_printed_once_and_only_its_hash_stored(runner, db, regions):
    runner.invoke(args=["user", "create", "--email", "d@example.kz", "--role", "monitor"],
                  input="valid passphrase 123\n")
    result = runner.invoke(args=["user", "token", "--email", "d@example.kz"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("snm_") and len(token) > 40
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix)
    assert user_for_token(token).email == "d@example.kz"
    assert user_for_token(token + "x") is None
    missing = runner.invoke(args=["user", "token", "--email", "nobody@example.kz"])
    assert missing.exit_code != 0 and "nobody@example.kz" in missing.output
