"""Spelling variants and aliases meet in one node; capitals keep acronyms apart from words."""

from __future__ import annotations

import pytest

from studygraph.graph import ConceptGraph, Entry
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.variants import key_of


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sentence-BERT", "sentence bert"),
        ("Contrastive Language–Image Pretraining", "contrastive language-image pre-training"),
        ("LLMs", "LLM"),
        ("embeddings", "Embedding"),
        ("multimodal chain-of-thought", "Multimodal Chain of Thought"),
        ("DALL·E", "DALL-E"),
        ("Gated Cross—Attention", "gated cross-attention"),
        ("losses", "loss"),
    ],
)
def test_variant_keys_meet(a: str, b: str) -> None:
    assert key_of(a) == key_of(b)


@pytest.mark.parametrize(("a", "b"), [("tokens", "tokenization"), ("Gemini 1.5", "Gemini 15"), ("ViT", "ViLT")])
def test_distinct_names_stay_apart(a: str, b: str) -> None:
    assert key_of(a) != key_of(b)


def test_seed_aliases_resolve_to_one_node(seed_graph: ConceptGraph) -> None:
    clip = seed_graph.concept("CLIP")
    for name in ("clip", "Contrastive Language-Image Pretraining", "Contrastive Language–Image Pretraining"):
        assert seed_graph.concept(name) == clip
    assert seed_graph.concept("SBERT") == seed_graph.concept("Sentence-BERT")
    assert seed_graph.concept("Latent Diffusion Models") == seed_graph.concept("LDM")
    assert seed_graph.concept("perceiver resampler modules").name == "Perceiver Resampler"


def test_capitals_keep_acronyms_apart_from_words() -> None:
    lexicon = Lexicon(
        {
            "clip": Entry("CLIP", "model"),
            "align": Entry("ALIGN", "model"),
            "whisper": Entry("Whisper", "model"),
            "vqa": Entry("VQA", "technique", ("visual QA",)),
        }
    )
    assert lexicon.mentioned("Video clips are short; align them, whisper.") == []
    assert lexicon.mentioned("CLIP and ALIGN; Whisper's encoder; Visual QA") == ["clip", "align", "whisper", "vqa"]


def test_longest_name_wins() -> None:
    lexicon = Lexicon({"ca": Entry("Cross-Attention", "architecture"), "gca": Entry("Gated Cross-Attention", "architecture")})
    assert lexicon.mentioned("Flamingo adds gated cross-attention layers") == ["gca"]


def test_a_restructuredtext_role_name_is_markup_not_a_mention() -> None:
    lexicon = Lexicon({"func": Entry("func", "concept"), "expand": Entry("expand", "concept"),
                       "meth-call": Entry("meth call", "concept")})
    text = "Run it through :func:`~.expand` or :py:meth:`call`; `func` is the head of the object."
    found = [(text[m.start:m.end], m.concept_id) for m in lexicon.find(text)]
    assert found == [("expand", "expand"), ("func", "func")]  # not the role's "func", nor "meth call" across it


def test_a_name_wrapped_onto_the_next_line_is_still_named() -> None:
    # Hard-wrapped notes put a line end inside names ("the code\n   printers"); a blank line still ends one.
    lexicon = Lexicon({"code-printer": Entry("code printer", "concept")})
    assert [m.concept_id for m in lexicon.find("codegen uses the code\n   printers.")] == ["code-printer"]
    assert lexicon.find("the code\n\nprinters") == []


def test_dotted_and_namespaced_names_and_plural_possessives_are_named_whole() -> None:
    # Both were selected as concepts and then named nowhere: the matcher broke them at the dot, the `::` or the apostrophe.
    lexicon = Lexicon({"crlf": Entry("core.autocrlf", "concept"), "core": Entry("core", "concept"),
                       "somers": Entry("Somers' D", "metric"), "lmer": Entry("lme4::lmer", "technique")})
    text = "Set `core.autocrlf` to true, fit `lme4::lmer`, then report Somers' D."
    assert [(text[m.start:m.end], m.concept_id) for m in lexicon.find(text)] == [
        ("core.autocrlf", "crlf"), ("lme4::lmer", "lmer"), ("Somers' D", "somers")]
    # A dot that ends a sentence still ends a name: "core. Autocrlf" is not the setting.
    assert [m.concept_id for m in lexicon.find("It is the core. Autocrlf is unset.")] == ["core"]


def test_an_ordinary_word_the_notes_mark_as_a_name_is_named_only_where_marked() -> None:
    lexicon = Lexicon({"union": Entry("union", "technique", origin="marked"), "help": Entry("help", "concept", origin="marked"),
                       "merge": Entry("merge", "technique", origin="notes")})
    named = lambda text: [(text[m.start:m.end], m.concept_id) for m in lexicon.find(text)]  # noqa: E731
    assert named("The union of both sides may help; merge them.") == [("merge", "merge")]
    assert named("Set the `union` driver, or *help*.") == [("union", "union"), ("help", "help")]
    assert named("union::") == [("union", "union")] and named("help") == [("help", "help")]  # a list term, a title
    assert named("This is called the union of the two.") == [("union", "union")]
    assert named("The union is a merge driver that keeps both sides.") == [("union", "union"), ("merge", "merge")]

