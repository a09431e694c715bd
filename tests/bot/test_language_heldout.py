"""The held-out shopper language sets (bot/tests/language_heldout.yml, the second, fresh
bot/tests/language_heldout_v2.yml, the third, bot/tests/language_heldout_v3.yml, the fourth,
bot/tests/language_heldout_v4.yml, the fifth, bot/tests/language_heldout_v5.yml, the sixth,
bot/tests/language_heldout_v6.yml, the seventh, bot/tests/language_heldout_v7.yml, the eighth,
bot/tests/language_heldout_v8.yml, the ninth, bot/tests/language_heldout_v9.yml, the tenth,
bot/tests/language_heldout_v10.yml, the eleventh, bot/tests/language_heldout_v11.yml, the twelfth,
bot/tests/language_heldout_v12.yml, the thirteenth, bot/tests/language_heldout_v13.yml, the
fourteenth, bot/tests/language_heldout_v14.yml, the fifteenth, bot/tests/language_heldout_v15.yml,
the sixteenth, bot/tests/language_heldout_v16.yml, the seventeenth,
bot/tests/language_heldout_v17.yml, the eighteenth, bot/tests/language_heldout_v18.yml, the
nineteenth, bot/tests/language_heldout_v19.yml, the twentieth, bot/tests/language_heldout_v20.yml,
the twenty-first, bot/tests/language_heldout_v21.yml, the twenty-second,
bot/tests/language_heldout_v22.yml, the twenty-third, bot/tests/language_heldout_v23.yml, the
twenty-fourth, bot/tests/language_heldout_v24.yml, the twenty-fifth,
bot/tests/language_heldout_v25.yml, the twenty-sixth, bot/tests/language_heldout_v26.yml, the
twenty-seventh, bot/tests/language_heldout_v27.yml, the twenty-eighth,
bot/tests/language_heldout_v28.yml, the twenty-ninth, bot/tests/language_heldout_v29.yml, the
thirtieth, bot/tests/language_heldout_v30.yml, the thirty-first, bot/tests/language_heldout_v31.yml,
the thirty-second, bot/tests/language_heldout_v32.yml, the thirty-third,
bot/tests/language_heldout_v33.yml, the thirty-fourth, bot/tests/language_heldout_v34.yml, the
thirty-fifth, bot/tests/language_heldout_v35.yml, and so on up to the hundred-and-forty-sixth,
bot/tests/language_heldout_v146.yml; the last hundred and forty-four written blind) and their runner (bench/language.py):
each set is well formed and never trained on, each later set repeats no sentence of an earlier one nor
one of its own, the judge reads the catalogue's labels right, and the runner goes through the real
bot and writes its report."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

import pytest
import yaml

from bench import language, language_set as lang
from models.tree import EITree
from retrieval.query.bot_vocab import spans_of
from tests import support
from tests.stack import stack  # noqa: F401  (the fixture: the whole bot, started once per session)

TREE = EITree.load(support.REPO / "data" / "ei_tree.yaml")
SETS = [lang.HELDOUT] + [lang.HELDOUT.with_name(f"language_heldout_v{n}.yml") for n in range(2, 147)]
each_set = pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])


def _plain(text: str) -> str:
    """A sentence as compared for leaks: annotations removed, lower case, words only."""
    return " ".join(re.findall(r"[\w']+", spans_of(text)[0].lower()))


@lru_cache(maxsize=None)
def _training_sentences() -> frozenset[str]:
    """Every example and story sentence under bot/data/ (what `rasa train` reads), read once."""
    out = set()
    for path in (support.BOT / "data").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text()) or {}
        for block in doc.get("nlu", []):
            out |= {_plain(line[2:]) for line in block.get("examples", "").splitlines() if line.startswith("- ")}
        for story in doc.get("stories", []) + doc.get("rules", []):
            out |= {_plain(step["user"]) for step in story.get("steps", []) if "user" in step}
    return frozenset(out)


@lru_cache(maxsize=None)
def _plain_sentences(path) -> tuple[str, ...]:
    """A set's sentences as compared for leaks, read once per run (each later set is compared
    with every earlier one)."""
    return tuple(_plain(s) for s in lang.sentences(lang.load(path)))


@lru_cache(maxsize=None)
def _catalogue(db_url: str) -> lang.Catalogue:
    """The judge's view of the demo catalogue, read once per run."""
    return lang.Catalogue.from_db(db_url, TREE)


@each_set
def test_the_heldout_set_is_well_formed(path):
    conversations = lang.load(path)
    turns = [t for c in conversations for t in c.turns]
    assert len(lang.sentences(conversations)) >= 400
    assert set(Counter(c.cls for c in conversations)) == set(lang.CLASSES)
    assert all(t.judged for t in turns if t.photo) and sum(t.judged for t in turns) >= 400
    assert lang.problems(conversations, TREE) == []
    assert any(2 <= len(c.turns) <= 4 for c in conversations) and max(len(c.turns) for c in conversations) <= 4


def test_the_judge_finds_what_is_malformed():
    bad = [lang.Conversation("x-01", "moods", (lang.Turn(say="hi", want=(frozenset({"type.capes"}),),
                                                          ref=3, move=("height", 1)),))]
    found = "\n".join(lang.problems(bad, TREE))
    for part in ("unknown class moods", "type.capes is not in the EI tree", "unknown order height", "ref 3"):
        assert part in found
    escaped = [lang.Conversation("x-02", "fillers", (lang.Turn(say='"\\"\\\\"black heels', want=()),))]
    assert "not a chat line" in "\n".join(lang.problems(escaped, TREE))
    unjudged = [lang.Conversation("dead_ends-01", "dead_ends", (lang.Turn(say="pink jeans", asked=("type.jeans", "colour.pink")),)),
                lang.Conversation("dead_ends-02", "dead_ends", (lang.Turn(say="watches under 500", want=(frozenset({"sub.watches"}),),
                                                                          asked=("sub.watches",), max_price=500),))]
    found = "\n".join(lang.problems(unjudged, TREE))
    assert "dead_ends-01: a dead end judges nothing" in found and "dead_ends-02 turn 1: a dead end's bound is asked_price" in found


@each_set
def test_no_heldout_sentence_is_trained_on(path):
    trained = _training_sentences()
    leaked = sorted(s for s in lang.sentences(lang.load(path)) if _plain(s) in trained)
    assert not leaked, leaked


@pytest.mark.parametrize("later", range(1, len(SETS)), ids=[p.stem for p in SETS[1:]])
def test_each_later_set_is_well_formed_apart_from_the_earlier_ones(later):
    """A later set repeats no sentence of an earlier one, nor one of its own."""
    earlier = {s for path in SETS[:later] for s in _plain_sentences(path)}
    mine = list(_plain_sentences(SETS[later]))
    assert not earlier & set(mine), sorted(earlier & set(mine))
    assert len(mine) == len(set(mine)), [s for s, n in Counter(mine).items() if n > 1]


@each_set
def test_every_turn_can_be_met_on_the_demo_catalogue(demo_settings, path):
    """Each turn that asks for fixed labels has at least five demo products that meet it, so a
    reply can pass; each dead end asks for something no demo product has."""
    cat = _catalogue(demo_settings.db_url)
    short, alive = [], []
    for conv in lang.load(path):
        for turn in conv.turns:
            if turn.asked and any(all(a in labels for a in turn.asked) and (cat.prices[pid] or 0) <= (turn.asked_price or 1e12)
                                  for pid, labels in cat.labels.items()) \
                    and turn.max_price is None and "under" not in (turn.say or ""):
                alive.append((conv.id, turn.say))
            if turn.want and not (turn.keep or turn.move or turn.asked):
                meeting = sum(all(w & labels for w in turn.want) and not turn.unwanted & labels
                              for labels in cat.labels.values())
                if meeting < lang.TOP:
                    short.append((conv.id, turn.say, meeting))
    assert not short, short
    assert not alive, alive


def test_the_judge_reads_catalogue_labels(demo_settings):
    """Real demo products: a black t-shirt is darker than a white one, a sleeveless top's sleeves
    are shorter than a long-sleeved one's, and an unlabelled attribute is unknown, not a miss."""
    cat = lang.Catalogue.from_db(demo_settings.db_url, TREE)
    if not cat.lab or not cat.ranks:
        pytest.fail("data/colours.yaml and data/orders.yaml (the engine's orders) are missing")

    def first(*labels, without=()):
        return next(pid for pid, have in sorted(cat.labels.items())
                    if set(labels) <= have and not set(without) & have)

    white, black = first("type.tshirts", "colour.white"), first("type.tshirts", "colour.black")
    darker = lang.Turn(say="darker", want=(frozenset({"type.tshirts"}),), move=("lightness", -1))
    context = lang.Context(previous=[white] * 5)
    assert lang.judge(darker, [black], None, context, cat).passed
    assert not lang.judge(darker, [white], None, context, cat).passed
    sleeveless = first("type.tops", "sub.topwear.sleeve.sleeveless")
    long_sleeved = first("type.tops", "sub.topwear.sleeve.long_sleeves")
    shorter = lang.Turn(say="shorter sleeves", ref=1, keep=("type",), move=("sleeve", -1))
    assert lang.judge(shorter, [sleeveless], None, lang.Context(previous=[long_sleeved]), cat).passed
    assert not lang.judge(shorter, [long_sleeved], None, lang.Context(previous=[sleeveless]), cat).passed
    unlabelled = first("type.tops", without=[c for c in TREE.nodes if ".sleeve." in c])
    with_sleeves = lang.Turn(say="with long sleeves", want=(frozenset({"type.tops"}),
                                                           frozenset({"sub.topwear.sleeve.long_sleeves"})))
    assert lang.judge(with_sleeves, [unlabelled], None, lang.Context(), cat).passed
    assert not lang.judge(with_sleeves, [sleeveless], None, lang.Context(), cat).passed
    same_kind = lang.Turn(say="a lighter one", keep=("type",))  # no ref: the type the previous page showed
    assert lang.judge(same_kind, [white], None, lang.Context(previous=[black, black, sleeveless]), cat).passed
    assert not lang.judge(same_kind, [sleeveless], None, lang.Context(previous=[black, black, white]), cat).passed
    fresh = lang.Turn(say="for my husband", want=(frozenset({"gender.men"}),), fresh=True)
    men = first("gender.men")
    assert not lang.judge(fresh, [men], {"image_id": "abc"}, lang.Context(), cat).passed
    assert lang.judge(fresh, [men], {"like": None, "image_id": None}, lang.Context(), cat).passed


@pytest.mark.slow
def test_the_runner_goes_through_the_real_bot(stack, tmp_path):
    """One conversation of each class, said over REST to the running bot (photo uploads
    included), judged, and written as the report and its JSON."""
    conversations = language.sample(lang.load(), 1)
    result = language.evaluate(conversations, stack.rasa.url, stack.engine.url, stack.db_url, "the demo catalogue",
                               support.API_TOKEN)
    language.write(result, tmp_path / "language.md", tmp_path / "language.json")
    records = json.loads((tmp_path / "language.json").read_text())["records"]
    assert len(records) == sum(t.judged for c in conversations for t in c.turns)
    assert {r["class"] for r in records} == set(lang.CLASSES)
    assert all(r["intent"] for r in records)  # the NLU's reading of each sentence, for the report
    photo = next(r for r in records if r["say"].startswith("(photo"))
    assert photo["shown"] > 0, photo  # the upload went through the engine and the image search
    assert sum(r["shown"] > 0 for r in records) >= 0.8 * len(records), [r for r in records if not r["shown"]]
    report = (tmp_path / "language.md").read_text()
    for name in lang.CLASSES.values():
        assert re.search(rf"^\| {re.escape(name)} \| \d+ \| \*\*\d+%\*\*", report, re.M), name
    assert "| all |" in report
