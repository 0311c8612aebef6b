"""Hostile input in the NGO registry: stored verbatim, shown escaped, never executed or injected."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import NGO
from surveyapp.services.errors import ValidationError
from surveyapp.services.ngos import NGOInput, create_ngo
from tests.factories import HOSTILE_STRINGS
from tests.web.test_admin_ngos import edit_links, in_db, new_ngo, post_form, sign_in, upload
from tests.web.test_admin_ngos import site  # noqa: F401 - the fixture (regions loaded, no held app context)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SSTI = "{{7*7}}"


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x onerror=alert(1)>" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert SSTI in html
    assert not re.search(r">\s*49\s*<|\"49\"", html)


@pytest.fixture
def hostile_ngo(site) -> int:
    return new_ngo(site, name_en=SCRIPT, name_ru=IMG, name_kk=SSTI, aliases=[SCRIPT + " alias", IMG, SSTI])


def test_list_page_escapes_names_and_aliases(client, site, hostile_ngo):
    sign_in(client, site)
    response = client.get("/admin/ngos")
    assert response.status_code == 200
    _assert_escaped(response.get_data(as_text=True))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_edit_page_escapes_values_in_inputs_and_textareas(client, site, hostile_ngo):
    sign_in(client, site)
    html = client.get(f"/admin/ngos/{hostile_ngo}/edit").get_data(as_text=True)
    _assert_escaped(html)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; alias" in html  # aliases textarea


def test_hostile_strings_typed_into_the_form_round_trip(client, site):
    sign_in(client, site)
    aliases = "\n".join(s for s in HOSTILE_STRINGS if "\t" not in s)
    response = post_form(client, "/admin/ngos/new", name_en=SCRIPT, name_ru=IMG, name_kk=SSTI, aliases=aliases,
                         description="\n".join(HOSTILE_STRINGS))
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    _assert_escaped(listing)  # the flash message names the NGO too
    with in_db(site) as session:
        ngo = session.scalar(select(NGO))
        assert (ngo.name_en, ngo.name_ru, ngo.name_kk) == (SCRIPT, IMG, SSTI)
        assert [a.alias for a in ngo.aliases] == aliases.split("\n")
        ngo_id = ngo.id
    _assert_escaped(client.get(f"/admin/ngos/{ngo_id}/edit").get_data(as_text=True))


@pytest.mark.parametrize("website", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/", "http:alert(1)",
    "https://ok.example/\x00",
])
def test_dangerous_websites_are_rejected(client, site, website):
    sign_in(client, site)
    response = post_form(client, "/admin/ngos/new", name_en="Fund", website=website)
    assert response.status_code == 422
    assert 'id="website-error"' in response.get_data(as_text=True)
    with in_db(site) as session:
        assert session.scalar(select(func.count()).select_from(NGO)) == 0
        with pytest.raises(ValidationError):
            create_ngo(NGOInput(name_en="Fund", website=website))


@pytest.mark.parametrize("value", ["' OR 1=1--", "1;DROP TABLE responses", "%", "KZ-75' OR '1'='1"])
def test_injection_in_search_parameters_returns_no_extra_rows(client, site, value):
    for i in range(3):
        new_ngo(site, "KZ-75", name_en=f"Fund {i}", sector="health")
    sign_in(client, site)
    for param in ("q", "region", "sector", "page"):
        response = client.get("/admin/ngos", query_string={param: value})
        assert response.status_code == 200
        found = edit_links(response.get_data(as_text=True))
        assert len(found) == (3 if param == "page" else 0), param
    response = client.get("/admin/ngos", query_string=[("region", "KZ-75"), ("region", value)])
    assert response.status_code == 200
    with in_db(site) as session:
        assert session.scalar(select(func.count()).select_from(NGO)) == 3


def test_import_report_escapes_hostile_values_in_reasons(client, site):
    sign_in(client, site)
    data = f'name_en,sector\n"{IMG}","{SCRIPT}"\n'.encode()
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "status-rejected" in html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_formula_strings_are_shown_as_text(client, site):
    formula = '=HYPERLINK("http://evil.example/","click")'
    new_ngo(site, name_en=formula)
    sign_in(client, site)
    html = client.get("/admin/ngos").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;click&#34;)" in html
    assert 'href="http://evil.example/"' not in html
