from sqlalchemy import func, select

from models import Region, RegionMargin
from surveyapp.services.region_facts import REGIONS
from surveyapp.services.regions import load_regions, model_margins


def test_twenty_units_with_numeric_iso_codes(regions):
    assert len(regions) == 20
    assert all(code.startswith("KZ-") and code[3:].isdigit() for code in regions)
    assert {"KZ-10", "KZ-33", "KZ-62", "KZ-71", "KZ-75", "KZ-79"} <= set(regions)  # Abai, Jetisu, Ulytau, cities
    assert sum(1 for r in regions.values() if r.kind == "city") == 3


def test_kazakh_and_russian_names_round_trip(db, regions):
    db.session.expire_all()
    ulytau = db.session.scalar(select(Region).where(Region.code == "KZ-62"))
    assert ulytau.name_kk == "Ұлытау облысы"
    assert ulytau.name_ru == "область Ұлытау"
    abai = db.session.scalar(select(Region).where(Region.code == "KZ-10"))
    assert "Semipalatinsk" in abai.variants and "Семей" in abai.variants


def test_loading_twice_updates_instead_of_duplicating(db, regions):
    created, updated = load_regions()
    db.session.commit()
    assert (created, updated) == (0, 20)
    assert db.session.scalar(select(func.count()).select_from(Region)) == 20
    assert db.session.scalar(select(func.count()).select_from(RegionMargin)) == 20 * 16


def test_margins_sum_to_adult_population():
    for fact in REGIONS:
        cells = model_margins(fact)
        assert len(cells) == 16
        adults = fact.population * fact.adult_share
        assert abs(sum(cells.values()) - adults) < 20  # rounding of 16 cells
        urban = sum(v for (_, _, s), v in cells.items() if s == "urban")
        assert abs(urban / sum(cells.values()) - fact.urban_share) < 1e-3
    cities = [f for f in REGIONS if f.kind == "city"]
    assert all(sum(v for (_, _, s), v in model_margins(f).items() if s == "rural") == 0 for f in cities)
