"""Every page, error and asset carries the security headers (battery case 39, anonymous part)."""
from __future__ import annotations

PUBLIC_ASSET_PREFIXES = ("/static/", "/dashboard/vendor/")


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            yield rule.rule


def test_headers_on_every_parameterless_get_route(app, client, regions):
    paths = sorted(set(_get_routes(app))) + ["/no-such-page", "/static/css/senim.css"]
    assert len(paths) > 15
    for path in paths:
        response = client.get(path)
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy"), path
        if not path.startswith(PUBLIC_ASSET_PREFIXES):
            assert headers.get("Cache-Control") == "no-store", path
        assert response.status_code < 500, (path, response.status_code)
        response.close()  # file responses hold their file open until closed


def test_production_adds_hsts_and_secure_host_cookies(tmp_path):
    from surveyapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"},
                     environ={"SENIM_ENV": "production", "SENIM_SECRET_KEY": "s" * 48})
    from models import db

    with app.app_context():
        db.create_all()
    response = app.test_client().get("/login", base_url="https://senim.example")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("__Host-senim=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
