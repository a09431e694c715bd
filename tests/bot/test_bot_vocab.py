"""The bot's NLU data agrees with the engine's turn reader: every amount, size, sort, sale word,
price word and brand annotated in bot/data/nlu/ is read by ``retrieval.query.understand.TurnReader`` as
annotated (role included) when the NLU passes the annotations, and the generator's own checks
(lookups one reading per span, sale words the engine knows) hold. No Rasa, no catalogue: the
brands come from the committed brand lookup table."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from retrieval.query.bot_vocab import ANNOTATION, BOT_NLU_DIR
from retrieval.catalog.brands import BrandIndex, brand_key
from retrieval.query.concepts import ConceptResolver
from retrieval.catalog.money import parse_amount
from retrieval.settings import DATA_DIR
from retrieval.query.shopping_words import ShoppingWords
from models.tree import EITree
from retrieval.query.lexicon import Lexicon
from retrieval.query.understand import TurnReader

HAND_WRITTEN = ["shopping.yml", "refine.yml", "exclude.yml", "search.yml", "drop.yml"]


def lookup(entity: str) -> list[str]:
    for block in yaml.safe_load((BOT_NLU_DIR / "lookups.yml").read_text())["nlu"]:
        if block.get("lookup") == entity:
            return [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    return []


@pytest.fixture(scope="module")
def reader() -> TurnReader:
    words = ShoppingWords.load()
    brands = {brand_key(form): form for form in lookup("brand")}
    tree = EITree.load(DATA_DIR / "ei_tree.yaml")
    return TurnReader(ConceptResolver(tree, words.phrase_concepts()),
                      BrandIndex(brands, words.brand_aliases, words.ambiguous_brands), words, Lexicon.load(DATA_DIR, tree))


def annotated(files: list[str]):
    """(intent, plain text, entities as the NLU would pass them) for every example of the files."""
    for name in files:
        for block in yaml.safe_load((BOT_NLU_DIR / name).read_text())["nlu"]:
            for line in block.get("examples", "").splitlines() if "intent" in block else []:
                plain, pos, entities = "", 0, []
                for match in ANNOTATION.finditer(line[2:]):
                    plain += line[2:][pos:match.start()]
                    spec = {"entity": match.group(2)} if match.group(2) else json.loads("{" + match.group(3) + "}")
                    entities.append({**spec, "value": spec.get("value", match.group(1)), "start": len(plain),
                                     "end": len(plain) + len(match.group(1)), "extractor": "DIETClassifier"})
                    plain += match.group(1)
                    pos = match.end()
                yield block["intent"], plain + line[2:][pos:], entities


def misread(reader: TurnReader, intent: str, text: str, entities: list[dict]) -> list[str]:
    reading = reader.read(text, entities)
    problems = []
    for entity in entities:
        kind, value, role = entity["entity"], entity["value"], entity.get("role")
        if kind == "price":
            read = reading.price_min if role == "min" else reading.price_max
            if read != parse_amount(value):
                problems.append(f"price {role} {value}: read min={reading.price_min} max={reading.price_max}")
        elif kind == "size" and not reading.sizes():
            problems.append(f"size {value}")
        elif kind == "sort" and reading.sort != reader.words.sort_of(value):
            problems.append(f"sort {value}: read {reading.sort}")
        elif kind == "sale" and not reading.on_sale:
            problems.append(f"sale {value}")
        elif kind == "price_level" and not reading.price_words:
            problems.append(f"price word {value}")
        elif kind == "brand" and not reading.brands(exclude=role == "exclude") \
                and not (intent == "drop" and reading.brands(exclude=True)):  # "remove nike" drops it
            problems.append(f"brand {value} ({role or 'include'})")
    return problems


@pytest.mark.parametrize("files", [HAND_WRITTEN, ["generated_examples.yml"]], ids=["hand-written", "generated"])
def test_engine_reads_the_shoppers_words_as_annotated(reader, files):
    wrong = {}
    for intent, text, entities in annotated(files):
        problems = misread(reader, intent, text, entities)
        if problems:
            wrong[text] = problems
    assert not wrong, wrong


def test_sale_words_are_the_engines(reader):
    """The NLU's sale words are the engine's: both come from data/shopping.yaml."""
    words = ShoppingWords.load()
    assert words.sale_words and all(re.fullmatch(reader.sale_pattern, w) for w in words.sale_words)
    assert lookup("sale") and set(lookup("sale")) <= {w.lower() for w in words.sale_words}


def test_lookups_have_the_shopping_tables():
    brands, sorts = lookup("brand"), lookup("sort")
    assert {"nike", "puma", "adidas", "fastrack", "united colors of benetton", "ucb"} <= set(brands)
    assert not {"image", "music", "denim", "only", "and"} & set(brands)  # everyday words and concept names
    assert {"by price", "cheapest first", "biggest discount"} <= set(sorts)
    assert "sort by price" not in sorts  # only the core of a phrase is an entity: "sort [by price]"
    assert "cheaper" in lookup("price_level") and "on sale" in lookup("sale")
    assert "husband" in lookup("gender") and "for my husband" not in lookup("gender")
    assert {"wedding", "for the office"} <= set(lookup("usage"))


def test_no_sentence_is_taught_under_two_intents():
    """A generated example never repeats a sentence that another intent has, hand-written or
    generated ("something for a wedding" is a search, not also a refinement)."""
    from retrieval.query.bot_vocab import GENERATED_FILES, hand_written_intents, spans_of
    written = hand_written_intents(BOT_NLU_DIR)
    generated: dict[str, set[str]] = {}
    for block in yaml.safe_load((BOT_NLU_DIR / GENERATED_FILES[0]).read_text())["nlu"]:
        for line in block["examples"].splitlines():
            if line.startswith("- "):
                generated.setdefault(spans_of(line[2:])[0].strip().lower(), set()).add(block["intent"])
    clashes = {text: intents | written.get(text, set()) for text, intents in generated.items()
               if len(intents | written.get(text, set())) > 1}
    assert not clashes, sorted(clashes.items())[:5]


def test_no_template_writes_a_sentence_of_a_language_heldout_set():
    """The generator leaves out the sentences of the shoppers' language sets too, not only the NLU
    test set's: a template once wrote "something more premium", a sentence of the sixth set."""
    from retrieval.query.bot_vocab import heldout_texts, plain_words

    held = heldout_texts()
    assert "something more premium" in held
    generated = (BOT_NLU_DIR / "generated_examples.yml").read_text()
    lines = [line.strip()[2:] for line in generated.splitlines() if line.strip().startswith("- ")]
    assert lines and not [line for line in lines if plain_words(line) in held]
