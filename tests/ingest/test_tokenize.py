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


def test_command_line_options_are_tokens_of_their_own() -> None:
    # `-a` was the stop word "a" and `-x` the variable "x" once the dash was gone.
    assert tokenize("What does the -a option of git commit do?")[:1] == ["-a"]
    # `-x` and `-X` stay apart; a capital one is written `-^x` so every token is in normalized form.
    assert {"-x", "-^x", "--force", "--no-ff"} <= set(tokenize("-x: also ignored files. -X: only those. Use --force or --no-ff."))
    assert "-x" not in tokenize("-X: only those")
    assert "-x" in tokenize("When you pass -x") and "x" in tokenize("When you pass -x")  # the letter still counts
    assert not {t for t in tokenize("e-mail, -1, f(x)-y, a - b, well-known") if t.startswith("-")}
