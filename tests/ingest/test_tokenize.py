from studygraph.ingest.tokenize import tokenize


def test_technical_compounds_stay_searchable_whole_and_in_parts() -> None:
    assert tokenize("ViT-L/14")[:4] == ["vit-l/14", "vit", "l", "14"]
    assert "ivf-pq" in tokenize("IVF-PQ") and "pq" in tokenize("IVF-PQ")
    assert tokenize("InfoNCE") == ["infonc"] or tokenize("InfoNCE") == ["infonce"]


def test_case_unicode_dashes_and_stop_words() -> None:
    assert tokenize("Language–Image") == tokenize("language-image")
    assert tokenize("What is the HNSW?") == ["hnsw"]
    assert tokenize("") == []


def test_stemming_joins_inflections_but_not_compounds() -> None:
    assert tokenize("embeddings") == tokenize("embedding")
    assert set(tokenize("normalization")) & set(tokenize("normalize"))
    assert tokenize("Sentence-BERT's")[0] == "sentence-bert"
