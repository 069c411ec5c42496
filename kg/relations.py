"""Relation rules over the dependency parse, driven by the lexicon (kg/data/lexicon.yaml).

`find_relations(sentence, resolver, lexicon)` yields `Candidate`s: subject entity, relation,
object entity, the word that carries the relation (its modality and attribution are read
from there) and the rule that fired. Rules:

- verbs: active and passive clauses, subjects shared through conjunctions, relative clauses,
  infinitival complements ("decided to defend X", "told Reuters Xi could visit X");
- nouns: "a visit by X to Y", "X's trip to Y", "talks with Y", "an invitation from X";
- titles: "Chinese President Xi Jinping", "Kremlin spokesman Dmitry Peskov",
  "Syrskyi, the commander of ground forces";
- places: "Bakhmut, a city in eastern Ukraine" (locatedIn), "the eastern part of the city"
  (a sub-place partOf the city).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Span, Token

from .entities import (ACTOR_CLASSES, DIRECTIONS, ORG_HEADS, PLACE_CLASSES, TITLES, Entity,
                       Resolver)
from .lexicon import SYMMETRIC, Lexicon, Reading
from .syntax import governing_verb

OBJECT_CONTROL = {"tell", "ask", "urge", "call", "invite", "order", "allow", "force", "persuade",
                  "press", "encourage", "help"}
DIRECTION_NOUNS = {d: d + "ern" for d in ("north", "south", "east", "west", "northeast",
                                           "northwest", "southeast", "southwest")}
NOT_THE_HOLDER = {"former", "ex", "ex-", "vice", "deputy", "late", "acting", "elect", "incoming",
                  "outgoing", "assistant"}
HOSTILE = {"attacks", "invades", "captures", "threatens", "suppliesArmsTo", "sanctions",
           "fightsAgainst"}
HARM_VERBS = {"kill", "hit", "destroy", "damage", "wound", "injure", "pound", "level"}
VAGUE_TOPICS = {"plan", "proposal", "initiative"}
AID_WORDS = {"aid", "assistance"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
AGENT_ACL = {"lead", "command", "head", "back", "support", "arm"}
PLACE_HEADS = {"city", "town", "village", "capital", "region", "province", "port", "district",
               "state", "country", "area", "territory"}


@dataclass(frozen=True)
class Candidate:
    subject: Entity
    relation: str
    object: Entity
    trigger: Token  # the word whose context gives modality and attribution
    rule: str


def find_relations(sent: Span, resolver: Resolver, lexicon: Lexicon) -> Iterator[Candidate]:
    rules = Rules(resolver, lexicon)
    seen = set()
    found = list(rules.run(sent))
    found += list(rules.accusations(found))
    for candidate in found:
        key = (candidate.subject.key, candidate.relation, candidate.object.key)
        if candidate.subject.key == candidate.object.key or key in seen:
            continue
        if candidate.relation == "meetsWith" and "MediaOrganization" in (
                candidate.subject.cls, candidate.object.cls):
            continue  # speaking to the press is an interview, not a meeting
        seen.add(key)
        yield candidate


class Rules:
    def __init__(self, resolver: Resolver, lexicon: Lexicon):
        self.resolver = resolver
        self.lexicon = lexicon
        self.extra: list[Candidate] = []  # facts found on the way (sub-places)

    def run(self, sent: Span) -> Iterator[Candidate]:
        for token in sent:
            if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in self.lexicon.verbs:
                yield from self.verb(token)
            elif token.pos_ == "NOUN" and token.lemma_.lower() in self.lexicon.nouns:
                yield from self.noun(token)
            elif token.pos_ == "NOUN" and any(c.dep_ == "compound" and c.lemma_.lower() in AID_WORDS
                                              for c in token.children):
                yield from self.noun(token, "aid")  # "a military aid package for Ukraine"
        yield from self.titles(sent)
        yield from self.places(sent)
        yield from self.allegations(sent)
        yield from self.extra
        self.extra = []

    def accusations(self, candidates: list[Candidate]) -> Iterator[Candidate]:
        """X alleges, believes or claims that Y does something hostile: X accuses Y
        ("the US believes China is considering arming Russia")."""
        believers = self.lexicon.modality["alleged_governors"]
        for candidate in candidates:
            if candidate.relation not in HOSTILE:
                continue
            token, came_by = candidate.trigger, None
            for _ in range(6):
                if token.head is token or token.dep_ not in ("ccomp", "xcomp", "conj"):
                    break
                came_by, token = token.dep_, token.head
                if token.pos_ == "VERB" and token.lemma_.lower() in believers and came_by == "ccomp":
                    for accuser in self.subjects(token):
                        if accuser != candidate.subject and accuser.cls in ACTOR_CLASSES:
                            yield Candidate(accuser, "accuses", candidate.subject, token,
                                            f"belief:{token.lemma_.lower()}")
                    break

    def allegations(self, sent: Span) -> Iterator[Candidate]:
        """X alleges that Y did something: X accuses Y ("Grenell alleged Mahan had contributed
        to human suffering")."""
        for verb in sent:
            if verb.pos_ != "VERB" or verb.lemma_.lower() != "allege":
                continue
            clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
            if verb.dep_ == "parataxis":  # "X alleged, by way of example, Y had ..."
                clauses.append(verb.head)
            accusers = [e for e in self.subjects(verb) if e.cls in ACTOR_CLASSES]
            for clause in clauses:
                for child in clause.children:
                    if child.dep_ != "nsubj":
                        continue
                    for accused in self.agents(child):
                        if accused.cls not in ACTOR_CLASSES:
                            continue
                        for accuser in accusers:
                            yield Candidate(accuser, "accuses", accused, verb, "allege")

    # -- verbs -------------------------------------------------------------------------------
    def verb(self, verb: Token) -> Iterator[Candidate]:
        lemma = verb.lemma_.lower()
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        for reading in self.lexicon.verbs[lemma]:
            if reading.needs and not self._has_object_lemma(verb, reading.needs):
                continue
            if reading.needs_as and not self._called_as(verb, reading.needs_as):
                continue
            if reading.intransitive and any(c.dep_ == "dobj" for c in verb.children):
                continue  # "called the election for Biden" is no appeal
            if reading.relation == "visits" and "dobj" not in reading.object and any(
                    c.dep_ == "dobj" for c in verb.children):
                continue  # "flies fighters to Syria" carries something; it is not a visit
            subjects = self.subjects(verb, passive)
            objects = self.objects(verb, reading, passive)
            if reading.subject == "conjuncts" and len(subjects) > 1 and not objects:
                # "China and Russia struck a partnership", "Trump and Erdogan spoke"
                for i, first in enumerate(subjects):
                    for second in subjects[i + 1:]:
                        yield Candidate(first, reading.relation, second, verb, f"verb:{lemma}")
            for subject in subjects:
                for obj in objects:
                    yield Candidate(subject, reading.relation, obj, verb, f"verb:{lemma}")

    def _called_as(self, verb: Token, lemmas) -> bool:
        """'named the PKK as terrorists', 'labelled it a terrorist organisation'."""
        words = [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"
                 for p in c.children if p.dep_ == "pobj"]
        words += [c for c in verb.children if c.dep_ == "oprd"]
        return any(w.lemma_.lower() in lemmas or any(
            m.lemma_.lower() in lemmas for m in w.children if m.dep_ in ("compound", "amod"))
            for w in words)

    def _has_object_lemma(self, verb: Token, lemmas) -> bool:
        return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in lemmas
                   for c in verb.children)

    def subjects(self, verb: Token, passive: bool | None = None, depth: int = 0) -> list[Entity]:
        if depth > 6:
            return []
        if passive is None:
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if passive:
            for child in verb.children:
                if child.dep_ == "agent":
                    return [e for pobj in child.children if pobj.dep_ == "pobj"
                            for e in self.agents(pobj)]
            if verb.dep_ == "relcl":
                return []  # "the university, where Dr. X was met with applause": no one who met
        for child in verb.children:
            if child.dep_ in ("nsubj",) or (child.dep_ == "nsubjpass" and not passive):
                if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    return self.agents(verb.head)
                return self.agents(child)
            if child.dep_ == "expl":
                return []
        head = verb.head
        if verb.dep_ in ("xcomp", "advcl") and head.lemma_.lower() in ("rely", "depend", "count"):
            # "Russia relies on China to buy its oil": China buys
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in ("on", "upon"):
                    return [e for p in prep.children if p.dep_ == "pobj" for e in self.agents(p)]
        if verb.dep_ == "xcomp":
            if head.lemma_.lower() in OBJECT_CONTROL:
                for child in head.children:
                    if child.dep_ in ("dobj",):
                        return self.agents(child)
                    if child.dep_ == "prep" and child.lower_ in ("on", "upon"):
                        return [e for p in child.children if p.dep_ == "pobj" for e in self.agents(p)]
            return self.subjects(head, None, depth + 1)
        if verb.dep_ in ("conj", "advcl") and head.pos_ in ("VERB", "AUX"):
            return self.subjects(head, None, depth + 1)
        if verb.dep_ == "pcomp" and head.lower_ in ("by", "after", "before", "while", "without") \
                and head.head.pos_ in ("VERB", "AUX"):
            return self.subjects(head.head, None, depth + 1)  # "X helped Y by supporting Z"
        if verb.dep_ == "relcl":
            return self.agents(head)
        if verb.dep_ == "acl" and head.pos_ == "NOUN":
            for child in head.children:
                if child.dep_ == "poss":
                    return self.agents(child)
        return []

    def agents(self, token: Token) -> list[Entity]:
        """Who acts when `token` is a subject: 'forces led by Wagner' -> Wagner, then the forces' owner."""
        found = []
        for child in token.children:
            if child.dep_ == "acl" and child.lemma_.lower() in AGENT_ACL:
                for agent in child.children:
                    if agent.dep_ == "agent":
                        for pobj in agent.children:
                            if pobj.dep_ == "pobj":
                                found.extend(self.resolver.resolve(pobj))
        for entity in self.resolver.resolve(token) + self._coordinated(token):
            # a capital that acts is its government: "Washington will send missiles"
            entity = self.resolver.state_of_capital(entity) or entity
            if entity not in found and entity.cls in ACTOR_CLASSES | PLACE_CLASSES:
                found.append(entity)
        return found

    def _coordinated(self, token: Token) -> list[Entity]:
        """Names joined to `token` by "and" that the parser hung elsewhere in the phrase:
        "US President Donald Trump and Turkish President Recep Tayyip Erdogan spoke"."""
        own = self.resolver.mention_at(token)
        if own is None or not any(t.dep_ == "cc" and t.lower_ == "and" for t in token.subtree):
            return []
        found = []
        for mention in self.resolver.mentions:
            if mention is own or not (token.left_edge.i <= mention.start <= token.i):
                continue
            if (mention.entity.cls == "Person") != (own.entity.cls == "Person"):
                continue
            nxt = token.doc[mention.end] if mention.end < len(token.doc) else None
            if nxt is not None and nxt.lower_ in self.lexicon.roles:
                continue  # a title's owner ("US President ..."), not a party
            between = token.doc[mention.end:own.start]
            if not any(t.lower_ == "and" and t.dep_ == "cc" for t in between):
                continue
            step = token.doc[mention.end - 1]
            for _ in range(12):  # bounded: a parse joined from chunks can hold a cycle
                if step.i == token.i or step.dep_ not in ("conj", "appos", "compound", "amod"):
                    break
                step = step.head
            if step.i == token.i:
                found.append(mention.entity)
        return found

    def objects(self, verb: Token, reading: Reading, passive: bool) -> list[Entity]:
        found: list[Entity] = []
        for spec in reading.object:
            if spec == "goods-owner":
                found = [e for e in self._goods_owner(verb) if e.cls in ACTOR_CLASSES]
                if found:
                    break
                continue
            for token in self._object_tokens(verb, spec, passive):
                for entity in self.thing(token, verb):
                    if reading.needs_actor_object and entity.cls not in ACTOR_CLASSES | PLACE_CLASSES:
                        continue
                    if reading.needs_topic_object and entity.cls != "Topic":
                        continue
                    if reading.needs_organisation_object and entity.cls in ("Person", "City", "Topic"):
                        continue
                    if entity not in found:
                        found.append(entity)
            if found:
                break
        return found

    def _goods_owner(self, verb: Token) -> list[Entity]:
        """Whose goods are bought: "buys Russian oil", "buys Russia's gas", "buys oil and gas
        Russia can no longer sell in Europe"."""
        found: list[Entity] = []
        for goods in [c for c in verb.children if c.dep_ == "dobj"]:
            for word in [goods, *goods.conjuncts]:
                for child in word.children:
                    if child.dep_ == "poss":
                        found += self.resolver.resolve(child)
                    elif child.dep_ == "amod" and self.resolver.country_of(child):
                        found.append(self.resolver.country_of(child))
                    elif child.dep_ == "relcl" and child.lemma_.lower() in ("sell", "export", "produce"):
                        found += [e for s in child.children if s.dep_ == "nsubj"
                                  for e in self.resolver.resolve(s)]
        return found

    def _object_tokens(self, verb: Token, spec: str, passive: bool) -> list[Token]:
        tokens: list[Token] = []
        if spec == "dobj":
            want = ("nsubjpass",) if passive else ("dobj",)
            tokens = [c for c in verb.children if c.dep_ in want]
            if not tokens and not passive:
                # the small parser sometimes attaches an unknown name as a modifier
                # ("defend Bakhmut" -> advmod): accept a named entity right after the verb
                tokens = [c for c in verb.children if c.dep_ in ("advmod", "npadvmod", "oprd")
                          and c.i > verb.i and self.resolver.mention_at(c) is not None
                          and self.resolver.mention_at(c).entity.cls != "Topic"]
        elif spec == "dative":
            tokens = [c for c in verb.children if c.dep_ == "dative"]
        elif spec.startswith("prep:"):
            word = spec[5:]
            holders = [verb] + [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
            for holder in holders:
                for child in holder.children:
                    if child.dep_ in ("prep", "dative") and child.lower_ == word:
                        tokens.extend(p for p in child.children if p.dep_ == "pobj")
        return tokens

    def thing(self, token: Token, predicate: Token | None = None) -> list[Entity]:
        """An object: an entity, a sub-place ('the eastern part of X') or a topic ('sanctions')."""
        sub = self.subplace(token)
        if sub:
            return [sub]
        entities = self.resolver.resolve(token)
        if entities and entities[0].cls != "Person":
            # "met with Caribbean Community (CARICOM) Secretary-General Carla Barnett": the
            # parser hangs the person on the organisation; the person is who was met
            people = [m.entity for c in token.children if c.dep_ == "appos"
                      for m in [self.resolver.mention_at(c)] if m and m.entity.cls == "Person"]
            if people:
                return people
        if entities:
            return entities
        if token.lemma_.lower() in self.lexicon.owned_nouns:
            # "Macron's statement", "called for G7 action"
            bare = not any(c.dep_ == "det" for c in token.children)  # not "the X decision"
            owners = [e for c in token.children if c.dep_ == "poss" or (
                bare and c.dep_ == "compound" and self.resolver.mention_at(c))
                for e in self.resolver.resolve(c) if e.cls in ACTOR_CLASSES]
            if owners:
                return owners
        agents = self.event_agents(token)
        if agents:
            return agents
        topic = self.topic(token, predicate)
        return [topic] if topic else []

    def event_agents(self, token: Token) -> list[Entity]:
        """Who did the event a definite noun refers back to: "Macron called for action. The call
        was seconded by Merkel" (the call is Macron's); "Turkey began an offensive ... The
        operation was condemned" (the operation is Turkey's)."""
        lemma = token.lemma_.lower()
        group = next((g for g in self.lexicon.event_groups if lemma in g), None)
        if group is None or token.pos_ != "NOUN" or not any(
                c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children):
            return []
        sentence_starts = [s.start for s in token.doc.sents if s.start <= token.i]
        earliest = sentence_starts[max(0, len(sentence_starts) - 6)]
        for earlier in reversed(token.doc[earliest:token.sent.start]):
            if earlier.lemma_.lower() not in group:
                continue
            if earlier.pos_ == "VERB":
                agents = self.subjects(earlier)
            elif earlier.pos_ == "NOUN" and earlier.lemma_.lower() in self.lexicon.nouns:
                agents = []
                for spec in self.lexicon.nouns[earlier.lemma_.lower()].subject:
                    agents = self._noun_slot(earlier, spec, subjects_of=True)
                    if agents:
                        break
            else:
                continue
            agents = [e for e in agents if e.cls in ACTOR_CLASSES]
            if agents:
                return agents
        return []

    def subplace(self, token: Token) -> Entity | None:
        lemma = token.lemma_.lower()
        if lemma in DIRECTION_NOUNS:  # "Syria's northeast" -> northeastern Syria
            for child in token.children:
                if child.dep_ == "poss":
                    places = [e for e in self.resolver.resolve(child) if e.cls in PLACE_CLASSES]
                    if places:
                        part = self.resolver.subplace(DIRECTION_NOUNS[lemma], places[0])
                        self.extra.append(Candidate(part, "partOf", places[0], token, "subplace"))
                        return part
            return None
        if lemma not in ("part", "side", "half", "outskirts"):
            return None
        direction = next((c.lower_ for c in token.children
                          if c.dep_ == "amod" and c.lower_ in DIRECTIONS), None)
        if direction is None:
            return None
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    places = [e for e in self.resolver.resolve(pobj) if e.cls in PLACE_CLASSES]
                    if places:
                        whole = places[0]
                        if direction in ("east", "west", "north", "south"):
                            direction += "ern"
                        part = self.resolver.subplace(direction, whole)
                        self.extra.append(Candidate(part, "partOf", whole, token, "subplace"))
                        return part
        return None

    def topic(self, token: Token, predicate: Token | None = None) -> Entity | None:
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or lemma not in self.lexicon.topics:
            return None
        words = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")
                 and c.i < token.i and c.pos_ in ("NOUN", "ADJ", "PROPN")]
        words = [w for w in words if w.lower_ not in ("first", "new", "long", "major")]
        phrase = " ".join([w.text for w in sorted(words, key=lambda t: t.i)] + [token.text])
        target_holders = [token] + ([predicate] if predicate is not None else [])
        for holder in target_holders:
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("against", "on", "for"):
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if prep.lower_ == "for" and pobj.lemma_.lower() in self.lexicon.topics:
                        inner = self.topic(pobj)
                        if inner:
                            phrase = f"{phrase} for {inner.name}"
                    elif prep.lower_ != "for" and holder is token or prep.lower_ == "against":
                        targets = self.resolver.resolve(pobj)
                        if targets:
                            phrase = f"{phrase} {prep.lower_} {targets[0].name}"
            if phrase != token.text:
                break
        if phrase == token.text and lemma in VAGUE_TOPICS:
            return None  # "announced plans to pull out": no plan one could name
        first = min([token] + words, key=lambda t: t.i)
        if first.is_sent_start and first.pos_ != "PROPN" and not self.resolver.country_of(first):
            phrase = phrase[:1].lower() + phrase[1:]  # "Sanctions were..." -> "sanctions"
        return self.resolver.topic(phrase, token.text)

    # -- nouns -------------------------------------------------------------------------------
    def noun(self, noun: Token, lemma: str | None = None) -> Iterator[Candidate]:
        reading = self.lexicon.nouns[lemma or noun.lemma_.lower()]
        relation = next((rel for word, rel in reading.modified for c in self._kinds(noun)
                         if c.lower_ == word or c.lemma_.lower() == word), reading.relation)
        rule = f"noun:{noun.lemma_.lower()}"
        parties = self._between(noun)
        if len(parties) > 1 and "between" in reading.subject:
            # "a pact between the European Union and Mercosur"
            for i, first in enumerate(parties):
                for second in parties[i + 1:]:
                    yield Candidate(first, relation, second, noun, rule)
            return
        subjects: list[Entity] = []
        for spec in reading.subject:
            subjects = self._noun_slot(noun, spec, subjects_of=True)
            if subjects:
                break
        objects: list[Entity] = []
        for spec in reading.object:
            objects = [e for e in self._noun_slot(noun, spec, subjects_of=False)
                       if not reading.needs_actor_object or e.cls in ACTOR_CLASSES | PLACE_CLASSES]
            if objects:
                break
        if not objects and len(subjects) > 1 and relation in SYMMETRIC and "doer" in reading.subject:
            # "Biden and Ghani reaffirmed their commitment to a partnership"
            for i, first in enumerate(subjects):
                for second in subjects[i + 1:]:
                    yield Candidate(first, relation, second, noun, rule)
        for subject in subjects:
            for obj in objects:
                yield Candidate(subject, relation, obj, noun, rule)

    @staticmethod
    def _kinds(noun: Token) -> list[Token]:
        """Words that say what kind of thing a noun is: "military aid", "support, including
        humanitarian aid"."""
        words = [c for c in noun.children if c.dep_ in ("amod", "compound")]
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("including", "like"):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        for item in [pobj, *pobj.conjuncts]:
                            words += [item] + [c for c in item.children if c.dep_ in ("amod", "compound")]
        return words

    def _between(self, noun: Token) -> list[Entity]:
        return [e for c in noun.children if c.dep_ == "prep" and c.lower_ == "between"
                for p in c.children if p.dep_ == "pobj" for e in self.agents(p)]

    def _doer(self, noun: Token) -> list[Entity]:
        """Who does what a noun names, through a verb of doing: "the SDF entered into an
        agreement with Syria", "the US pledged $1 billion in aid"."""
        verb = self._doing_verb(noun)
        return [e for e in self.subjects(verb) if e.cls in ACTOR_CLASSES] if verb else []

    def _doing_verb(self, noun: Token) -> Token | None:
        token = noun
        for _ in range(5):
            if token.dep_ not in ("pobj", "prep", "dobj", "attr", "appos") or token.head is token:
                return None
            token = token.head
            if token.pos_ in ("VERB", "AUX") and token.dep_ != "prep":  # not "including"
                return token if token.lemma_.lower() in self.lexicon.doer_governors else None
        return None

    def _noun_slot(self, noun: Token, spec: str, subjects_of: bool) -> list[Entity]:
        if spec == "poss":
            return [e for c in noun.children if c.dep_ == "poss" for e in self.agents(c)]
        if spec == "amod":
            found = []
            for c in noun.children:
                if c.dep_ in ("amod", "compound"):
                    mention = self.resolver.mention_at(c)
                    entity = mention.entity if mention else self.resolver.country_of(c)
                    if entity:
                        found.append(entity)
            return found
        if spec.startswith("prep:"):
            word = spec[5:]
            out = []
            # "began an offensive into Syria": the phrase may hang on the verb
            holders = [noun] + ([noun.head] if noun.dep_ == "dobj" or (
                # "Israeli airstrikes killed dozens in Gaza": the place of the harm
                noun.dep_ == "nsubj" and noun.head.lemma_.lower() in HARM_VERBS) else [])
            doing = None if subjects_of else self._doing_verb(noun)
            if doing is not None and doing not in holders:
                holders.append(doing)  # "pledged $1 billion in aid to Ukraine"
            preps = [c for h in holders for c in h.children]
            for prep in preps:
                if prep.dep_ in ("prep", "agent") and prep.lower_ == word:
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            out.extend(self.agents(pobj) if subjects_of else self.thing(pobj))
            return out
        if spec == "copula-subject":  # "Brazil is not a member of the G7"
            if noun.dep_ == "attr" and noun.head.lemma_ == "be":
                return [e for c in noun.head.children if c.dep_ == "nsubj" for e in self.agents(c)]
            return []
        if spec == "appos-head":  # "Vijay Goel, a member of the Rajya Sabha"
            if noun.dep_ == "appos":
                return [e for e in self.resolver.resolve(noun.head) if e.cls in ACTOR_CLASSES]
            return []
        if spec == "doer":
            return self._doer(noun)
        if spec == "copula-target":  # "X has been the subject of US sanctions", "X is under sanctions"
            prep = noun.head if noun.dep_ == "pobj" else None
            if prep is None or prep.lower_ not in ("of", "under"):
                return []
            holder = prep.head
            if prep.lower_ == "of" and holder.lemma_.lower() in ("subject", "target") \
                    and holder.dep_ == "attr":
                holder = holder.head
            if holder.lemma_ in ("be", "remain", "come", "fall", "stay"):
                return [e for c in holder.children if c.dep_ in ("nsubj", "nsubjpass")
                        for e in self.agents(c) if e.cls in ACTOR_CLASSES]
            return []
        if spec == "governor-subject":
            verb = governing_verb(noun.head)
            if verb.pos_ in ("VERB", "AUX"):
                return [e for e in self.subjects(verb) if e.cls in ACTOR_CLASSES]
        return []

    # -- titles ------------------------------------------------------------------------------
    def titles(self, sent: Span) -> Iterator[Candidate]:
        resolver = self.resolver
        doc = sent.doc
        for mention in resolver.mentions:
            if mention.entity.cls != "Person" or not (sent.start <= mention.start < sent.end):
                continue
            left = self._title_words(mention, sent)
            role = self._role_in(left)
            if role:
                relation, role_token, title = role
                owner = self._owner_among([t for t in left if t.i < role_token.i], mention,
                                          allow_person=relation == "spokespersonFor")
                if owner is None:
                    owner = self._of_owner(doc[mention.end - 1])
                if owner is None:  # "President Gustavo Petro": the office the gazetteer knows
                    owner = resolver.office_of(mention.entity, title)
                if owner is not None:
                    yield Candidate(mention.entity, relation, owner, role_token,
                                    f"title:{role_token.lower_}")
            head = doc[mention.end - 1]
            # "Syrskyi, the commander of ground forces" and "Merkel's spokesperson, Steffen Seibert"
            nouns = [c for c in head.children if c.dep_ == "appos"]
            if head.dep_ == "appos":
                nouns.append(head.head)
            nouns += self._copula_roles(head)
            for noun in nouns:
                relation = self.lexicon.roles.get(noun.lemma_.lower())
                if relation is None or any(c.lower_ in NOT_THE_HOLDER for c in noun.children):
                    continue
                if self._function_role(noun):
                    continue
                owner = self._of_owner(noun) or self._whose_owner(noun) or self._owner_among(
                    [c for c in noun.children if c.dep_ in ("poss", "compound", "amod")], mention,
                    allow_person=relation == "spokespersonFor")
                if owner is not None:
                    yield Candidate(mention.entity, relation, owner, noun,
                                    f"appos:{noun.lemma_.lower()}")

    @staticmethod
    def _copula_roles(head: Token) -> list[Token]:
        """The role noun on the other side of "is": "Y is the president of X", "X's president
        is Y", "the army, whose commander-in-chief is Y"."""
        verb = head.head
        if verb is head or verb.lemma_ != "be" or head.dep_ not in ("attr", "nsubj"):
            return []
        other = "nsubj" if head.dep_ == "attr" else "attr"
        return [c for c in verb.children if c.dep_ == other and c.pos_ == "NOUN"]

    def _function_role(self, noun: Token) -> bool:
        """'chief of staff', 'head of research': a function inside a body, not its head."""
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and not self.resolver.resolve(pobj) \
                            and self._body(pobj) is None and pobj.pos_ == "NOUN":
                        return True
        return False

    def _whose_owner(self, noun: Token) -> Entity | None:
        """'the Syrian Army, whose commander is Y' -> the Syrian Army."""
        if not any(c.dep_ == "poss" and c.lower_ == "whose" for c in noun.children):
            return None
        verb = noun.head
        if verb.dep_ == "relcl":
            found = [e for e in self.resolver.resolve(verb.head) if e.cls != "Person"]
            return found[0] if found else None
        return None

    def _title_words(self, mention, sent: Span) -> list[Token]:
        """The words written before a name as its title: "Turkish President", "NATO
        Secretary-General", "Ukraine's President" (nearest first)."""
        doc = sent.doc
        left: list[Token] = []
        i = mention.start - 1
        while i >= sent.start and len(left) < 8:
            tok = doc[i]
            if tok.text == ")" and i - 2 >= sent.start and doc[i - 2].text == "(":
                left.extend([tok, doc[i - 1], doc[i - 2]])  # "Caribbean Community (CARICOM) Secretary-General"
                i -= 3
                continue
            role = tok.lower_ in self.lexicon.roles
            named = self.resolver.mention_at(tok) is not None
            titled = tok.is_title or tok.is_upper or tok.text in ("-", "'s", "’s") or role
            # a capitalised first word of the sentence is a title word only if it is a role or a name
            ends = (not titled or tok.pos_ in ("DET", "VERB", "CCONJ")
                    or (tok.is_sent_start and not role and not named
                        and tok.lower_ not in NOT_THE_HOLDER | TITLES))  # "Former President X"
            if ends:
                if titled and (named or self.resolver.country_of(tok)):
                    left.append(tok)
                break
            left.append(tok)
            i -= 1
        return left

    def _role_in(self, words: list[Token]):
        """The title word (or words: "prime minister", "secretary-general") among `words`;
        none for a past, future or deputy holder ("former President", "President-elect")."""
        ordered = sorted(words, key=lambda t: t.i)
        if any(t.lower_ in NOT_THE_HOLDER for t in ordered) or "-elect" in "".join(
                t.lower_ for t in ordered):
            return None
        for size in (3, 2, 1):
            for k in range(len(ordered) - size + 1):
                group = ordered[k:k + size]
                text = "".join(t.lower_ + t.whitespace_ for t in group).strip()
                relation = self.lexicon.roles.get(text)
                if relation:
                    return relation, group[0], text
        return None

    def _owner_among(self, tokens: list[Token], mention, allow_person: bool = False) -> Entity | None:
        for tok in sorted(tokens, key=lambda t: -t.i):
            found = self.resolver.mention_at(tok)
            if found is not None and found is not mention and (
                    allow_person or found.entity.cls != "Person"):
                return found.entity
            country = self.resolver.country_of(tok)
            if country is not None and tok.dep_ in ("amod", "compound", "nmod", "conj", "nsubj"):
                return country
        return None

    def _of_owner(self, token: Token) -> Entity | None:
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    found = [e for e in self.resolver.resolve(pobj) if e.cls != "Person"]
                    if found:
                        return found[0]
                    return self._body(pobj)
        return None

    def _body(self, token: Token) -> Entity | None:
        """An unnamed body given by a noun phrase: 'ground forces', 'the foreign ministry'."""
        for cls, heads in ORG_HEADS.items():
            if token.lower_ in heads:
                words = [c for c in token.children if c.dep_ in ("compound", "amod") and c.i < token.i]
                if not words:
                    return None
                owner = next((self.resolver.country_of(w) for w in words
                              if self.resolver.country_of(w)), None)
                phrase = " ".join(w.text for w in sorted(words, key=lambda t: t.i)
                                  if not self.resolver.country_of(w)) + " " + token.text
                name = f"{owner.name} {phrase.strip()}" if owner else phrase.strip()
                entity = self.resolver.entity(name, cls)
                entity.surface_forms.add(token.doc[min(w.i for w in words):token.i + 1].text)
                return entity
        return None

    # -- places ------------------------------------------------------------------------------
    def _described_by_adjacency(self, mention, sent: Span):
        """'Bakhmut, a small ruined city in eastern Ukraine': read off the word order, since the
        parser often attaches such an apposition elsewhere."""
        doc = sent.doc
        i = mention.end
        if i >= sent.end or doc[i].text != ",":
            return None
        i += 1
        if i < sent.end and doc[i].lower_ in ("a", "an", "the"):
            i += 1
        while i < sent.end and doc[i].pos_ in ("ADJ", "VERB", "ADV") and doc[i].tag_ in ("JJ", "VBN", "RB", "JJS"):
            i += 1
        if i + 1 >= sent.end or doc[i].lemma_.lower() not in PLACE_HEADS or doc[i + 1].lower_ != "in":
            return None
        i += 2
        while i < sent.end and (doc[i].lower_ in ("the",) or doc[i].lower_ in DIRECTIONS):
            i += 1
        found = self.resolver.mention_at(doc[i]) if i < sent.end else None
        if found and found.entity.cls in PLACE_CLASSES and found.entity != mention.entity:
            return doc[i], found.entity
        return None

    def places(self, sent: Span) -> Iterator[Candidate]:
        for mention in self.resolver.mentions:
            if not (sent.start <= mention.start < sent.end) or mention.entity.cls not in PLACE_CLASSES:
                continue
            head = sent.doc[mention.end - 1]
            described = self._described_by_adjacency(mention, sent)
            if described is not None:
                yield Candidate(mention.entity, "locatedIn", described[1], described[0], "appos:in")
                continue
            for appos in head.children:
                if appos.dep_ != "appos":
                    continue
                found = self.resolver.mention_at(appos)
                if found and found.entity.cls == "Country" and mention.entity.cls in ("City", "Region", "Place"):
                    yield Candidate(mention.entity, "locatedIn", found.entity, appos, "appos:place")
                    continue
                if appos.lemma_.lower() not in PLACE_HEADS:
                    continue
                for prep in appos.children:
                    if prep.dep_ == "prep" and prep.lower_ == "in":
                        for pobj in prep.children:
                            for entity in self.resolver.resolve(pobj):
                                if entity.cls in PLACE_CLASSES:
                                    yield Candidate(mention.entity, "locatedIn", entity, appos,
                                                    "appos:in")
