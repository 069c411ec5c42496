"""Mentions and entities: from a parsed article to the real-world things it names.

`Resolver(doc, gazetteer, lexicon)` finds every named mention, gives each an `Entity` (one per
real-world thing in the article: "Xi" and "President Xi Jinping" are one), and answers
`resolve(token)`: which entities a word of a sentence stands for, through names, pronouns
("he", "it"), definite descriptions ("the city") and owners ("Russian forces" -> Russia).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .gazetteer import Gazetteer, KnownEntity, title_key
from .lexicon import Lexicon
from .syntax import governing_verb

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
TITLES = {"president", "prime", "minister", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.",
          "general", "gen.", "colonel", "col.", "chancellor", "king", "queen", "prince", "senator",
          "sen.", "secretary", "sir", "lord", "pope", "sheikh", "premier", "ambassador", "vice",
          "foreign", "defence", "defense", "deputy", "chairman", "leader", "commander", "spokesman",
          "spokeswoman", "spokesperson", "founder", "chief", "former", "acting", "governor",
          "mayor", "director", "advisor", "adviser", "envoy"}
ORG_HEADS = {
    "GovernmentBody": {"ministry", "government", "office", "council", "parliament", "department",
                       "cabinet", "senate", "congress", "assembly", "agency", "commission",
                       "administration", "committee"},
    "MilitaryForce": {"army", "forces", "force", "military", "navy", "guard", "guards", "corps"},
}
# last words of names that make the name an organisation whatever the model's label
ORG_NAME_WORDS = {"air", "airlines", "airways", "bank", "group", "party", "company", "corporation",
                  "corp", "inc", "ltd", "institute", "foundation", "association", "federation",
                  "movement", "front", "brigade", "brigades", "militia", "network", "university"}
ARMED_NAME_WORDS = {"brigade", "brigades", "militia"}
LABEL_PRIORITY = {"ORG": 4, "PERSON": 3, "GPE": 2, "LOC": 1, "FAC": 0}
DIRECTIONS = {"eastern", "western", "northern", "southern", "central", "north", "south", "east",
              "west", "northeastern", "northwestern", "southeastern", "southwestern"}
PLACE_NOUNS = {"city": ("City",), "town": ("City",), "capital": ("City",), "village": ("City",),
               "country": ("Country",), "nation": ("Country",), "region": ("Region", "Place", "Country"),
               "province": ("Region",), "area": ("Region", "Place", "City")}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
OTHER = {"next", "other", "another", "neighbouring", "neighboring", "second", "new", "nearby"}
NP_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj"}
FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}
FIRST_PERSON = {"i", "me", "my", "myself", "mine"}
QUOTES = {'"', "\u201c", "\u201d"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}
ACTOR_CLASSES = {"Person", "Country", "Organization", "GovernmentBody", "ArmedGroup",
                 "MilitaryForce", "InternationalOrganization", "MediaOrganization"}
PLACE_CLASSES = {"Country", "City", "Region", "Place"}
# "the two sides", "both countries": what kind of entity each noun stands for
PAIR_NOUNS = {"side": ACTOR_CLASSES, "party": ACTOR_CLASSES, "country": {"Country"},
              "nation": {"Country"}, "leader": {"Person"}, "president": {"Person"},
              "government": {"Country", "GovernmentBody"}}


@dataclass
class Entity:
    """A real-world thing named in the text, with every surface form seen."""

    name: str
    cls: str
    wikidata: str | None = None
    geonames: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    surface_forms: set[str] = field(default_factory=set)
    offices: tuple[tuple[str, str], ...] = ()  # (title, state code or body) from the gazetteer
    iso_codes: tuple[str, str] | None = None  # a country's ISO 3166-1 alpha-2 and alpha-3 codes

    @property
    def key(self) -> str:
        return slug(self.name)

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Entity) and other.key == self.key


@dataclass
class Mention:
    start: int  # token index in the doc
    end: int
    text: str
    entity: Entity


def slug(name: str) -> str:
    """Lower-case ASCII words joined by hyphens: the stable local part of an entity IRI."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text.replace("'", "")).strip("-").lower()
    return text or "entity"


def clean_name(span: Span) -> tuple[str, Span]:
    """Strip a leading article, titles and a trailing possessive from a name span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and (doc[start].lower_ in {"the", "a", "an"}
                               or doc[start].lower_ in TITLES):
        start += 1
    while end > start + 1 and doc[end - 1].tag_ == "POS" or doc[end - 1].text in {"'s", "’s"}:
        end -= 1
        if end <= start:
            end = start + 1
            break
    while end > start + 1 and doc[end - 1].pos_ in ("ADP", "CCONJ", "PUNCT", "DET"):
        end -= 1  # "The Federal Aviation Office of"
    trimmed = doc[start:end]
    if end - start == 1 and trimmed[0].pos_ in ("DET", "ADP", "PRON"):
        return "", trimmed  # a lone "The" the model took for a name
    return re.sub(r"\s+", " ", trimmed.text).strip(" ,.\"'’‘“”"), trimmed


def _quoted(token: Token) -> bool:
    """Whether `token` stands inside quotation marks opened in its sentence."""
    sent = token.sent
    return sum(t.text in QUOTES for t in sent[:token.i - sent.start]) % 2 == 1


class Resolver:
    def __init__(self, doc: Doc, gazetteer: Gazetteer, lexicon: Lexicon, publisher: str | None = None):
        self.doc = doc
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.entities: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        self.by_token: dict[int, Mention] = {}
        self._find_mentions()
        self.publisher = self._publisher(publisher)

    # -- named mentions ------------------------------------------------------------------
    def _find_mentions(self) -> None:
        people_full: dict[str, set[str]] = {}  # last or first name -> full names in the article
        orgs_full: dict[str, set[str]] = {}  # first word -> organisation names ("Mahan Air")
        spans = [e for e in self.doc.ents if e.label_ in NAME_LABELS]
        votes: dict[str, Counter] = {}  # the small model labels one name differently in places
        for span in spans:
            votes.setdefault(clean_name(span)[0], Counter())[span.label_] += 1
        self._labels = {name: max(count, key=lambda label: (count[label], LABEL_PRIORITY[label]))
                        for name, count in votes.items()}
        for span in spans:
            name, _ = clean_name(span)
            known = span._.kg_known or self.gazetteer.lookup(name)
            if known is not None and known.cls == "Person" and " " in known.name:
                # "Boris Johnson" known: a later bare "Johnson" is him in this article
                parts = known.name.split()
                people_full.setdefault(parts[-1], set()).add(known.name)
            elif known is None and " " in name:
                parts = name.split()
                if span.label_ == "PERSON":
                    people_full.setdefault(parts[-1], set()).add(name)
                    people_full.setdefault(parts[0], set()).add(name)
                elif self._labels[name] == "ORG" and parts[0][:1].isupper() and parts[0].isalpha():
                    orgs_full.setdefault(parts[0], set()).add(name)
        organisations = {}  # short name -> (full name, class) of the organisation it stands for
        for first, names in orgs_full.items():
            if len(names) == 1 and first not in people_full:
                full = next(iter(names))
                organisations[first] = full
        acronyms: dict[str, Entity] = {}  # "People's Protection Units (YPG)": YPG is the units
        for span in spans:
            name, trimmed = clean_name(span)
            if not name or not any(ch.isalpha() for ch in name):
                continue
            known = span._.kg_known or self.gazetteer.lookup(name)
            if known is not None:
                entity = self._from_known(known)
            elif name in acronyms:
                entity = acronyms[name]
            elif name in organisations:
                # "Mahan" after "Mahan Air": the small model calls the short form a person or place
                full = organisations[name]
                entity = self.entity(full, self._class_of_name(full, "ORG"))
            else:
                if span.label_ == "PERSON" and " " not in name and len(people_full.get(name, ())) == 1:
                    name = next(iter(people_full[name]))
                known = self.gazetteer.lookup(name)
                entity = self._from_known(known) if known is not None else \
                    self.entity(name, self._class_of(span, name))
            entity.surface_forms.add(re.sub(r"\s+", " ", span.text).strip())
            short = self._acronym_after(span)
            if short and entity.cls != "Person" and short not in acronyms:
                acronyms[short] = entity
            mention = Mention(trimmed.start, trimmed.end, span.text, entity)
            self.mentions.append(mention)
            for i in range(span.start, span.end):
                self.by_token[i] = mention
        for token in self.doc:  # an acronym the model did not mark as a name: "the RSF captured"
            if token.i not in self.by_token and token.text in acronyms and token.pos_ == "PROPN":
                mention = Mention(token.i, token.i + 1, token.text, acronyms[token.text])
                self.mentions.append(mention)
                self.by_token[token.i] = mention
        self.mentions.sort(key=lambda m: m.start)

    def _acronym_after(self, span: Span) -> str | None:
        """'ACR' when the name is followed by '(ACR)' and ACR is a run of capitals."""
        doc, end = self.doc, span.end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
            short = doc[end + 1].text
            if short.isupper() and short.isalpha() and 2 <= len(short) <= 8:
                return short
        return None

    def _class_of(self, span: Span, name: str) -> str:
        return self._class_of_name(name, self._labels.get(name, span.label_))

    @staticmethod
    def _class_of_name(name: str, label: str) -> str:
        if label == "PERSON":
            return "Person"
        last = name.split()[-1].lower()
        if last in ORG_NAME_WORDS:
            return "ArmedGroup" if last in ARMED_NAME_WORDS else "Organization"
        if label == "GPE":
            return "Place"
        if label in ("LOC", "FAC"):
            return "Region" if label == "LOC" else "Place"
        head = name.split()[-1].lower()
        for cls, heads in ORG_HEADS.items():
            if head in heads:
                return cls
        return "Organization"

    def _from_known(self, known: KnownEntity) -> Entity:
        entity = self.entity(known.name, known.cls)
        entity.wikidata = entity.wikidata or known.wikidata
        entity.geonames = entity.geonames or known.geonames
        entity.latitude = entity.latitude if entity.latitude is not None else known.latitude
        entity.longitude = entity.longitude if entity.longitude is not None else known.longitude
        entity.offices = entity.offices or getattr(known, "offices", ())
        if known.cls == "Country" and known.country and known.iso3:
            entity.iso_codes = (known.country, known.iso3)
        return entity

    def state_of_capital(self, entity: Entity) -> Entity | None:
        """The state whose capital `entity` is ("Washington" acting -> the United States)."""
        if entity.cls != "City":
            return None
        if not hasattr(self, "_capital_states"):
            self._capital_states = {city.name: code for code, city in self.gazetteer.capitals.items()}
        code = self._capital_states.get(entity.name)
        known = self.gazetteer.countries.get(code) if code else None
        return self._from_known(known) if known is not None else None

    def office_of(self, person: Entity, title: str) -> Entity | None:
        """The state or body a known person holds the office `title` of ("president" -> Colombia
        for Gustavo Petro); none when the gazetteer knows no such office or knows several."""
        places = {where for held, where in person.offices if title_key(held) == title_key(title)}
        if len(places) != 1:
            return None
        where = places.pop()
        known = self.gazetteer.countries.get(where) or self.gazetteer.lookup(where)
        return self._from_known(known) if known is not None else None

    def entity(self, name: str, cls: str) -> Entity:
        key = slug(name)
        entity = self.entities.get(key)
        if entity is None:
            entity = Entity(name=name, cls=cls)
            self.entities[key] = entity
        elif entity.cls in ("Place", "Organization") and cls not in ("Place", "Organization"):
            entity.cls = cls
        return entity

    def topic(self, name: str, surface: str) -> Entity:
        entity = self.entity(name, "Topic")
        entity.surface_forms.add(surface)
        return entity

    def subplace(self, direction: str, place: Entity) -> Entity:
        """'the eastern part of Bakhmut' -> an entity 'eastern Bakhmut'."""
        entity = self.entity(f"{direction} {place.name}", "Region")
        entity.surface_forms.add(f"{direction} {place.name}")
        return entity

    # -- resolving a word --------------------------------------------------------------------
    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def country_of(self, token: Token) -> Entity | None:
        """A demonym ("Chinese") as its country."""
        known = self.gazetteer.demonym(token.text)
        if known is None:
            return None
        entity = self._from_known(known)
        entity.surface_forms.add(known.name)
        return entity

    def owner(self, token: Token) -> Entity | None:
        """The state or group a common noun belongs to: 'Russian forces', 'China's diplomat'."""
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                mention = self.mention_at(child)
                if mention and mention.entity.cls in ACTOR_CLASSES:
                    return mention.entity
                if child.dep_ == "amod" or child.tag_ in ("JJ", "NNP", "NNPS"):
                    country = self.country_of(child)
                    if country:
                        return country
        for prep in token.children:  # "members of the European Union", "forces of Syria"
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    mention = self.mention_at(pobj)
                    if pobj.dep_ == "pobj" and mention and mention.entity.cls in ACTOR_CLASSES:
                        return mention.entity
        return None

    def antecedent(self, token: Token, classes: set[str], prefer_subject: bool = True) -> Entity | None:
        """The entity of one of `classes` that `token` most likely refers back to.

        Looks at the current and the two previous sentences; a mention that was the subject of
        its clause wins over a more recent one that was not (the centre of attention), and among
        equals the most recent wins.
        """
        sentences = self._sentence_starts()
        index = max(i for i, start in enumerate(sentences) if start <= token.i)
        # "Armenia occupies it": an object pronoun is never its own clause's subject
        bound = set()
        if token.dep_ in ("dobj", "pobj") and token.lower_ not in ("itself", "himself", "herself"):
            bound = {self.mention_at(c).start for c in governing_verb(token).children
                     if c.dep_ == "nsubj" and self.mention_at(c)}
        for back in range(index, max(-1, index - 3), -1):
            start = sentences[back]
            end = sentences[back + 1] if back + 1 < len(sentences) else len(self.doc)
            best, best_subject = None, None
            for mention in self.mentions:
                if mention.start < start or mention.start >= min(end, token.i):
                    continue
                if mention.entity.cls not in classes or mention.start in bound:
                    continue
                best = mention.entity
                head = self.doc[mention.end - 1]
                if prefer_subject and (head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "dobj" and any(
                        c.dep_ == "xcomp" for c in head.head.children))):
                    best_subject = mention.entity
            if back == index and token.tag_ == "PRP$" and best:
                return best  # "Guyana's leadership, including its support": the nearest owner
            if best_subject or best:
                return best_subject or best
        return None

    def _object_it(self, token: Token) -> Entity | None:
        """'it' as an object: when the nearest noun phrase before it (not its own clause's
        subject) names no entity ("opposed Defund the Police while La Riva endorsed it"), 'it'
        is left unresolved rather than guessed; otherwise the usual antecedent."""
        classes = (ACTOR_CLASSES | PLACE_CLASSES) - {"Person"}
        for earlier in token.sent[:token.i - token.sent.start]:
            if earlier.lower_ == "it" and earlier.dep_ in ("nsubj", "nsubjpass"):
                # "It lies within Azerbaijan, but Artsakh occupies it": the same "it"
                return self.antecedent(earlier, classes)
        subjects = {c.i for c in governing_verb(token).children if c.dep_ == "nsubj"}
        for word in reversed(token.sent[:token.i - token.sent.start]):
            if word.pos_ not in ("NOUN", "PROPN") or word.dep_ not in NP_ROLES \
                    or word.tag_ in ("NNS", "NNPS") or word.i in subjects:
                continue
            found = self._resolve_one(word)
            if found is None or found.cls not in classes:
                return None
            break
        return self.antecedent(token, classes)

    def _publisher(self, source: str | None) -> Entity | None:
        """The state a government publisher speaks for: "The White House, Briefing Room" -> the
        United States. News outlets and unknown publishers speak for nobody."""
        if not source:
            return None
        name = re.split(r"[,(;]", source, maxsplit=1)[0].strip()
        known = self.gazetteer.lookup(name)
        if known is None or known.cls not in ("GovernmentBody", "Country"):
            return None
        if known.cls == "GovernmentBody" and known.country in self.gazetteer.countries:
            known = self.gazetteer.countries[known.country]
        return self._from_known(known)

    def quoted_speaker(self, token: Token) -> Entity | None:
        """Who "I" is in a quotation: the person the sentence says is speaking
        ('Stoltenberg wrote, "I count on Turkey"').

        Only a speaker outside the quotation, with a reporting verb, is taken."""
        if not _quoted(token):
            return None
        for verb in token.sent:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.lexicon.reporting_verbs \
                    or _quoted(verb):
                continue
            for child in verb.children:
                if child.dep_ == "nsubj":
                    speaker = self._resolve_one(child)
                    if speaker is not None and speaker.cls == "Person":
                        return speaker
        return None

    @staticmethod
    def _definite(token: Token) -> bool:
        """'the president' alone: no owner ('of Brazil', 'Brazil's') and no other modifier."""
        return any(c.dep_ == "det" and c.lower_ == "the" for c in token.children) and not any(
            c.dep_ in ("poss", "prep", "compound", "amod", "nmod", "appos") for c in token.children)

    def _sentence_starts(self) -> list[int]:
        if not hasattr(self, "_starts"):
            self._starts = [s.start for s in self.doc.sents]
        return self._starts

    def _examples(self, token: Token) -> list[Entity]:
        """'allies such as Germany and France' -> Germany, France."""
        found = []
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "as" and any(
                    c.lower_ == "such" for c in prep.children):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        for word in [pobj, *pobj.conjuncts]:
                            mention = self.mention_at(word)
                            if mention and mention.entity not in found:
                                found.append(mention.entity)
        return found

    def _pair(self, token: Token) -> list[Entity]:
        """'the two sides', 'both countries', 'the two leaders': the last two such entities named
        before, in this or the two previous sentences."""
        lemma = token.lemma_.lower()
        if lemma not in PAIR_NOUNS or token.pos_ != "NOUN" or not any(
                c.lower_ in ("two", "both") and c.dep_ in ("nummod", "det", "predet")
                for c in token.children):
            return []
        classes = PAIR_NOUNS[lemma]
        starts = self._sentence_starts()
        index = max(i for i, start in enumerate(starts) if start <= token.i)
        earliest = starts[max(0, index - 2)]
        found: list[Entity] = []
        for mention in reversed(self.mentions):
            if earliest <= mention.start < token.i and mention.entity.cls in classes \
                    and mention.entity not in found:
                found.append(mention.entity)
                if len(found) == 2:
                    return found[::-1]
        return []

    def resolve(self, token: Token) -> list[Entity]:
        """The entities a noun or pronoun stands for (several for 'X and Y')."""
        if self.mention_at(token) is None:
            examples = self._examples(token) or self._pair(token)
            if examples:
                return examples
        found = self._resolve_one(token)
        result = [found] if found else []
        for conj in token.conjuncts:
            if conj.i > token.i and conj.pos_ in ("PROPN", "NOUN", "PRON"):
                other = self._resolve_one(conj)
                if other and other not in result:
                    result.append(other)
        return result

    def _resolve_one(self, token: Token) -> Entity | None:
        mention = self.mention_at(token)
        if mention:
            return mention.entity
        lower = token.lower_
        if lower in TITLES and token.pos_ in ("NOUN", "PROPN"):
            # "US Ambassador to Germany Richard Grenell alleged": the parser made the title the
            # head of the phrase; the person named right after it is who is meant
            for tok in token.subtree:
                found = self.mention_at(tok)
                if tok.i > token.i and found and found.entity.cls == "Person":
                    return found.entity
        for example in self._examples(token)[:1]:
            return example
        if token.pos_ == "PRON":
            if lower in FIRST_PERSON:
                return self.quoted_speaker(token)
            if lower in FIRST_PLURAL and not _quoted(token):
                return self.publisher  # "our partnership with Colombia" in a government release
            if lower in PERSON_PRONOUNS:
                return self.antecedent(token, {"Person"})
            if lower in THING_PRONOUNS:
                if token.dep_ in ("dobj", "pobj"):  # "occupies it": a place as much as an actor
                    return self._object_it(token)
                return self.antecedent(token, ACTOR_CLASSES - {"Person"})
            return None
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        lemma = token.lemma_.lower()
        if lemma in PLACE_NOUNS and any(c.lower_ in ("the", "this", "that") for c in token.children) \
                and not any(c.lower_ in OTHER for c in token.children):  # not "the next city"
            for cls in PLACE_NOUNS[lemma]:  # the likeliest kind of place first
                place = self.antecedent(token, {cls}, prefer_subject=False)
                if place:
                    return place
        if lemma in self.lexicon.roles and token.pos_ == "NOUN" and self._definite(token):
            # "the president", "the prime minister": the person in the centre of attention
            return self.antecedent(token, {"Person"})
        if lemma in self.lexicon.actor_nouns:
            return self.owner(token)
        return None
