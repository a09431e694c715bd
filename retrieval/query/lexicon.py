"""Shoppers' words as data, loaded once: garment words, needs, relative words and their orders,
requests the engine cannot serve, colours (``data/words.yaml``, ``data/needs.yaml``,
``data/orders.yaml``, ``data/colours.yaml``), plus two libraries for the words no file lists:

- ``wordfreq`` tells an ordinary English word ("pair", "fact", "stock") from a likely
  misspelling: an ordinary word is never corrected into a catalogue name and never blocks a turn;
- ``lemminflect`` gives the lemma of a plural the tree does not list ("blazers" -> blazer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from models.tree import EITree
from retrieval.catalog.complements import Complements

from .colours import ColourSpace

ORDINARY_ZIPF = 3.5  # wordfreq Zipf frequency from which a word is ordinary English (about 3 per million words)
RARE_ZIPF = 2.0  # below this a word is barely English ("pynk", "shrts"): likely a typo, worth asking about
BASE_ZIPF = 2.5  # a word and its base form both this common are read as one ("cycling", "cycle")
COMPARATIVE_ZIPF = 1.0  # a made comparative is used from here ("snugger" is English, "formaller" is not)
FILLER_ZIPF = 4.5  # from here a word is too common to describe a product ("pair", "stock", "fact", "love")
OTHER_LANGUAGE_ZIPF = ORDINARY_ZIPF  # how common a word of ``ordinary_words`` counts: ordinary, never a typo
_ordinary_words: set[str] = set()  # the ``ordinary_words`` of the loaded data/words.yaml


@dataclass
class Need:
    """A need ("keep me warm"): concepts requested (weight 1) and defaults (weight below 1)."""

    name: str
    requests: list[str]
    defaults: list[str]
    ask: str | None = None
    place: bool = False  # where it is worn or kept ("for my feet"): its categories outrank other needs'
    joined: dict[str, list[str]] = field(default_factory=dict)  # another need said with it -> what both mean
    gives_way: bool = False  # a reason to buy (a gift): its product defaults give way to another need's
    holds: bool = False  # its products go with the thing in hand ("my trousers slide down": a belt for them)
    season: bool = False  # a weather or season: with an ailment, when it ails ("dry in winters")
    ails: bool = False  # a complaint of the body ("dry skin", "sweaty feet")


@dataclass
class Relative:
    """A relative word ("darker"): the order it moves along, the direction and a fallback order."""

    order: str
    direction: int
    fallback: str | None = None
    steps: int = 1  # steps when the shopper says none ("plainer": all the way to the plainest)
    say: str | None = None  # how the reply names the move when not as said ("too dark": "less dark")
    softens: bool = False  # "nothing too bright": a limit on the colour said in the turn, not a move from it


@dataclass
class Lexicon:
    garments: dict[str, list[str]] = field(default_factory=dict)  # phrase -> concept ids (any of)
    negated_groups: dict[str, str] = field(default_factory=dict)  # group word -> value name
    features: dict[str, list[str]] = field(default_factory=dict)  # part word -> value names (any of)
    photo_words: set[str] = field(default_factory=set)
    photo_phrases: list[str] = field(default_factory=list)  # "that style": the photo, said in words
    photo_determiners: set[str] = field(default_factory=set)  # "never mind THE pic": still the photo negated
    photo_leaving: list[str] = field(default_factory=list)  # "leave the photo": said a few words before it
    anything_cues: list[str] = field(default_factory=list)  # "what do you have for boys at all": any product
    anything_idioms: list[str] = field(default_factory=list)  # "if at all possible": no such cue
    wearer_marks: dict[str, str] = field(default_factory=dict)  # "(f)" -> Women: who the shopper is
    reference_words: list[str] = field(default_factory=list)  # "similar to": a turn about a shown product
    limits: list[tuple[str, list[re.Pattern], str]] = field(default_factory=list)  # (topic, patterns, sentence)
    needs: dict[str, Need] = field(default_factory=dict)  # phrase -> need
    possessives: list[str] = field(default_factory=list)  # his, her ...: whose a place or a thing is
    drop_words: list[str] = field(default_factory=list)  # "drop the printed ones": what follows is excluded
    child_of: dict[str, str] = field(default_factory=dict)  # Men -> Boys: each adult gender's children's (``ages``)
    grown_of: dict[str, str] = field(default_factory=dict)  # Girls -> Women
    child_words: list[str] = field(default_factory=list)  # "school", "outgrowing": a son or a daughter is a child
    adult_words: list[str] = field(default_factory=list)  # "in college", "first job": a son or a daughter is grown
    grown_words: set[str] = field(default_factory=set)  # "men", "ladies": a wearer named so is grown, school or not
    gender_names: set[str] = field(default_factory=set)  # "for men": the wearer's gender itself, beyond a relative's
    need_forms: dict[str, Need] = field(default_factory=dict)  # phrase's base forms ("evening walk") -> need
    orders: dict[str, tuple[str, list[list[str]]]] = field(default_factory=dict)  # name -> (group, ranks)
    stand_ins: set[str] = field(default_factory=set)  # orders whose nearest value may stand in for a missing one
    relative: dict[str, Relative] = field(default_factory=dict)  # phrase -> move
    steps: dict[str, int] = field(default_factory=dict)  # "a bit" -> 1, "much" -> 2
    bounds: set[str] = field(default_factory=set)  # "nothing shorter": a relative word that bounds, not moves
    degree_pattern: re.Pattern | None = None  # "a bit", "really": words a need's phrase is read without
    positions: dict[str, int] = field(default_factory=dict)  # "the top one" -> 1, "second to last" -> -2
    counted_nouns: set[str] = field(default_factory=set)  # "7th birthday", "first job": no position
    spellings: dict[str, str] = field(default_factory=dict)  # chat spellings: "wmn" -> "women", "blk" -> "black"
    filler_phrases: list[str] = field(default_factory=list)  # "in short", "long story short": no request
    questions: dict[str, str] = field(default_factory=dict)  # a need's optional question: "budget" -> sentence
    colours: ColourSpace | None = None
    hedges: list[re.Pattern] = field(default_factory=list)  # "not sure", "no. 2": no negation
    colour_words: list[str] = field(default_factory=list)  # "shade": colour, not sunglasses, near a colour
    negations: set[str] = field(default_factory=set)  # "not", "without", "anything but": what follows is excluded
    negations_after: set[str] = field(default_factory=set)  # "is a no", "are boring": what comes before is excluded
    fit_complaints: set[str] = field(default_factory=set)  # "looks baggy on me": a fit refused, never the product
    worn_with: list[str] = field(default_factory=list)  # "belts for wearing with jeans": the jeans are no request
    suffered_in: list[str] = field(default_factory=list)  # "killing me in heels": the heels are no request
    complaint_framers: set[str] = field(default_factory=set)  # "i hate how hot my legs get": the need is wanted
    part_nouns: set[str] = field(default_factory=set)  # "a jeans pocket", "a silver buckle": a part of a product
    colour_matches: list[str] = field(default_factory=list)  # "a belt to match": the colour of what it goes with
    worn_by: dict[str, str] = field(default_factory=dict)  # product id -> the gender that alone wears it
    pair_cue: re.Pattern | None = None  # "need something to wear under it": goes with one had (``pair_cues``)
    pair_phrases: set[str] = field(default_factory=set)  # "pair with", "goes with": the ``pair_cues`` themselves
    had_cues: set[str] = field(default_factory=set)  # "bought a white kurta": the product is had, not asked
    under_words: set[str] = field(default_factory=set)  # "under it", "below them"
    worn_under: dict[str, list[str]] = field(default_factory=dict)  # product id -> the products worn under it
    below_words: set[str] = field(default_factory=set)  # "below it": what is worn below, not under
    worn_below: dict[str, list[str]] = field(default_factory=dict)  # product id -> the products worn below it
    pairs: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # product id -> (partner id, products), most first
    affirmations_after: set[str] = field(default_factory=set)  # "formal shirts only": no negated list goes on to it
    affirmations_after_comma: set[str] = field(default_factory=set)  # "no heels, flats please": after a comma
    wanting_before: set[str] = field(default_factory=set)  # "not white, more of an ivory": no list goes on
    shaded_products: set[str] = field(default_factory=set)  # make-up: its "shades" are colours
    amount_words: frozenset[str] = frozenset()  # "a pack of basics": before "of", no brand cue
    matching_words: frozenset[str] = frozenset()  # "a matching belt": a product in the reference's colour
    colour_finishes: frozenset[str] = frozenset()  # "silver metallic": a sheen beside a colour, no second colour
    modifier_names: frozenset[str] = frozenset()  # "short kurtis": a product name that describes the next one
    self_cues: set[str] = field(default_factory=set)  # "i'm a", "am a": a wearer's word of the shopper (``ages``)
    answered_no: set[str] = field(default_factory=set)  # "solids? nah": a no after a question mark
    owned: set[str] = field(default_factory=set)  # "i only own": the product after it is had, not wanted
    context_cues: set[str] = field(default_factory=set)  # "for my", "over my": the product after them is the context
    worn_cues: set[str] = field(default_factory=set)  # "he wears mostly": context beside another product asked for
    replacing: set[str] = field(default_factory=set)  # "replace my sneakers": the product owned is wanted anew
    why_words: set[str] = field(default_factory=set)  # "why", "explain": a question about the results
    exclusion_cues: set[str] = field(default_factory=set)  # "dont": confirms the NLU's exclude role in its clause
    adjacent_cues: set[str] = field(default_factory=set)  # "besides": ... when just before the term
    but_cues: set[str] = field(default_factory=set)  # "but": ... just before it, after an any_words word
    any_words: set[str] = field(default_factory=set)  # "any brand but puma", "everything but black"
    alike_words: set[str] = field(default_factory=set)  # "anything similar but in black": no exclusion
    price_negations: set[str] = field(default_factory=set)  # "can't go over 1500": at most 1500
    shown_subjects: list[str] = field(default_factory=list)  # "these cost more ...": said of the products shown
    likened: re.Pattern | None = None  # "these look like pyjamas": a comparison, no request (``likened_cues``)
    cue_verbs: set[str] = field(default_factory=set)  # "dont show me any X": the words an anywhere cue may reach over
    counterparts: dict[str, list[str]] = field(default_factory=dict)  # type -> the types standing in for another gender
    settling: list[str] = field(default_factory=list)  # "short sleeves will do": accepting, not dropping
    verb_names: dict = field(default_factory=dict)  # "to dress traditional": the verb, not the product
    home_names: dict = field(default_factory=dict)  # "at a friend's flat": the home, not the product
    version_words: list[str] = field(default_factory=list)  # "is there a brown version" of a shown product
    request_cues: list[str] = field(default_factory=list)  # "need something to": the need asked for
    place_cues: list[str] = field(default_factory=list)  # "on the sand": a place, not a shade
    town_cues: set[str] = field(default_factory=set)  # "in Mumbai": a town, not the start of a brand's name
    towns: set[str] = field(default_factory=set)  # "survive Mumbai monsoon": a town, never part of a brand's name
    company_words: set[str] = field(default_factory=set)  # "with the wife": company, not the wearer
    event_hosts: set[str] = field(default_factory=set)  # "office cricket match": whose event, not its dress
    host_verbs: set[str] = field(default_factory=set)  # "my office has casual fridays": the host's event
    company_nouns: set[str] = field(default_factory=set)  # "with the office gang": company, not a setting
    look_words: set[str] = field(default_factory=set)  # "barbie vibe": a brand's look, not the brand
    advice_words: list[str] = field(default_factory=list)  # "my wife insists i need one": her advice, not her
    in_hand_before: set[str] = field(default_factory=set)  # "my": the product the shopper has
    in_hand_owners: set[str] = field(default_factory=set)  # "my", "his old": whose the product is
    in_hand_links: set[str] = field(default_factory=set)  # "are", "keep": between that product and its need
    in_hand_wished: set[str] = field(default_factory=set)  # "in a saree": after these the product is wished for
    in_hand_tastes: list[str] = field(default_factory=list)  # "my wife loves makeup": a taste, that kind wanted
    dress_codes: list[str] = field(default_factory=list)  # "we're all wearing": what everyone wears is wanted
    contents_cues: set[str] = field(default_factory=set)  # "carry my phone and lipstick": what is carried
    body_parts: set[str] = field(default_factory=set)  # "my lips": a body part, not a product the shopper has
    ages: dict = field(default_factory=dict)  # which genders an age said keeps ("my 8 year old niece": Girls)
    same_as: list[str] = field(default_factory=list)  # "same" colour as the 2nd: keep the reference's value
    other_than: list[str] = field(default_factory=list)  # "another" colour: leave the reference's value out
    vague_words: set[str] = field(default_factory=set)  # "anything": may stand between a negation and its words
    describing_words: set[str] = field(default_factory=set)  # "i have a little black dress": owned all the same
    owned_after: set[str] = field(default_factory=set)  # "every pair of shoes i own": what the shopper has
    loose_names: set[str] = field(default_factory=set)  # "outfit": clothes asked for, not "my outfit"
    kind_words: set[str] = field(default_factory=set)  # "a gold watch, the bracelet kind": a style of the watch
    thing_words: set[str] = field(default_factory=set)  # "leggings, the jegging thing": the jeggings
    size_word_followers: set[str] = field(default_factory=set)  # "small please": a size; "small stuff": none
    size_word_leaders: set[str] = field(default_factory=set)  # "something small": no size
    shown_pointers: list[str] = field(default_factory=list)  # "can these come in white": the shown products
    similar_asks: list[str] = field(default_factory=list)  # "show me more like that": similar products
    hyphen_before: re.Pattern | None = None  # "non-leather": a prefix joined by a hyphen
    hyphen_after: re.Pattern | None = None  # "hoodie-type": a suffix joined by a hyphen
    worn_out: list[str] = field(default_factory=list)  # "every tee i own has holes": replaced, so asked for
    list_joiners: set[str] = field(default_factory=set)  # "or", "ya": a negation carries through the list
    alternative_joiners: set[str] = field(default_factory=set)  # "a top or shirt": either product

    @classmethod
    def load(cls, data_dir: Path, tree: EITree, complements: Complements | None = None) -> "Lexicon":
        """Read and check the files; concept ids the tree lacks are skipped. ``complements``: the
        styling advice's table the engine's outfits read too (else ``complements.yaml`` here)."""
        def doc(name: str) -> dict:
            path = Path(data_dir) / name
            return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}

        words, needs, orders = doc("words.yaml"), doc("needs.yaml"), doc("orders.yaml")
        ordinary_words = {key(w) for w in words.get("ordinary_words") or []}
        if ordinary_words != _ordinary_words:
            _ordinary_words.clear()
            _ordinary_words.update(ordinary_words)
            zipf.cache_clear()
        known = lambda ids: [c for c in ids if c in tree.nodes]  # noqa: E731
        out = cls()
        out.garments = {key(p): known(ids) for p, ids in (words.get("garments") or {}).items() if known(ids)}
        out.negated_groups = {key(k): str(v) for k, v in (words.get("negated_groups") or {}).items()}
        out.features = {key(k): [str(n) for n in v] for k, v in (words.get("features") or {}).items()}
        out.photo_words = {key(w) for w in words.get("photo_words") or [] if " " not in key(w)}
        out.photo_phrases = [key(w) for w in words.get("photo_words") or [] if " " in key(w)]
        out.photo_determiners = {key(w) for w in words.get("photo_determiners") or []}
        out.photo_leaving = [key(w) for w in words.get("photo_leaving") or []]
        out.anything_cues = [key(w) for w in words.get("anything_cues") or []]
        out.anything_idioms = sorted((key(w) for w in words.get("anything_idioms") or []), key=len, reverse=True)
        out.wearer_marks = {key(k): str(v) for k, v in (words.get("wearer_marks") or {}).items()}
        out.reference_words = [key(w) for w in words.get("reference_words") or []]
        out.hedges = [re.compile(p) for p in words.get("hedges") or []]
        out.colour_words = [key(w) for w in words.get("colour_words") or []]
        out.negations = {str(w).lower() for w in words.get("negations") or []}
        out.negations_after = {str(w).lower() for w in words.get("negations_after") or []}
        out.fit_complaints = {str(w).lower() for w in words.get("fit_complaints") or []}
        out.worn_with = [key(w) for w in words.get("worn_with") or []]
        out.suffered_in = [key(w) for w in words.get("suffered_in") or []]
        out.complaint_framers = {key(w) for w in words.get("complaint_framers") or []}
        out.part_nouns = {key(w) for w in words.get("part_nouns") or []}
        out.colour_matches = [key(w) for w in words.get("colour_matches") or []]
        out.worn_by = {str(k): str(v) for k, v in (words.get("worn_by") or {}).items() if str(k) in tree.nodes}
        cues = "|".join(re.escape(key(w)) for w in sorted(words.get("pair_cues") or [], key=len, reverse=True))
        out.pair_cue = re.compile(rf"\b(?:(?:{cues})\s+(?:it|them|this|these|that|those)|pair\s+(?:it|them)\s+with"
                                  rf"|matching)\b") if cues else None
        out.pair_phrases = {key(w) for w in words.get("pair_cues") or []}
        out.had_cues = {key(w) for w in words.get("had_cues") or []}
        out.under_words = {key(w) for w in words.get("under_words") or []}
        out.worn_under = {str(k): known(v) for k, v in (words.get("worn_under") or {}).items() if str(k) in tree.nodes}
        out.below_words = {key(w) for w in words.get("below_words") or []}
        out.worn_below = {str(k): known(v) for k, v in (words.get("worn_below") or {}).items() if str(k) in tree.nodes}
        if complements is None and (Path(data_dir) / "complements.yaml").exists():
            complements = Complements.load(Path(data_dir) / "complements.yaml")
        out.pairs = _pairs(complements, tree) if complements is not None else {}
        out.affirmations_after = {str(w).lower() for w in words.get("affirmations_after") or []}
        out.affirmations_after_comma = {str(w).lower() for w in words.get("affirmations_after_comma") or []}
        out.wanting_before = {key(w) for w in words.get("wanting_before") or []}
        out.shaded_products = {str(c) for c in words.get("shaded_products") or []}
        out.amount_words = frozenset(key(w) for w in words.get("amount_words") or [])
        out.modifier_names = frozenset(key(w) for w in words.get("modifier_names") or [])
        out.colour_finishes = frozenset(key(w) for w in words.get("colour_finishes") or [])
        out.matching_words = frozenset(key(w) for w in words.get("matching_words") or [])
        out.answered_no = {str(w).lower() for w in words.get("answered_no") or []}
        out.owned = {str(w).lower() for w in words.get("owned") or []}
        out.why_words = {str(w).lower() for w in words.get("why_words") or []}
        out.replacing = {str(w).lower() for w in words.get("replacing") or []}
        out.context_cues = {str(w).lower() for w in words.get("context_cues") or []}
        out.worn_cues = {str(w).lower() for w in words.get("worn_cues") or []}
        cues = words.get("exclusion_cues") or {}
        out.exclusion_cues = {str(w).lower() for w in cues.get("anywhere") or []}
        out.adjacent_cues = {str(w).lower() for w in cues.get("just_before") or []}
        out.but_cues = {str(w).lower() for w in cues.get("but") or []}
        out.alike_words = {str(w).lower() for w in cues.get("alike") or []}
        out.price_negations = {key(w) for w in words.get("price_negations") or []}
        out.shown_subjects = [key(w) for w in words.get("shown_subjects") or []]
        subjects = "|".join(re.escape(w) for w in sorted(out.shown_subjects, key=len, reverse=True))
        likened = "|".join(re.escape(key(w)) for w in sorted(words.get("likened_cues") or [], key=len, reverse=True))
        out.likened = re.compile(rf"\b(?:{subjects})\s+(?:all\s+|just\s+|kind of\s+|really\s+)?(?:{likened})"
                                 rf"\s+(?:a\s+|an\s+|some\s+|my\s+)?(?:[a-z']+\s+)?$") if subjects and likened else None
        out.any_words = {str(w).lower() for w in cues.get("after_any") or []}
        out.cue_verbs = {str(w).lower() for w in cues.get("show_words") or []}
        out.same_as = [key(w) for w in words.get("same_as") or []]
        out.other_than = [key(w) for w in words.get("other_than") or []]
        out.vague_words = {str(w).lower() for w in words.get("vague_words") or []}
        out.describing_words = {str(w).lower() for w in words.get("describing_words") or []}
        out.owned_after = {key(w) for w in words.get("owned_after") or []}
        out.loose_names = {key(w) for w in words.get("loose_names") or []}
        out.kind_words = {key(w) for w in words.get("kind_words") or []}
        out.thing_words = {key(w) for w in words.get("thing_words") or []}
        out.size_word_followers = {key(w) for w in words.get("size_word_followers") or []}
        out.size_word_leaders = {key(w) for w in words.get("size_word_leaders") or []}
        out.shown_pointers = [key(w) for w in words.get("shown_pointers") or []]
        out.similar_asks = [key(w) for w in words.get("similar_asks") or []]
        affixes = words.get("hyphen_affixes") or {}
        before, after = affixes.get("before") or [], affixes.get("after") or []
        if before:
            out.hyphen_before = re.compile(rf"\b({'|'.join(map(re.escape, before))})-(?=[a-z])")
        if after:
            out.hyphen_after = re.compile(rf"(?<=[a-z])-(?=(?:{'|'.join(map(re.escape, after))})\b)")
        out.worn_out = [key(w) for w in words.get("worn_out") or []]
        out.list_joiners = {str(w).lower() for w in words.get("list_joiners") or []}
        out.alternative_joiners = {" ".join(str(w).lower().split()) for w in words.get("alternative_joiners") or []}
        out.ages = dict(words.get("ages") or {})
        out.child_words = [key(w) for w in out.ages.get("child_words") or []]
        out.adult_words = [key(w) for w in out.ages.get("adult_words") or []]
        out.grown_words = {key(w) for w in out.ages.get("grown_words") or []}
        out.gender_names = {key(w) for w in out.ages.get("gender_names") or []}
        out.self_cues = {" ".join(str(c).lower().split()) for c in out.ages.get("self", [])}
        out.child_of = dict(zip(out.ages.get("adults", []), out.ages.get("children", [])))
        out.grown_of = {child: adult for adult, child in out.child_of.items()}
        out.drop_words = [key(w) for w in words.get("drop_words") or []]
        out.company_words = {key(w) for w in words.get("company_words") or []}
        out.company_nouns = {key(w) for w in words.get("company_nouns") or []}
        out.event_hosts = {key(w) for w in words.get("event_hosts") or []}
        out.host_verbs = {key(w) for w in words.get("host_verbs") or []}
        out.look_words = {key(w) for w in words.get("look_words") or []}
        out.advice_words = [key(w) for w in words.get("advice_words") or []]
        out.place_cues = [key(w) for w in words.get("place_cues") or []]
        out.town_cues = {key(w) for w in words.get("town_cues") or []}
        out.towns = {key(w) for w in words.get("towns") or []}
        out.request_cues = [key(w) for w in words.get("request_cues") or []]
        out.version_words = [key(w) for w in words.get("version_words") or []]
        verbs = words.get("verb_names") or {}
        out.verb_names = {part: {key(w) for w in verbs.get(part) or []} for part in ("words", "before", "after",
                                                                                    "modal_words", "modals")}
        homes = words.get("home_names") or {}
        out.home_names = {part: {key(w) for w in homes.get(part) or []} for part in ("words", "cues")}
        hand = words.get("in_hand") or {}
        out.in_hand_before = {key(w) for w in hand.get("before") or []}
        out.in_hand_owners = {key(w) for w in hand.get("owners") or []}
        out.in_hand_links = {key(w) for w in hand.get("links") or []}
        out.in_hand_wished = {key(w) for w in hand.get("wished") or []}
        out.in_hand_tastes = [key(w) for w in hand.get("tastes") or []]
        out.dress_codes = [key(w) for w in hand.get("dress_codes") or []]
        out.body_parts = {key(w) for w in hand.get("body_parts") or []}
        out.contents_cues = {key(w) for w in hand.get("contents") or []}
        out.settling = [key(w) for w in words.get("settling") or []]
        out.counterparts = {str(k): known(v) for k, v in (words.get("counterparts") or {}).items()
                            if str(k) in tree.nodes and known(v)}
        out.questions = {str(k): str(v) for k, v in (words.get("questions") or {}).items()}
        out.limits = [(topic, [re.compile(p) for p in spec["patterns"]], str(spec["say"]))
                      for topic, spec in (words.get("limits") or {}).items()]
        owners = out.possessives = [key(w) for w in words.get("possessives") or []]
        others: dict[str, Need] = {}  # a place said of someone else ("on her wrist" as "on my wrist")
        for name, spec in (needs.get("needs") or {}).items():
            weights = {c: float(w) for c, w in (spec.get("concepts") or {}).items() if c in tree.nodes}
            joined = {str(other): [c for c in ids if c in tree.nodes] for other, ids in (spec.get("with") or {}).items()}
            need = Need(name, [c for c, w in weights.items() if w >= 1], [c for c, w in weights.items() if w < 1],
                        spec.get("ask"), bool(spec.get("place", False)), {k: v for k, v in joined.items() if v},
                        bool(spec.get("gives_way", False)), bool(spec.get("holds", False)),
                        bool(spec.get("season", False)), bool(spec.get("ails", False)))
            for phrase in spec.get("phrases") or []:
                out.needs[key(phrase)] = need
                out.need_forms.setdefault(base_forms(key(phrase)), need)
                if need.place and " my " in f" {key(phrase)} ":
                    for owner in owners:
                        others.setdefault(f" {key(phrase)} ".replace(" my ", f" {owner} ").strip(), need)
        for phrase, need in others.items():  # a phrase written out, of any need, comes first
            out.needs.setdefault(phrase, need)
            out.need_forms.setdefault(base_forms(phrase), need)
        for name, spec in (orders.get("orders") or {}).items():
            ranks = [[str(v) for v in (value if isinstance(value, list) else [value])] for value in spec["values"]]
            out.orders[name] = (str(spec["group"]), ranks)
            if spec.get("stand_in", True):
                out.stand_ins.add(name)
        for phrase, spec in (orders.get("relative") or {}).items():
            if spec["order"] not in out.orders and spec["order"] not in ("lightness", "chroma"):
                raise ValueError(f"orders.yaml: {phrase!r} moves along an unknown order {spec['order']!r}")
            out.relative[key(phrase)] = Relative(spec["order"], int(spec["direction"]), spec.get("else"),
                                                 int(spec.get("steps", 1)), say=spec.get("say"))
        out.steps = {key(k): int(v) for k, v in (orders.get("steps") or {}).items()}
        out.bounds = {key(w) for w in orders.get("bounds") or []}
        degrees = sorted({*out.steps, *(key(w) for w in words.get("degree_words") or [])}, key=len, reverse=True)
        out.degree_pattern = re.compile(rf"\b(?:{'|'.join(re.escape(d) for d in degrees)})\b ?") if degrees else None
        for phrase, move in _scale_phrases(orders).items():
            if move.order not in out.orders and move.order not in ("lightness", "chroma"):
                raise ValueError(f"orders.yaml: the scale {phrase!r} moves along an unknown order {move.order!r}")
            out.relative.setdefault(phrase, move)
        out.positions = {key(k): int(v) for k, v in (words.get("positions") or {}).items()}
        out.counted_nouns = {key(w) for w in words.get("counted_nouns") or []}
        out.spellings = {key(k): key(v) for k, v in (words.get("spellings") or {}).items()}
        out.filler_phrases = [str(w).lower() for w in words.get("filler_phrases") or []]
        if (Path(data_dir) / "colours.yaml").exists():
            out.colours = ColourSpace.load(Path(data_dir) / "colours.yaml")
        ordinary("the"), lemmas("blazers"), base_forms("walks")  # loads the libraries' tables now, not on a shopper's turn
        return out

    def need_with_degree(self, phrase: str) -> Need | None:
        """The need a phrase names once its words of degree are left out ("look a bit taller")."""
        if self.degree_pattern is None:
            return None
        plain = " ".join(self.degree_pattern.sub("", phrase).split())
        return self.needs.get(plain) if plain and plain != phrase else None

    def garment(self, phrase: str) -> list[str]:
        """The concepts a garment word stands for, its last word also read in the singular ("pj
        sets" as "pj set"); [] when it is none."""
        said = key(phrase)
        found = self.garments.get(said)
        if found or " " not in said:
            return list(found or [])
        head, last = said.rsplit(" ", 1)
        return next((list(self.garments[f"{head} {lemma}"]) for lemma in lemmas(last)
                     if f"{head} {lemma}" in self.garments), [])

    def garment_one_edit(self, word: str) -> str | None:
        """The one-word garment word a misspelt word is one keystroke from (a letter missed,
        added, changed or two swapped: "nekclace"), when exactly one is, else None."""
        said = key(word)
        if len(said) < 5 or " " in said:
            return None
        near = [g for g in self.garments if " " not in g and abs(len(g) - len(said)) <= 1
                and g[0] == said[0] and OSA.distance(g, said) == 1]
        return near[0] if len(near) == 1 else None

    def need_in_another_form(self, phrase: str) -> Need | None:
        """The need an inflected phrase names in another form than its file's ("my morning runs",
        "when he cycles" for "morning run", "cycling"), else None. A word already in its base form
        never matches an inflected one: "camp collar" is no "camping"."""
        said = key(phrase)
        base = base_forms(said)
        return self.need_forms.get(base) if base != said else None

    def limit(self, lowered: str) -> tuple[str, str] | None:
        """(topic, sentence) of a request the engine cannot serve, else None."""
        for topic, patterns, say in self.limits:
            if any(p.search(lowered) for p in patterns):
                return topic, say
        return None

    def asks_why(self, text: str) -> bool:
        """Whether a turn asks about the results ("why these?", "explain the first")."""
        return says_any(text, self.why_words)

    def unhyphened(self, text: str) -> str:
        """The text with the hyphen of ``hyphen_affixes`` as a space, its length kept ("hoodie-type"
        is "hoodie type", "non-leather" "non leather")."""
        if self.hyphen_before is not None:
            text = self.hyphen_before.sub(r"\1 ", text)
        return self.hyphen_after.sub(" ", text) if self.hyphen_after is not None else text

    def refers_to_item(self, lowered: str) -> bool:
        return says_any(lowered, self.reference_words)

    def asks_anything(self, lowered: str) -> bool:
        """Whether a turn asks what there is of any product ("what do you have for boys at all")."""
        said = f" {key(lowered)} "
        for phrase in self.anything_idioms:  # "in silver if at all possible": no "at all" of any product
            said = said.replace(f" {phrase} ", " ")
        return says_any(said, self.anything_cues)

    def asks_version(self, lowered: str) -> bool:
        """Whether a turn asks for another version of a product ("is there a brown version")."""
        return says_any(lowered, self.version_words)

    def refers_to_photo(self, lowered: str) -> bool:
        """Whether a photo word ("pic") or phrase ("that style") is said."""
        return any(w in self.photo_words for w in re.findall(r"[a-z]+", lowered)) or says_any(lowered, self.photo_phrases)


@lru_cache(maxsize=8192)
def compiled(pattern: str) -> re.Pattern:
    """A regular expression compiled once (Python's own cache of 512 thrashed over the data's phrases)."""
    return re.compile(pattern)


def whole_word(phrase: str) -> re.Pattern:
    """A phrase as whole words; a hyphen in the text counts as a space ("more high-end")."""
    return compiled(rf"(?<![\w']){re.escape(phrase).replace(re.escape(' '), '[ -]')}(?![\w'])")


def says_any(text: str, phrases) -> bool:
    """Whether the text says one of the phrases (``key`` forms) as whole words."""
    padded = " " + key(text) + " "
    return any(f" {p} " in padded for p in phrases)


@lru_cache(maxsize=8192)
def zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale: 3 is about once per million words);
    a word of another language shoppers write in Latin letters (``ordinary_words``: "pasand",
    "jaldi") counts as ordinary."""
    from wordfreq import zipf_frequency

    english = zipf_frequency(word, "en")
    return max(english, OTHER_LANGUAGE_ZIPF) if word in _ordinary_words else english


def ordinary(word: str) -> bool:
    """Whether a word is ordinary English (frequent enough that it is not a misspelling)."""
    return zipf(word) >= ORDINARY_ZIPF


def frequent(word: str) -> bool:
    """Whether a word is common English ("guess", "time", "pure"): a brand of that name needs a
    cue ("from guess") or a capital."""
    return zipf(word) >= FILLER_ZIPF


def rare(word: str) -> bool:
    """Whether a word is barely English (a likely misspelling; "flowy" is English, "pynk" is not)."""
    return zipf(word) < RARE_ZIPF


def describes(word: str) -> bool:
    """Whether a word may describe a product: rarer than the commonest English ("chronograph",
    "leather", "linen"; not "pair", "fact", "love")."""
    return zipf(word) < FILLER_ZIPF


@lru_cache(maxsize=4096)
def lemmas(word: str) -> tuple[str, ...]:
    """The noun lemmas of a word other than itself ("blazers" -> ("blazer",)), plus the word
    without a plural "s" (lemminflect reads "hoodies" as "hoody")."""
    from lemminflect import getLemma

    out = [w for w in getLemma(word, upos="NOUN") if w != word]
    if len(word) > 4 and word.endswith("s") and word[:-1] not in out:
        out.append(word[:-1])
    return tuple(out)


def _scale_phrases(orders: dict) -> dict[str, Relative]:
    """The relative phrases made from ``scales`` (see data/orders.yaml): "darker", "more formal"
    its way; "less formal", "not so dark", "too dark" the other way."""
    from lemminflect import getInflection

    out: dict[str, Relative] = {}
    turns = {key(w): int(sign) for w, sign in (orders.get("scale_words") or {}).items()}
    for adjective, spec in (orders.get("scales") or {}).items():
        adjective = key(adjective)
        order, direction, fallback = str(spec["order"]), int(spec["direction"]), spec.get("else")
        forms = {f"{word} {adjective}": sign for word, sign in turns.items()}
        if " " not in adjective:  # the comparative English uses ("baggier"; never "formaller")
            forms.update({c: 1 for c in getInflection(adjective, tag="JJR") if zipf(c) >= COMPARATIVE_ZIPF})
        for phrase, sign in forms.items():
            say = phrase if " " not in phrase else f"more {adjective}" if sign > 0 else f"less {adjective}"
            softens = sign < 0 and not phrase.startswith(("less ", "way less "))  # "too", "not so"
            out.setdefault(phrase, Relative(order, direction * sign, fallback, say=say, softens=softens))
    return out


@lru_cache(maxsize=8192)
def base_forms(phrase: str) -> str:
    """A phrase with each word in its base form, verbs and plurals alike ("evening walks" ->
    "evening walk", "skiing" -> "ski"): the same for every form of a need's words."""
    return " ".join(_base_word(w) for w in phrase.split())


@lru_cache(maxsize=16384)
def _base_word(word: str) -> str:
    """A word's base form, only an English word's English base ("holika" is no "hole", "thailand" no "thaila")."""
    from lemminflect import getLemma

    form = (getLemma(word, upos="VERB") or (word,))[0]
    return form if form == word or (zipf(word) >= BASE_ZIPF and zipf(form) >= BASE_ZIPF) else word


def key(text: str) -> str:
    """Lower case, words only, single spaces."""
    return " ".join(re.findall(r"[a-z0-9&'/]+", str(text).lower().replace("-", " ")))


def _pairs(complements: Complements, tree: EITree) -> dict[str, list[tuple[str, int]]]:
    """The styling advice's pairs (data/complements.yaml) as product ids: a catalogue article type
    is the tree category of its name, of a name folded into it, or of a synonym."""
    ids: dict[str, str] = {}
    for rank in ("name", "merged", "synonyms"):
        for node in tree.nodes.values():
            if node.kind == "category":
                for name in [node.name] if rank == "name" else getattr(node, rank):
                    ids.setdefault(str(name).lower(), node.id)
    out: dict[str, list[tuple[str, int]]] = {}
    for kind, entry in complements.types.items():
        if str(kind).lower() in ids:
            pairs = [(ids[str(p).lower()], int(n)) for p, n in (entry.get("pairs") or {}).items() if str(p).lower() in ids]
            out[ids[str(kind).lower()]] = pairs
    return out
