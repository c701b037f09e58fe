"""Concept and relation cards from graph data, and the adapter from a graph-shaped fake."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from study_helpers import chunks_of, no_embed

from studygraph.assistant.study.concepts import Definition, Link, concept_cards, neighbourhood, relation_cards
from studygraph.assistant.study.deck import Deck
from studygraph.assistant.study.graph_adapter import from_graph

DAY37 = "000_ea24ba94182485b6.txt"
SET44 = "001_c0dbccdbb029a926.txt"


def seed(seeds: Path, name: str) -> str:
    return str((seeds / name).resolve())


def test_concept_card_quotes_the_definition() -> None:
    d = Definition("HNSW", "Hierarchical Navigable Small World graph.", "/n.md", 38, 38, aliases=("Hierarchical NSW",))
    (card,) = concept_cards([d])
    assert (card.kind, card.question, card.answer) == ("concept", "What is HNSW?", d.quote)
    assert (card.source, card.start_line, card.end_line) == ("/n.md", 38, 38)
    assert concept_cards([d]) == [card]  # same id every time


def test_concept_card_skipped_when_a_question_card_covers_it(seeds_copy: Path) -> None:
    deck = Deck.open(seeds_copy.parent / "home", no_embed)
    deck.sync(chunks_of(seeds_copy))
    covered = Definition("Whisper", "OpenAI's ASR model.", seed(seeds_copy, DAY37), 38, 41)
    asked = Definition("ImageBind", "Binds six modalities.", "/elsewhere.md", 1, 1)  # "What is ImageBind?" exists
    fresh = Definition("HNSW", "A graph index.", "/elsewhere.md", 2, 2)
    assert [c.question for c in concept_cards([covered, asked, fresh], taken=deck.cards())] == ["What is HNSW?"]


def test_relation_cards_only_from_typed_links() -> None:
    typed = Link("Flamingo", "Perceiver Resampler", "uses", "Flamingo introduces **perceiver resampler modules**.", "/a.md", 29, 29)
    again = Link("Perceiver Resampler", "Flamingo", "part_of", "Component in Flamingo.", "/b.md", 27, 27)
    loose = Link("CLIP", "BLIP", "related", "CLIP and BLIP.", "/a.md", 3, 3)
    cards = relation_cards([typed, again, loose])
    assert len(cards) == 1  # one card per pair, untyped co-occurrence gives none
    card = cards[0]
    assert card.question == "How are Flamingo and Perceiver Resampler related?"
    assert card.answer == "Flamingo uses Perceiver Resampler.\nFlamingo introduces perceiver resampler modules."
    assert (card.kind, card.source, card.start_line) == ("relation", "/a.md", 29)


def test_neighbourhood_follows_aliases_and_links() -> None:
    defs = [Definition("CLIP", "q", "/a", 1, 1, aliases=("Contrastive Language-Image Pretraining",))]
    links = [Link("CLIP", "SigLIP", "variant_of", "q", "/a", 2, 2), Link("BERT", "ELMo", "vs", "q", "/a", 3, 3)]
    assert neighbourhood("contrastive language-image pretraining", defs, links) == {
        "contrastive language-image pretraining", "CLIP", "Contrastive Language-Image Pretraining", "SigLIP"}


@dataclass(frozen=True)
class Evidence:
    chunk_id: str
    source: str
    start_line: int
    end_line: int
    quote: str = ""


@dataclass(frozen=True)
class Concept:
    name: str
    aliases: tuple[str, ...] = ()
    definition: Evidence | None = None


@dataclass(frozen=True)
class Relation:
    source: str
    target: str
    relation: str
    evidence: tuple[Evidence, ...]


@dataclass
class FakeGraph:
    """Only the data study mode reads from a ConceptGraph: concepts and relations."""

    concepts: dict
    relations: list


def fake_graph(day37: str, set44: str) -> FakeGraph:
    return FakeGraph(
        concepts={
            "flamingo": Concept("Flamingo"),
            "perceiver-resampler": Concept("Perceiver Resampler", ("Perceiver",),
                                           Evidence("c0", day37, 27, 29, "Component in Flamingo.")),
            "llm": Concept("LLM", ("large language model",)),
        },
        relations=[
            Relation("flamingo", "perceiver-resampler", "uses", (Evidence("c1", set44, 26, 29),)),
            Relation("flamingo", "llm", "related", (Evidence("c2", set44, 29, 29),)),
        ],
    )


def test_adapter_turns_a_graph_into_cards(seeds_copy: Path) -> None:
    chunks = chunks_of(seeds_copy)
    definitions, links = from_graph(fake_graph(seed(seeds_copy, DAY37), seed(seeds_copy, SET44)), chunks)
    assert [(d.concept, d.quote, d.aliases) for d in definitions] == [
        ("Flamingo", "", ()),
        ("Perceiver Resampler", "Component in Flamingo.", ("Perceiver",)),
        ("LLM", "", ("large language model",)),
    ]
    typed, loose = links
    assert (typed.a, typed.b, typed.relation) == ("Flamingo", "Perceiver Resampler", "uses")
    # The evidence spans lines 26-29; the quote is the sentence on line 29 naming both.
    assert typed.quote.startswith("Flamingo introduces **perceiver resampler modules**")
    assert (typed.start_line, typed.end_line) == (29, 29)
    assert (loose.relation, loose.quote) == ("related", "")

    deck = Deck.open(seeds_copy.parent / "home", no_embed)
    deck.sync(chunks, definitions, links)
    assert {c.kind for c in deck.cards()} == {"qa", "relation"}  # the definition already is a question's answer
    assert deck.neighbourhood("perceiver") == {"perceiver", "Perceiver Resampler", "Perceiver", "Flamingo"}
    assert "LLM" in deck.neighbourhood("Flamingo")  # untyped edges count as neighbours
    drill = {c.question for c in deck.select(concepts=deck.neighbourhood("perceiver resampler"))}
    assert {"How are Flamingo and Perceiver Resampler related?", 'What is "Perceiver Resampler"?'} <= drill


def test_relation_cards_from_the_real_graph_quote_their_lines(seeds_copy: Path) -> None:
    from studygraph.graph import build_graph

    chunks = chunks_of(seeds_copy)
    definitions, links = from_graph(build_graph(chunks), chunks)
    cards = relation_cards(links) + concept_cards(definitions)
    assert sum(c.kind == "relation" for c in cards) >= 10
    for card in cards:
        lines = Path(card.source).read_text(encoding="utf-8").split("\n")[card.start_line - 1 : card.end_line]
        cited = " ".join(lines).casefold()
        quote = card.answer.splitlines()[-1]
        assert all(word.casefold() in cited for word in quote.split()[:6]), (card.question, quote)


def test_relation_cards_only_where_the_relation_teaches_something() -> None:
    numbered = Link("Gated Cross-Attention", "Flamingo", "part_of",
                    '8. What is "Gated Cross-Attention"? Used in Flamingo. Adds cross-attention to visual tokens.',
                    "/a.md", 8, 8)
    stem = Link("SigLIP", "Sigmoid", "uses", "Sigmoid Loss for Language Image Pre-training.", "/a.md", 3, 3)
    shared = Link("Gated Cross-Attention", "Cross-Attention", "uses", "Adds cross-attention to visual tokens.",
                  "/a.md", 9, 9)
    thin = Link("Perceiver Resampler", "Flamingo", "part_of", "Used in Flamingo.", "/a.md", 4, 4)
    (card,) = relation_cards([numbered, stem, shared, thin])
    assert card.answer == ("Gated Cross-Attention is part of Flamingo.\n"
                           "Used in Flamingo. Adds cross-attention to visual tokens.")


def test_real_relation_cards_carry_no_note_numbering_and_come_after_the_notes_questions(seeds_copy: Path) -> None:
    from studygraph.graph import build_graph

    chunks = chunks_of(seeds_copy)
    definitions, links = from_graph(build_graph(chunks), chunks)
    relations = relation_cards(links)
    assert relations and not any(re.search(r"(^|\n)\d{1,3}\.\s", c.answer) for c in relations)
    assert not any({"SigLIP", "Sigmoid"} <= set(c.topics) for c in relations)
    deck = Deck.open(seeds_copy.parent / "home", no_embed)
    deck.sync(chunks, definitions, links)
    kinds = [c.kind for c in deck.select(due_only=True)]
    assert kinds[0] == "qa" and kinds.index("relation") > kinds.index("concept") > max(
        i for i, k in enumerate(kinds) if k == "qa")
