"""The curated actor list (kg/data/actors.yaml): classes, countries, aliases, offices."""
from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.gazetteer import (CLASSES, OFFICE_BODIES, OFFICE_TITLE, Gazetteer, _data_yaml,
                          default_gazetteer, fold, title_key)

# Words an alias must never be: matched case-sensitively anywhere in a text, a capitalised
# word at the start of a sentence ("May", "Store") or in a title ("Dawn Raids") would be taken
# for the actor. The news-relevant part of English's common words, plus the surnames of
# politicians that are also words.
COMMON_WORDS = set("""
a about above act after again against age agency aid air all also an and any april are area
arm army art as at august autumn away back bank bar base be bear beat bell best bill black
blue board body bond border born borne bottom bow box brave bread break bridge bright bring
brown budget build burn bush but buy by cabinet call camp can cap capital car card care carry
case cash cast cause cell center central centre chair chance change charge chase chief child
church city civil claim class clean clear cleverly close club coal coast cold commission
commonwealth company congress cook cool cost council country court cover crane cross crown
cut dale dawn day deal dear december defence defense desert die dole door down draft drew
dry duke during early east easy end english even eve fall far farm fast february field fire
first fish flag fly foot for force foreign fort fox free friday front frost full gallant game
gate general gift glass gold good grace grand green ground guard guardian gulf hall hand hard
harvest head heart heath held help here high hill his hold holy home hope horn house hunt
ice in independent interior iron is island it jack january jewel joy july june just justice
key kind king knight lake land last law lead league left liberty light line lord love low
major mark march mars mass may mayor me mercy might mill miner minister monday moon more
morrow most mount much nation nation's navy new news next night noble north not now oak
october of office on one only open order our over page palace park party pass peace pence
people pike plain play pope post pound power press price prime prince program programme
quad queen rain range read red rice rich ride right ring river road rock rose round royal
rule sale salt sand saturday say sea seal second security senate september service shade
shield ship short side sign silver small smart snow so south speaker spring staff stan star
state still stone store storm strong summer sun sunday swift table taylor the thursday time
to top tower town trade tree truss trump tuesday turner tusk union unity up victory wall war
ward warren water way wednesday well west white will win wind winter wise wolf wood work
world year young
""".split())
# a word kept as an alias: the news writes Donald Trump so far more often than the card game
KEPT_WORDS = {"Trump"}
# first names and common surnames: part of many people's names, never one actor's alias
NEVER_ALONE = {"ali", "kim", "lee", "park", "moon", "khan", "sharif", "johnson", "abe",
               "mohammed", "muhammad", "mohammad", "salman", "abdullah", "hassan", "abbas",
               "charles", "boris", "elizabeth", "harris", "santos", "morales", "castro",
               "ortega", "costa", "sanchez", "sánchez", "martin", "singh", "wang", "li",
               "zhang", "duterte", "zardari", "aquino", "marcos", "bhutto", "hariri", "aoun",
               "kenyatta", "tsai", "yoon", "miller", "austin", "carter", "kerry", "wallace",
               "hunt", "may", "cameron", "abbott", "morrison", "albanese", "salam", "saleh",
               "hadi", "bashir", "burhan", "herzog", "raisi", "conte", "michel", "philippe",
               "harper", "jonathan", "henry", "montenegro", "muscat", "azov", "dawn"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return _data_yaml("actors.yaml")


def surfaces(entry: dict) -> list[str]:
    return [str(entry["name"]), *(str(a) for a in entry.get("aliases", []) or [])]


def test_the_actor_list_loads(entries, gaz):
    assert isinstance(entries, list) and len(entries) > 700
    for entry in entries:
        assert gaz.lookup(entry["name"]) is not None, entry["name"]


def test_every_entry_has_a_class_and_a_known_country(entries, gaz):
    for entry in entries:
        assert entry["class"] in CLASSES, entry["name"]
        assert set(entry) <= {"name", "class", "aliases", "wikidata", "country", "role",
                              "offices"}, entry["name"]
        if entry["class"] == "Person":
            assert "country" in entry, entry["name"]
        if "country" in entry:
            assert entry["country"] in gaz.countries, (entry["name"], entry["country"])


def test_no_name_or_alias_belongs_to_two_entries(entries):
    owner: dict[str, str] = {}
    for entry in entries:
        for surface in surfaces(entry):
            held = owner.setdefault(fold(surface), entry["name"])
            assert held == entry["name"], (surface, held, entry["name"])


def test_no_alias_is_a_word_or_a_name_many_people_share(entries):
    for entry in entries:
        for surface in surfaces(entry):
            assert surface == surface.strip() and "  " not in surface, surface
            # a name, not a word: written with a capital somewhere ("al-Shabaab", "de Croo")
            assert any(ch.isupper() for ch in surface), surface
            if surface.isupper() or surface.startswith(("the ", "The ")):
                continue  # "WHO", "the Quad": an acronym or a phrase with its article
            assert surface.casefold() not in COMMON_WORDS or surface in KEPT_WORDS, \
                (entry["name"], surface)
            assert surface.casefold() not in NEVER_ALONE, (entry["name"], surface)


def test_no_alias_takes_a_country_or_capital_name(entries, gaz):
    countries = {fold(c.name) for c in gaz.countries.values()}
    capitals = {fold(c.name) for c in gaz.capitals.values()}
    for entry in entries:
        for surface in surfaces(entry):
            assert fold(surface) not in countries | capitals, (entry["name"], surface)


def test_offices_are_titles_of_a_state_or_a_listed_organisation(entries, gaz):
    bodies = {entry["name"] for entry in entries if entry["class"] in OFFICE_BODIES}
    for entry in entries:
        for office in entry.get("offices", []):
            assert set(office) == {"title", "of"}, entry["name"]
            assert OFFICE_TITLE.fullmatch(office["title"]), (entry["name"], office)
            assert office["of"] in gaz.countries or office["of"] in bodies, (entry["name"], office)
        if entry.get("offices"):
            assert entry["class"] == "Person", entry["name"]
    loaded = [e for e in {id(e): e for e in gaz.curated_phrases().values()}.values() if e.offices]
    assert len(loaded) > 600
    for entity in loaded:
        for title, of in entity.offices:
            assert title == title.lower() and (of in gaz.countries or of in bodies), entity


@pytest.mark.parametrize("name,canonical,cls,offices", [
    ("Gustavo Petro", "Gustavo Petro", "Person", {("president", "CO")}),
    ("Petro", "Gustavo Petro", "Person", {("president", "CO")}),
    ("Irfaan Ali", "Irfaan Ali", "Person", {("president", "GY")}),
    ("Shehbaz Sharif", "Shehbaz Sharif", "Person", {("prime minister", "PK")}),
    ("Nawaz Sharif", "Nawaz Sharif", "Person", {("prime minister", "PK")}),
    ("Medvedev", "Dmitry Medvedev", "Person", {("president", "RU"), ("prime minister", "RU")}),
    ("Stoltenberg", "Jens Stoltenberg", "Person", {("secretary-general", "NATO")}),
    ("Rutte", "Mark Rutte", "Person", {("prime minister", "NL"),
                                       ("secretary-general", "NATO")}),
    ("Tedros", "Tedros Adhanom Ghebreyesus", "Person",
     {("director-general", "World Health Organization"), ("foreign minister", "ET")}),
    ("Erdogan", "Recep Tayyip Erdoğan", "Person", {("president", "TR")}),
    ("MBS", "Mohammed bin Salman", "Person",
     {("crown prince", "SA"), ("prime minister", "SA"), ("defence minister", "SA")}),
    ("Jonas Gahr Store", "Jonas Gahr Støre", "Person", {("prime minister", "NO")}),
    ("al-Shabaab", "al-Shabaab", "ArmedGroup", set()),
    ("Al-Shabab", "al-Shabaab", "ArmedGroup", set()),
    ("Al Jazeera", "Al Jazeera", "MediaOrganization", set()),
    ("Tatmadaw", "Tatmadaw", "MilitaryForce", set()),
    ("ISIS-K", "Islamic State Khorasan Province", "ArmedGroup", set()),
    ("OPEC+", "OPEC+", "InternationalOrganization", set()),
    ("State Department", "State Department", "GovernmentBody", set()),
])
def test_actors_resolve_with_class_and_offices(gaz, name, canonical, cls, offices):
    entity = gaz.lookup(name)
    assert (entity.name, entity.cls, set(entity.offices)) == (canonical, cls, offices)
    assert entity.wikidata is None or canonical in ("NATO",)  # no new owl:sameAs


def test_existing_wikidata_ids_are_kept(gaz):
    ids = {name: gaz.lookup(name).wikidata for name in (
        "Xi Jinping", "Vladimir Putin", "Volodymyr Zelensky", "Joe Biden", "Donald Trump",
        "Barack Obama", "Emmanuel Macron", "Angela Merkel", "NATO", "United Nations",
        "European Union")}
    assert ids == {"Xi Jinping": "Q15031", "Vladimir Putin": "Q7747",
                   "Volodymyr Zelensky": "Q3881980", "Joe Biden": "Q6279",
                   "Donald Trump": "Q22686", "Barack Obama": "Q76",
                   "Emmanuel Macron": "Q3052772", "Angela Merkel": "Q567", "NATO": "Q7184",
                   "United Nations": "Q1065", "European Union": "Q458"}


@pytest.mark.parametrize("name", ["Sharif", "Kim", "Ali", "Abe", "Johnson", "Duterte", "Khan",
                                  "Lee", "Truss", "Salman", "Abbas", "Congress", "Red Cross"])
def test_shared_names_and_words_name_no_actor(gaz, name):
    entity = gaz.lookup(name)
    assert entity is None or entity.cls in ("City", "Region", "Place"), (name, entity)


def test_titles_compare_by_key(gaz):
    assert title_key("Secretary General") == title_key("secretary-general")
    assert title_key("Defense  Minister") == title_key("defence minister")
    assert gaz.lookup("Petro").held("President") == ("CO",)
    assert gaz.lookup("Stoltenberg").held("Secretary General") == ("NATO",)
    assert gaz.lookup("Lloyd Austin").held("Defence Secretary") == ("US",)
    assert gaz.lookup("Petro").held("prime minister") == ()


def test_an_acronym_keeps_a_place_its_folded_name(gaz):
    # SANA, the Syrian news agency, is not Sanaa (GeoNames also spells it "Sana")
    assert gaz.lookup("SANA").cls == "MediaOrganization"
    assert gaz.lookup("Sana").cls == "City" and gaz.lookup("Sana").country == "YE"
    assert gaz.phrases()["SANA"].cls == "MediaOrganization"
    # "the Duma" is Russia's parliament; Duma alone stays the Syrian town
    assert gaz.phrases()["the Duma"].name == "State Duma"
    assert gaz.lookup("Duma").cls == "City"


def test_actors_are_found_in_text(nlp):
    doc = nlp("President Gustavo Petro met Irfaan Ali in Georgetown, Al Jazeera reported. "
              "Al-Shabaab fighters attacked a base, the Tatmadaw said, and Jonas Gahr Støre "
              "called Shehbaz Sharif.")
    known = {e.text: e._.kg_known.name for e in doc.ents if e._.kg_known is not None}
    assert {k: v for k, v in known.items() if k != "Georgetown"} == {
        "Gustavo Petro": "Gustavo Petro", "Irfaan Ali": "Irfaan Ali",
        "Al Jazeera": "Al Jazeera", "Al-Shabaab": "al-Shabaab", "Tatmadaw": "Tatmadaw",
        "Jonas Gahr Støre": "Jonas Gahr Støre", "Shehbaz Sharif": "Shehbaz Sharif"}


# -- user gazetteer files ------------------------------------------------------------------
def write(tmp_path, text: str):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_gives_offices_of_states_and_organisations(tmp_path):
    path = write(tmp_path, (
        "- {name: Maia Sandu, class: Person, country: md, role: leader,\n"
        "   offices: [{title: President, of: MD}, {title: prime  minister, of: Moldova}]}\n"
        "- {name: Jane Roe, class: Person, country: GB, offices: [{title: chair, of: UN},\n"
        "   {title: secretary-general, of: Eastern Partnership}]}\n"
        "- {name: Eastern Partnership, class: InternationalOrganization, aliases: [EaP]}\n"
        "- {name: Ola Nordmann, class: Person, country: \"NO\",\n"
        "   offices: [{title: king, of: \"NO\"}]}\n"))
    gaz = Gazetteer([path])
    assert gaz.lookup("Maia Sandu").offices == (("president", "MD"), ("prime minister", "MD"))
    assert gaz.lookup("Maia Sandu").country == "MD"
    assert gaz.lookup("Jane Roe").offices == (("chair", "United Nations"),
                                             ("secretary-general", "Eastern Partnership"))
    assert gaz.lookup("Ola Nordmann").offices == (("king", "NO"),)


@pytest.mark.parametrize("entry,message", [
    ("{name: X Y, class: Person, offices: {title: president, of: CO}}",
     "offices must be a list"),
    ("{name: X Y, class: Person, offices: [president of CO]}", "an office is a mapping"),
    ("{name: X Y, class: Person, offices: [{title: president}]}", "no of"),
    ("{name: X Y, class: Person, offices: [{of: CO}]}", "no title"),
    ("{name: X Y, class: Person, offices: [{title: president, of: CO, from: 2022}]}",
     "unknown key 'from'"),
    ("{name: X Y, class: Person, offices: [{title: President of Colombia!, of: CO}]}",
     "office title"),
    ("{name: X Y, class: Person, offices: [{title: president, of: XX}]}",
     "neither an ISO 3166 alpha-2 country code nor a listed organisation"),
    ("{name: X Y, class: Person, offices: [{title: chair, of: Atlantis League}]}",
     "'Atlantis League'"),
    ("{name: X Y, class: Person, offices: [{title: king, of: NO}]}", "write it in quotes"),
    ("{name: X Y, class: Person, country: NO}", "write it in quotes"),
    ("{name: X Y, class: Person, country: UK}", "country must be an ISO 3166 alpha-2 code"),
    ("{name: X Y, class: Person, office: [{title: president, of: CO}]}",
     "unknown key 'office'"),
    ("{name: X Y, class: Person, aliases: Petro}", "aliases must be a list"),
])
def test_a_bad_user_entry_names_the_file_and_the_entry(tmp_path, entry, message):
    path = write(tmp_path, f"- {{name: Fine, class: Organization}}\n- {entry}\n")
    with pytest.raises(KgError) as err:
        Gazetteer([path])
    text = str(err.value)
    assert text.startswith(f"{path}: entry 2 (X Y)") and message in text, text
    assert "\n" not in text
