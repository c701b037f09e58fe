"""Every model, loss and technique the seed notes name is a node, with the right type."""

from __future__ import annotations

import pytest

from studygraph.graph import ConceptGraph

# Checked by reading the five seed notes line by line (see seeds/).
SEED_CONCEPTS: dict[str, list[str]] = {
    "model": [
        "CLIP", "CLIP-T", "SigLIP", "DINOv2", "ALIGN", "BLIP", "BLIP-2", "ViLT", "LLaVA", "LLaVA-2",
        "Flamingo", "Whisper", "Stable Diffusion", "ImageBind", "ViT", "ViT-L/14", "VQ-VAE", "DALL-E",
        "DALL-E 2", "DALL-E 3", "Donut", "OWL-ViT", "Grounding DINO", "Fuyu", "Jukebox", "GPT-4V",
        "GPT-4o", "GPT-4", "GPT", "Gemini", "Gemini 1.5", "Claude", "Chinchilla", "LLaMA", "Vicuna",
        "Perceiver", "Q-Former", "BERT", "RoBERTa", "ELMo", "T5", "Word2Vec", "GloVe", "CBOW",
        "Skip-gram", "Sentence-BERT", "E5", "BGE", "GTE", "text-embedding-3", "Cohere embed", "SimCLR",
        "MoCo", "Wav2Vec", "PointNet", "LayoutLM", "CheXpert", "BioViL-T", "VideoCLIP", "InternVideo",
        "BEVFusion", "UniAD", "Tesla FSD", "PointPillars", "U-Net", "Latent Diffusion Model",
    ],
    "loss": ["Contrastive Loss", "InfoNCE", "Symmetric InfoNCE", "Sigmoid Loss", "Negative Log-Likelihood", "Similarity Loss"],
    "technique": [
        "Zero-Shot Classification", "Visual Instruction Tuning", "Instruction Tuning", "Temperature Scaling",
        "Patchify", "Tokenization", "Grounding", "Multimodal Chain of Thought", "Chain of Thought",
        "Hard Negative Mining", "Negative Sampling", "Contrastive Learning", "Masked Language Modeling",
        "Next Sentence Prediction", "Fine-Tuning", "LoRA", "RLHF", "RAG", "Whitening", "Self-Supervised Learning",
        "Zero-Shot Object Detection", "Data Augmentation", "OCR", "ASR", "TTS", "Latent Diffusion",
        "Image Captioning", "VQA", "Cross-Modal Retrieval", "Few-Shot Learning",
    ],
    "architecture": [
        "Perceiver Resampler", "Projection Layer", "Gated Cross-Attention", "Cross-Attention", "Dual Encoder",
        "Cross-Encoder", "Late Fusion", "Transformer", "MLP", "CNN", "LSTM", "GNN", "Adapter", "Siamese Network",
        "Encoder-Decoder", "Image Encoder", "Text Encoder",
    ],
    "retrieval": [
        "BM25", "TF-IDF", "Bag of Words", "HNSW", "IVF-PQ", "IVF", "PQ", "ANN", "KNN", "Hybrid Search", "RRF",
        "FAISS", "Cosine Similarity", "Dot Product", "Re-ranking",
    ],
    "dataset": ["MS MARCO", "LAION", "CC3M", "CC12M", "WIT", "How2", "HowToVQA", "LibriSpeech", "LLaVA-Instruct", "ShareGPT4V", "MMC4"],
    "benchmark": ["VQAv2", "GQA", "TextVQA", "DocVQA", "ChartQA", "RefCOCO", "NoCaps", "Flickr30K", "MSVD-QA", "ActivityNet-QA"],
    "metric": ["BLEU", "CIDEr"],
}
CASES = [(kind, name) for kind, names in SEED_CONCEPTS.items() for name in names]


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[n for _, n in CASES])
def test_seed_concept_is_a_node_with_its_type(seed_graph: ConceptGraph, kind: str, name: str) -> None:
    concept = seed_graph.concept(name)
    assert concept is not None, f"{name} is named in the seeds but is not a node"
    assert concept.type == kind
    assert concept.chunk_ids, "a node lists the chunks that mention it"


def test_concepts_not_named_in_the_notes_are_not_nodes(seed_graph: ConceptGraph) -> None:
    # In the shipped catalog, never mentioned by the seeds.
    for name in ("ColBERT", "Mixtral", "SPLADE", "MMLU"):
        assert seed_graph.concept(name) is None


def test_no_junk_nodes(seed_graph: ConceptGraph) -> None:
    names = {c.name.casefold() for c in seed_graph.concepts.values()}
    for junk in ("answer", "question", "question 5", "pros", "cons", "summary", "key points", "openai", "difficulty", "multimodal"):
        assert junk not in names


def test_discovered_concept_of_the_seeds(seed_graph: ConceptGraph) -> None:
    # "LLaVA-2" is not in the catalog: a versioned spelling of a known model becomes its own node.
    concept = seed_graph.concept("LLaVA-2")
    assert concept is not None and concept.origin == "notes" and concept.type == "model"
