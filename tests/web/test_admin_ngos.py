"""Admin pages of the NGO registry: access, forms, CSRF, audit, search and CSV upload.

These tests hold no app context while they make requests, as a real server does: a held context
(the ``db`` fixture) is reused by every request, which shares ``g`` and the SQLAlchemy session
between the test and the views — a view that flushed but forgot to commit would still look right.
Setup and checks happen in short ``in_db`` blocks, each with a session of its own.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import NGO, AuditLog, Region
from models import db as _db
from models.ngo import SECTORS
from surveyapp.admin.forms import SECTOR_LABELS
from surveyapp.services.regions import load_regions
from tests.conftest import login
from tests.factories import KAZAKH_NAME, PASSWORD, make_ngo, make_user
from tests.helpers import csrf_token_from

PAGES = ["/admin/ngos", "/admin/ngos/new", "/admin/ngos/import", "/admin/ngos/{id}/edit"]


@pytest.fixture
def site(app: Flask) -> Flask:
    """The app with the 20 regions loaded (committed); no app context is left pushed."""
    with app.app_context():
        load_regions()
        _db.session.commit()
    return app


@contextmanager
def in_db(app: Flask) -> Iterator[Session]:
    """A short app context for setting up or checking data between requests."""
    with app.app_context():
        yield _db.session


def new_ngo(app: Flask, region: str | None = None, **fields: Any) -> int:
    """Create an NGO (``region`` an ISO code) and return its id."""
    with in_db(app) as session:
        if region:
            fields["region_id"] = session.scalar(select(Region.id).where(Region.code == region))
        return make_ngo(**fields).id


def sign_in(client, app: Flask, role: str = "admin") -> int:
    """Sign a new user of ``role`` in through the real form; returns the user's id."""
    with in_db(app):
        user = make_user(role)
        email, user_id = user.email, user.id
    assert login(client, email, PASSWORD).status_code == 302
    return user_id


def form_values(**overrides: str) -> dict[str, str]:
    values = {"name_kk": "", "name_ru": "", "name_en": "", "aliases": "", "abbreviations": "", "bin": "",
              "sector": "other", "region": "", "website": "", "description": ""}
    values.update(overrides)
    return values


def post_form(client, url: str, **overrides: str):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**form_values(**overrides), "csrf_token": token})


def ngo_count(app: Flask) -> int:
    with in_db(app) as session:
        return session.scalar(select(func.count()).select_from(NGO))


def edit_links(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'href="/admin/ngos/(\d+)/edit"', html)]


def test_every_sector_has_a_label():
    assert set(SECTOR_LABELS) == set(SECTORS)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, site, page):
    ngo_id = new_ngo(site)
    response = client.get(page.format(id=ngo_id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["monitor", "analyst"])
@pytest.mark.parametrize("page", PAGES)
def test_other_roles_are_forbidden(client, site, role, page):
    ngo_id = new_ngo(site)
    sign_in(client, site, role)
    assert client.get(page.format(id=ngo_id)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_admins_get_the_pages(client, site, page):
    ngo_id = new_ngo(site)
    sign_in(client, site)
    assert client.get(page.format(id=ngo_id)).status_code == 200


def test_a_monitor_cannot_create_even_with_a_valid_token(client, site):
    sign_in(client, site, "monitor")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/admin/ngos/new", data={**form_values(name_en="Sneaky"), "csrf_token": token})
    assert response.status_code == 403
    assert ngo_count(site) == 0


def test_create_stores_the_ngo_and_audits_it(client, site):
    admin_id = sign_in(client, site)
    response = post_form(client, "/admin/ngos/new", name_kk=KAZAKH_NAME, name_en="Steppe Fund",
                         aliases="Steppe\nДала қоры\n\n", abbreviations="СФ\nSF", bin="123456789012",
                         sector="environment", region="KZ-62", website="https://steppe.kz")
    assert response.status_code == 302
    with in_db(site) as session:
        ngo = session.scalar(select(NGO))
        assert (ngo.name_kk, ngo.name_en, ngo.bin, ngo.sector, ngo.region.code) == (
            KAZAKH_NAME, "Steppe Fund", "123456789012", "environment", "KZ-62")
        assert {(a.alias, a.kind) for a in ngo.aliases} == {("Steppe", "alias"), ("Дала қоры", "alias"),
                                                            ("СФ", "abbreviation"), ("SF", "abbreviation")}
        log = session.scalar(select(AuditLog).where(AuditLog.action == "ngo.create"))
        assert log.user_id == admin_id and log.object_id == str(ngo.id)
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Steppe Fund" in listing


def test_invalid_bin_re_renders_with_typed_values_and_a_field_error(client, site):
    sign_in(client, site)
    response = post_form(client, "/admin/ngos/new", name_ru="Мой фонд", name_en="My typed fund",
                         aliases="Typed alias", bin="12345", sector="health", region="KZ-75",
                         description="Typed description")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="My typed fund"' in html and 'value="Мой фонд"' in html and 'value="12345"' in html
    assert "Typed alias" in html and "Typed description" in html
    assert re.search(r'<option selected value="health">|<option value="health" selected', html)
    assert re.search(r'<option selected value="KZ-75">|<option value="KZ-75" selected', html)
    error = re.search(r'<p class="error" id="bin-error">([^<]*)</p>', html)
    assert error and "12 digits" in error.group(1)
    assert 'aria-describedby="bin-hint bin-error"' in html
    assert ngo_count(site) == 0


@pytest.mark.parametrize("overrides,field", [
    ({}, "name_kk"),
    ({"name_en": "Fund", "website": "javascript:alert(1)"}, "website"),
    ({"name_en": "Fund", "sector": "astrology"}, "sector"),
    ({"name_en": "Fund", "region": "KZ-99"}, "region"),
    ({"name_en": "x" * 301}, "name_en"),
])
def test_other_invalid_fields_give_422_and_a_field_error(client, site, overrides, field):
    sign_in(client, site)
    response = post_form(client, "/admin/ngos/new", **overrides)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert ngo_count(site) == 0


def test_duplicate_bin_and_name_are_field_errors(client, site):
    existing = new_ngo(site, name_en="Taken Fund", bin="990140000123")
    sign_in(client, site)
    response = post_form(client, "/admin/ngos/new", name_en="New Fund", bin="990140000123")
    assert response.status_code == 422
    assert re.search(r'id="bin-error">[^<]*already has this BIN[^<]*#%d' % existing, response.get_data(as_text=True))
    response = post_form(client, "/admin/ngos/new", name_ru="  taken   FUND ")
    assert response.status_code == 422
    assert re.search(r'id="name_ru-error">[^<]*already has this name', response.get_data(as_text=True))
    assert ngo_count(site) == 1


def test_post_without_csrf_token_is_refused(client, site):
    ngo_id = new_ngo(site, name_en="Untouched")
    sign_in(client, site)
    assert client.post("/admin/ngos/new", data=form_values(name_en="No token")).status_code == 400
    assert client.post(f"/admin/ngos/{ngo_id}/edit", data=form_values(name_en="Changed")).status_code == 400
    wrong = client.post("/admin/ngos/new", data={**form_values(name_en="Forged"), "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert ngo_count(site) == 1
    with in_db(site) as session:
        assert session.get(NGO, ngo_id).name_en == "Untouched"


def test_edit_shows_current_values_saves_and_audits(client, site):
    ngo_id = new_ngo(site, name_en="Before", name_ru="До", name_kk=None, bin="111111111111",
                     aliases=["Old alias"])
    admin_id = sign_in(client, site)
    page = client.get(f"/admin/ngos/{ngo_id}/edit").get_data(as_text=True)
    assert 'value="Before"' in page and "Old alias" in page and 'value="111111111111"' in page
    response = post_form(client, f"/admin/ngos/{ngo_id}/edit", name_en="After", name_ru="До",
                         aliases="Old alias\nNew alias", bin="111111111111", sector="youth", region="KZ-10")
    assert response.status_code == 302
    with in_db(site) as session:
        stored = session.get(NGO, ngo_id)
        assert stored.name_en == "After" and stored.sector == "youth" and stored.region.code == "KZ-10"
        assert [a.alias for a in stored.aliases] == ["Old alias", "New alias"]
        log = session.scalar(select(AuditLog).where(AuditLog.action == "ngo.update"))
        assert log.user_id == admin_id and log.object_id == str(ngo_id)
        assert log.detail["changes"]["name_en"] == {"old": "Before", "new": "After"}
        assert set(log.detail["changes"]) == {"name_en", "aliases", "sector", "region"}
    assert "After" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_edit_keeping_its_own_name_and_bin_is_not_a_duplicate(client, site):
    ngo_id = new_ngo(site, name_en="Mine", bin="222222222222")
    sign_in(client, site)
    response = post_form(client, f"/admin/ngos/{ngo_id}/edit", name_en="Mine", bin="222222222222",
                         description="Only this changed")
    assert response.status_code == 302
    with in_db(site) as session:
        assert session.get(NGO, ngo_id).description == "Only this changed"


def test_edit_of_a_missing_ngo_is_404(client, site):
    sign_in(client, site)
    assert client.get("/admin/ngos/999999/edit").status_code == 404


def test_search_finds_by_alias_and_by_cyrillic_in_any_case(client, site):
    wanted = new_ngo(site, name_en="Aral Revival", name_ru="ВОЗРОЖДЕНИЕ АРАЛА", aliases=["Арал-Тенізі"])
    new_ngo(site, name_en="Unrelated")
    sign_in(client, site)
    for q in ("возрождение арала", "арал-тенізі", "АРАЛ-ТЕНІЗІ", "aral REVIVAL"):
        html = client.get("/admin/ngos", query_string={"q": q}).get_data(as_text=True)
        assert edit_links(html) == [wanted], q
    assert len(edit_links(client.get("/admin/ngos").get_data(as_text=True))) == 2


def test_filters_and_pagination(client, site):
    for i in range(51):
        new_ngo(site, "KZ-75", name_en=f"Fund {i:03d}", sector="health")
    other = new_ngo(site, "KZ-10", name_en="Elsewhere", sector="youth")
    sign_in(client, site)
    first = client.get("/admin/ngos", query_string={"region": "KZ-75"}).get_data(as_text=True)
    assert len(edit_links(first)) == 50 and other not in edit_links(first)
    assert re.search(r"\b51\b", first)
    second = client.get("/admin/ngos", query_string={"region": "KZ-75", "page": 2}).get_data(as_text=True)
    assert len(edit_links(second)) == 1 and not set(edit_links(second)) & set(edit_links(first))
    assert "page=2" in first and "region=KZ-75" in first
    assert edit_links(client.get("/admin/ngos?sector=youth").get_data(as_text=True)) == [other]
    assert client.get("/admin/ngos?page=abc").status_code == 200


def upload(client, data: bytes, filename: str = "ngos.csv"):
    token = csrf_token_from(client.get("/admin/ngos/import").get_data(as_text=True))
    return client.post("/admin/ngos/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_import_page_shows_the_per_row_report(client, site):
    new_ngo(site, name_en="Already here")
    admin_id = sign_in(client, site)
    data = "name_en;name_ru;bin;region;notes\r\nNew fund;Новый фонд;;KZ-75;x\r\nalready HERE;;;;\r\nBad;;12;;\r\n"
    response = upload(client, data.encode("cp1251"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td><span class=\"badge status-(\w+)\">", html)
    assert rows == [("2", "imported"), ("3", "duplicate"), ("4", "rejected")]
    assert "cp1251" in html and "notes" in html and "12 digits" in html
    assert "Rows read: 3. Imported: 1. Duplicates: 1. Rejected: 1." in html
    with in_db(site) as session:
        assert session.scalar(select(NGO).where(NGO.name_en == "New fund")).name_ru == "Новый фонд"
        assert session.scalar(select(AuditLog).where(AuditLog.action == "ngo.import")).user_id == admin_id


def test_import_of_an_unreadable_file_shows_the_reason(client, site):
    sign_in(client, site)
    response = upload(client, b"PK\x03\x04" + b"\x00" * 100, "sneaky.csv")
    assert response.status_code == 422
    assert "ZIP" in response.get_data(as_text=True)
    token = csrf_token_from(client.get("/admin/ngos/import").get_data(as_text=True))
    assert client.post("/admin/ngos/import", data={"csrf_token": token}).status_code == 422
    assert ngo_count(site) == 0
    with in_db(site) as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "ngo.import")) == 0


def test_import_without_csrf_token_is_refused(client, site):
    sign_in(client, site)
    response = client.post("/admin/ngos/import", data={"file": (io.BytesIO(b"name_en\nFund\n"), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert ngo_count(site) == 0


def test_a_long_report_lists_only_the_rows_not_imported(client, site, monkeypatch):
    monkeypatch.setattr("surveyapp.admin.views.REPORT_ROWS", 2)
    sign_in(client, site)
    html = upload(client, b"name_en,bin\nA,\nB,\nC,\nD,1\n").get_data(as_text=True)
    assert re.findall(r"<tr>\s*<td>(\d+)</td>", html) == ["5"]
    assert "Rows read: 4. Imported: 3. Duplicates: 0. Rejected: 1." in html
