"""Concepts and relations of notes from any field: noun phrases, defined terms, C-value, labels."""

from __future__ import annotations

from pathlib import Path

from graph_helpers import chunks_of, write_note

from studygraph.graph import build_graph
from studygraph.graph.catalog import Catalog
from studygraph.graph.defined import code_terms, defined_terms, is_label, names_a_thing
from studygraph.graph.discover import candidates
from studygraph.graph.kinds import defined_type, guess_type
from studygraph.graph.phrases import noun_phrases
from studygraph.graph.termhood import c_values, is_term
from studygraph.graph.variants import key_of
from studygraph.ingest.spans import split_spans


def definition_of(graph, name: str) -> str:
    """The quoted definition of a concept the graph must hold and define."""
    concept = graph.concept(name)
    assert concept is not None and concept.definition is not None, name
    return concept.definition.quote or ""


def test_noun_phrases_stop_at_verbs_and_function_words() -> None:
    assert noun_phrases("The Todd-Coxeter algorithm computes the standard coset table.") == [
        "Todd-Coxeter algorithm", "standard coset table"]
    assert noun_phrases("A three-way merge uses the merge base") == ["three-way merge", "merge base"]
    # After an article a verb-only word may be a noun ("the octopus merge"), but never a linking word.
    assert noun_phrases("Draw from the posterior predictive distribution using the function.")[0] == "posterior predictive distribution"
    assert noun_phrases("The module deals with codes") == ["module", "codes"]
    assert noun_phrases("They are an information bottleneck that we discuss below.") == ["information bottleneck"]
    assert noun_phrases("you can use SymPy to make use of it") == ["SymPy"]


def test_a_verb_after_an_article_heads_a_term_but_a_trailing_participle_does_not() -> None:
    # The lexicon knows "merge" and "commit" only as verbs; after an article they are the head, and the phrase
    # counts as a term (it had been extracted, then dropped from termhood for not ending on a noun).
    assert noun_phrases("you can create a three-way merge between them") == ["three-way merge"]
    assert is_term(c_values([("root commit", "a"), ("root commit", "b"), ("root commit", "c")])[key_of("root commit")])
    # "the changes made", "the ggplot objects created": a clause, not a name.
    assert noun_phrases("Review the changes made by the ggplot objects created there") == ["changes", "ggplot objects"]
    # A participle in -ing after an article modifies ("the dangling objects"); without one it may act ("Examining ...").
    assert noun_phrases("Remove the dangling objects now") == ["dangling objects"]
    assert noun_phrases("Examining dangling objects") == ["objects"]
    assert is_term(c_values([("dangling objects", "a"), ("dangling objects", "b"), ("dangling object", "c")])[key_of("dangling object")])
    # Words that point back at the context name no kind: "the resulting packfile", "the corresponding entry".
    assert noun_phrases("Check the resulting packfile and the corresponding entry") == ["packfile", "entry"]


def test_c_value_counts_a_phrase_that_stands_on_its_own() -> None:
    occurrences = [("standard coset table", "a"), ("standard coset table", "b"), ("coset table", "c"),
                   ("posterior predictive density", "a"), ("posterior predictive density", "b"), ("free group", "a")]
    terms = c_values(occurrences)
    assert is_term(terms[key_of("standard coset table")])
    assert terms[key_of("predictive density")].c_value == 0  # only ever inside the longer term
    assert not is_term(terms[key_of("free group")])  # once is not a recurring term


def test_defined_and_marked_terms() -> None:
    assert ("free group", "defined", "group with no relators") in defined_terms("A free group is a group with no relators.", "sentence")
    assert [t[0] for t in defined_terms("This procedure is called coset enumeration.", "sentence")] == ["coset enumeration"]
    assert [t[0] for t in defined_terms("Such a merge is known as an *octopus merge*.", "sentence")] == ["octopus merge", "octopus merge"]
    assert defined_terms("core.autocrlf::", "sentence")[0][:2] == ("core.autocrlf", "defined")
    assert code_terms("Run `git merge --abort` or set ``core.autocrlf``; `cross` and `x` are values.") == [
        ("git merge --abort", False), ("core.autocrlf", False)]
    # A link's target is where it goes, not a name: :ref:`c-api-index`, :doc:`tutorial/index`.
    assert code_terms("See :ref:`c-api-index`, :std:ref:`tut-classes`, :doc:`install/index` and :func:`os.getcwd`.") == [
        ("os.getcwd", False)]
    # Sphinx shows a `~` target by its last part and drops a `!`: those are the names the notes show.
    assert code_terms("Use :class:`~sympy.core.add.Add`, :py:func:`~.construct_domain` or :func:`!lambdify`; `~/.gitconfig`.") == [
        ("Add", False), ("construct_domain", False), ("lambdify", False)]


def test_code_written_as_a_call_or_called_a_function_is_one() -> None:
    text = "Call ``pp_check()``, the ``solveset`` function or the method ``evalf``; ``Poly`` and ``test()`` are not."
    assert code_terms(text) == [("pp_check", True), ("solveset", True), ("evalf", True), ("Poly", False)]
    # Two letters are a name only when called: `lm()` or "the `rm` command", never `df` or `ax`.
    assert code_terms("Fit ``lm()`` and use the `rm` command on `df` and `ax`.") == [("lm", True), ("rm", True)]
    # A function does something: a technique; a capitalised call builds an object and stays a concept.
    assert guess_type("pp_check", in_code=True, called=True) == "technique"
    assert guess_type("Poly", in_code=True, called=True) == "concept"
    assert guess_type("emmGrid", in_code=True) == "concept"


def test_head_words_type_plain_english_terms() -> None:
    assert guess_type("Todd-Coxeter algorithm") == "technique"
    assert guess_type("logistic regression") == "model"
    assert guess_type("Mahalanobis distance") == "metric"
    assert guess_type("estimated marginal mean") == "metric"
    assert guess_type("partial pooling") == "technique"
    assert guess_type("free group") == "concept"
    # "index" names a measure in one field and a data structure in another: the name alone says neither.
    assert guess_type("Gini index") == guess_type("sparse index") == "concept"
    # An abbreviation is typed by its long form's head word.
    assert guess_type("LOO-CV", "leave-one-out cross-validation") == "technique"
    # A named data set, residuals and filters; the head stands before "of".
    assert guess_type("veteran data set") == guess_type("MGUS data") == guess_type("mgus2 data") == "dataset"
    assert guess_type("Sensor data") == guess_type("training data") == "concept"  # a title's capital names nothing
    assert guess_type("Schoenfeld residuals") == "metric" and guess_type("normality of residuals") == "concept"
    assert guess_type("Kalman filter") == "technique" and guess_type("coefficient of variation") == "metric"
    assert guess_type("partial regression plot") == guess_type("QQ-plot") == "technique"  # a way to look at a fit


def test_an_acronym_is_typed_by_whichever_long_form_tells(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# Fitting\n\nThe maximum likelihood estimates (MLE) are printed. The maximum "
               "likelihood estimates (MLE) are biased.\n\n## Method\n\nMaximum likelihood estimation (MLE) maximises "
               "the likelihood. MLE is fast.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert graph.concept("MLE") is not None and graph.concept("MLE").type == "technique"


def test_a_defining_line_types_what_its_name_did_not() -> None:
    assert defined_type("git clean", "git-clean - Remove untracked files from the working tree") == "technique"
    assert defined_type("git fsck", "git-fsck - Verifies the connectivity of the objects") == "technique"
    # no action: a gerund, a noun, an article
    assert defined_type("gitattributes", "gitattributes - Defining attributes per path") == ""
    assert defined_type("git fast-import", "git-fast-import - Backend for fast Git data importers") == ""
    assert defined_type("gitworkflows", "gitworkflows - An overview of recommended workflows with Git") == ""
    assert defined_type("Precision", "Precision - Fraction of retrieved items that are relevant") == ""
    assert defined_type("UnevaluatedExpr", "``UnevaluatedExpr`` is a method provided by SymPy") == "technique"
    assert defined_type("Omega Squared", "The Omega squared is a measure of effect size.") == "metric"
    assert defined_type("DynamicFactor", "The `DynamicFactor` model handles the state space form.") == "model"
    assert defined_type("func", "`func` is the head of the object.") == ""  # a part in general prose, not a layer
    assert defined_type("HEAD", "HEAD is a reference to one of the heads") == ""


def test_section_labels_are_not_things() -> None:
    assert is_label("Examples") and is_label("Mathematical formulation") and is_label("See also")
    assert not is_label("Coset Enumeration")
    # A structure word that also heads names of things is a label alone or plural, not after a specific word.
    assert is_label("Index") and is_label("Options") and is_label("Merge options") and is_label("Known problems")
    assert not any(is_label(n) for n in ("sparse index", "git checkout-index", "identification problem", "C API", "call option"))
    assert names_a_thing("Free Groups") and not names_a_thing("How it works") and not names_a_thing("Creating a branch")


STATS = {
    "pooling.md": "# Partial pooling\n\nPartial pooling is a compromise between complete pooling and no pooling.\n"
                  "A **hierarchical model** shares information across groups. The hierarchical model uses partial pooling.\n\n"
                  "## Examples\n\nThey are an information bottleneck. Fit it with `stan_glmer`.\n",
    "priors.md": "# Weakly informative priors\n\nA weakly informative prior is a prior that rules out implausible values.\n"
                 "The hierarchical model is fitted with `stan_glmer`. An autoregressive prior uses SSL keys.\n\n"
                 "## Examples\n\nA random forest is an ensemble of *decision trees*.\n",
    "checks.md": "# Posterior predictive checks\n\nThe posterior predictive density is compared with the data.\n"
                 "The posterior predictive density is a distribution over new data.\n\n## Examples\n\nSee the hierarchical model. A decision tree splits the data.\n",
}


def test_notes_of_another_field_get_their_own_concepts(tmp_path: Path) -> None:
    for name, text in STATS.items():
        write_note(tmp_path / "n", name, text)
    graph = build_graph(chunks_of(tmp_path / "n"))
    names = {key_of(c.name) for c in graph.concepts.values()}
    for expected in ("partial pooling", "hierarchical model", "weakly informative prior", "posterior predictive density",
                     "stan_glmer", "random forest"):
        assert key_of(expected) in names, expected
    # Section labels, a title used once, pronouns and the seeds' catalog do not become concepts here.
    assert not names & {key_of(n) for n in ("examples", "posterior predictive checks", "they", "self-supervised learning",
                                           "causal language modeling")}
    edges = {(key_of(graph.concepts[r.source].name), key_of(graph.concepts[r.target].name), r.relation) for r in graph.relations}
    assert (key_of("random forest"), key_of("decision tree"), "uses") in edges
    assert (key_of("hierarchical model"), key_of("partial pooling"), "uses") in edges


def test_a_term_is_defined_where_the_notes_call_it_so(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "cosets.md", "# Groups\n\nListing the cosets of a subgroup one by one is called coset enumeration.\n"
               "Coset enumeration can run forever on an infinite index.\n\nWe study coset enumeration again below.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    concept = graph.concept("coset enumeration")
    assert concept is not None and concept.definition is not None
    assert "is called coset enumeration" in (concept.definition.quote or "")


def test_later_sentences_plurals_and_purposes_define_what_they_open_with(tmp_path: Path) -> None:
    text = ("# Sets\n\n* In the real domain we use the ``ImageSet`` class for periodic solutions. ``ImageSet`` is\n"
            "  basically an image of a set under a function.\n\nThe Gaussian integers are numbers of the form a + bi.\n"
            "We meet ``ImageSet`` and the Gaussian integers again later.\n\nGaussian integers are stored in a ring.\n\n"
            "A flush packet is used to mark the end of the message. The code printer is intended to be fast.\n"
            "Every flush packet and code printer is logged.\n")
    for name in ("a.md", "b.md"):  # a code name two notes use
        write_note(tmp_path / "n", name, text)
    graph = build_graph(chunks_of(tmp_path / "n"))
    image, gauss = graph.concept("ImageSet"), graph.concept("Gaussian integers")
    assert image is not None and image.definition is not None and image.definition.quote.startswith("``ImageSet`` is")
    assert image.definition.start_line == 3  # the line where the defining sentence starts, not the item's first
    assert gauss is not None and gauss.definition is not None and "numbers of the form" in (gauss.definition.quote or "")
    # What a thing is for defines it too, more weakly; "is intended to be fast" says nothing of what it is.
    flush, printer = graph.concept("flush packet"), graph.concept("code printer")
    assert flush is not None and flush.definition is not None and "used to mark the end" in (flush.definition.quote or "")
    assert printer is not None and printer.definition is None


def test_a_later_sentence_defines_its_subject_beside_the_item_that_defines_its_own(tmp_path: Path) -> None:
    # (The sentence reader splits an item where a capital opens the next sentence, not where code does.)
    text = ("# Packets\n\n* **Flush packet**: the empty packet that ends a message. ``delim_pkt`` is a packet that separates sections.\n"
            "\nThe flush packet and ``delim_pkt`` are sent often.\n")
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, text)
    graph = build_graph(chunks_of(tmp_path / "n"))
    flush, delim = graph.concept("flush packet"), graph.concept("delim_pkt")
    assert flush is not None and flush.definition is not None and (flush.definition.quote or "").startswith("the empty packet")
    assert delim is not None and delim.definition is not None and "separates sections" in (delim.definition.quote or "")


def test_stress_and_values_are_not_terms() -> None:
    assert defined_terms("This is *still* fine, you *cannot* skip it.", "sentence") == []
    assert [t[0] for t in defined_terms("Use the *non*-adjusted means of the *coset table*-based run.", "sentence")] == ["coset table"]
    assert [t[0] for t in defined_terms("A *coset table* lists cosets; *relators* are words.", "sentence")] == ["coset table", "relators"]
    assert code_terms("Combine with `and` or `or`.") == []
    # A keyword made a name by an underscore is still the English word: a concept "And" named in every "and".
    assert [name for name, _ in code_terms("``operator.and_``, ``and_`` and ``from_``, but ``init_printing`` is a name.")] == [
        "operator.and_", "init_printing"]


def test_topics_split_a_graph_into_its_communities(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# Groups\n\nA *free group* has a *coset table*. The coset table lists each coset.\n"
               "A free group acts on the coset table. Each coset of a free group is in the coset table.\n")
    write_note(tmp_path / "n", "b.md", "# Git\n\nA *merge commit* has two *parent commits*. The merge commit records each parent commit.\n"
               "A merge commit is made by `git merge`. Run `git merge` to make a merge commit.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    topic = {graph.concepts[cid].name.lower(): t for cid, t in graph.topics.items()}
    assert topic["free group"] == topic["coset table"] != topic["merge commit"] == topic["parent commits"] != -1


def test_a_phrase_named_after_someone_is_a_term(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# Sampling\n\nWe draw with the Gibbs sampler here.\n\n## More\n\nThe Gibbs sampler updates one "
               "coordinate. The computation time grows.\n\n## Again\n\nThe computation time of a Gibbs sampler is long.\n")
    names = {key_of(c.name) for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert key_of("Gibbs sampler") in names and key_of("computation time") not in names


def test_a_camel_case_setting_is_not_the_words_it_joins(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# URLs\n\nSet `url.insteadOf` to rewrite URLs. The `insteadOf` value is a prefix.\n\n"
               "## B\n\nUse ssh instead of https. The `insteadOf` key is read at fetch time.\n")
    write_note(tmp_path / "n", "b.md", "# Fetch\n\nThe `insteadOf` rule applies to every remote. Do it with `instead of`.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))  # ...even when the words once stand in code, as git's manual has them
    concept = graph.concept("insteadOf")
    assert concept is not None and concept.type == "concept"  # an identifier in code, not a model
    assert graph.mentions("Use ssh instead of https.") == []  # the words do not name it
    assert [c.name for c in graph.mentions("Set url.insteadOf first.")] == ["insteadOf"]


def test_items_of_one_list_are_siblings_not_related(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, f"# Tools {name}\n\nMerge tools: **TkDiff**, **xxdiff**, **HelixCore** and **kdiff3**.\n"
                   "**TkDiff** uses **Tcl** to draw its window.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert {"TkDiff", "xxdiff", "HelixCore", "kdiff3", "Tcl"} <= {c.name for c in graph.concepts.values()}
    pairs = {frozenset((graph.concepts[r.source].name, graph.concepts[r.target].name)) for r in graph.relations}
    assert frozenset(("xxdiff", "HelixCore")) not in pairs and frozenset(("TkDiff", "kdiff3")) not in pairs
    assert frozenset(("TkDiff", "Tcl")) in pairs


def test_a_section_named_after_a_concept_defines_it_by_its_first_line(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# Models\n\n### 4.2 Zebrafold (Lab, 2022) — First of its kind\n\n"
               "Zebrafold interleaves image embeddings into a frozen language model.\n\n"
               "### Uses\n\nThe Zebrafold model reads images. Zebrafold is fast.\n\n"
               "## Retrieval\n\nCMR (Cross Modal Retrieval) searches across modalities with CMR indexes.\n\n"
               "## Zebra smoothing\n\nThis notebook illustrates how to use Zebra smoothing on a short series.\n\n"
               "## Quagga hook\n\nThis hook is invoked by the commit command before the message is written.\n\n"
               "## Both\n\nZebra smoothing and the Quagga hook run together. Zebra smoothing is slow. "
               "The Quagga hook is fast.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert definition_of(graph, "Zebrafold").startswith("Zebrafold interleaves")
    assert "Cross Modal Retrieval" in definition_of(graph, "CMR")
    # a first line about the document defines nothing; one about the section's subject does
    zebra = graph.concept("Zebra smoothing")
    assert zebra is not None and zebra.definition is None
    assert definition_of(graph, "Quagga hook").startswith("This hook is invoked by the commit command")


def test_shouted_titles_options_and_descriptions_are_not_concepts(tmp_path: Path) -> None:
    text = ("# Merging\n\nSee VARIABLES below. A merged branch is gone; the merged branch stays in the reflog. "
            "Use `--merge` to keep the merged branch and the merged branch log. Run `git merge --abort` to stop.\n")
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, text.replace("# Merging", f"# Merging {name}") + "\nVARIABLES is covered in VARIABLES.\n")
    names = {c.name for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert "git merge --abort" in names
    assert not names & {"VARIABLES", "--merge", "merged branch"}


def test_a_name_the_notes_always_capitalise_is_not_the_plain_word(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, f"# Sets {name}\n\nThe class `Set` holds elements. Build a `Set` from a list.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert graph.concept("Set") is not None
    assert graph.mentions("Solve a set of simultaneous equations.") == []
    assert [c.name for c in graph.mentions("A Set is iterable.")] == ["Set"]


def test_a_kind_of_thing_named_after_someone_is_a_term_even_once(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", "# Checks\n\nBefore the ANOVA we ran Levene's test and fitted a Weibull distribution.\n"
               "A clever algorithm and a useful function did the rest; the final model was small.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    kinds = {key_of(c.name): c.type for c in graph.concepts.values()}
    assert kinds.get(key_of("Levene's test")) == "technique" and kinds.get(key_of("Weibull distribution")) == "model"
    for phrase in ("clever algorithm", "useful function", "final model"):  # said of anything: not names
        assert key_of(phrase) not in kinds


def test_a_function_one_note_calls_in_two_passages_is_a_concept_but_its_variables_are_not(tmp_path: Path) -> None:
    filler = "This paragraph explains the idea in plain words so that the section is long enough to stand alone. " * 4
    write_note(tmp_path / "n", "a.md", f"# Printing\n\n{filler}\nCall ``init_printing()`` once and keep the result in ``res1``.\n\n"
               f"# Sessions\n\n{filler}\nA session runs ``init_printing()`` for you; ``res1`` is printed again.\n")
    names = {key_of(c.name) for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert key_of("init_printing") in names and key_of("res1") not in names


def test_capitalised_words_opening_sentences_do_not_let_the_seeds_catalog_in(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "rt.md", "# Reaction times\n\nAccuracy rose with practice. Precision of the estimate fell. "
               "Wikipedia has more. Diffusion of evidence to a bound follows a Wiener process; the diffusion model "
               "fits reaction times. Attention lapses add slow trials.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert not any(c.origin == "catalog" for c in graph.concepts.values())


def test_a_one_word_option_is_no_concept_but_a_longer_one_may_be(tmp_path: Path) -> None:
    # Matched without its dashes, `--merge` would be named in every prose "merge".
    write_note(tmp_path / "n", "git-log.txt", "OPTIONS\n-------\n\n--merge::\n\tShow commits touching conflicted paths.\n\n"
               "--first-parent::\n\tFollow only the first parent commit upon seeing a merge commit.\n\n-n::\n\tDry run.\n")
    found = {c.name for chunk in chunks_of(tmp_path / "n") for c in candidates(chunk, split_spans(chunk))}
    assert "--first-parent" in found and not {"--merge", "-n"} & found


def test_a_stressed_contraction_or_a_header_name_is_no_concept() -> None:
    from studygraph.graph.discover import plausible

    assert not plausible("don't") and not plausible("it's") and plausible("Levene's test") and plausible("Cohen's d")
    assert code_terms("Each mail starts with a `From:` line and ends with `Tested-by:` trailers.") == []  # labels


def test_nested_names_side_by_side_are_a_kind_or_the_same_thing(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, "# Tables\n\nA *standard coset table* is a *coset table* in a fixed order; "
                   "every coset table can be made a standard coset table.\n\n# Packs\n\nThe *MIDX* lists packs: "
                   "the MIDX file sits beside them. Write the *MIDX file* with the MIDX tool.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    edges = {(key_of(graph.concepts[r.source].name), key_of(graph.concepts[r.target].name), r.relation) for r in graph.relations}
    assert (key_of("standard coset table"), key_of("coset table"), "is_a") in edges
    assert not {e for e in edges if {e[0], e[1]} == {key_of("MIDX"), key_of("MIDX file")}}


def test_a_repeated_word_is_debris_not_a_name() -> None:
    from studygraph.graph.discover import plausible

    assert not plausible("NA NA NA") and not plausible("git diff diff") and plausible("Nelson-Aalen estimate")


def test_code_names_that_nest_are_no_kind_of_each_other() -> None:
    from studygraph.graph.assemble import _nested

    assert _nested("stan_lmer", "lmer") == "" and _nested("make_routine", "Routine") == ""
    assert _nested("standard coset table", "coset table") == "kind" and _nested("MIDX", "MIDX file") == "same"


def test_a_measure_named_after_someone_and_a_symbol_is_a_concept(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, "# Concordance\n\nHarrell's C agrees with Kendall's tau-b here; it's a rank "
                   "measure, and so is Somers' D.\n")
    kinds = {key_of(c.name): c.type for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    for measure in ("Harrell's C", "Kendall's tau-b", "Somers' D"):  # a plural possessive is named too
        assert kinds.get(key_of(measure)) == "metric", measure
    assert key_of("it's a") not in kinds


MANUAL = (
    "# NAME\n\ngit-frobnicate - Record the frob of every tracked file\n\n"
    "# DESCRIPTION\n\nRun `git frobnicate` before `git push`. Then `git frobnicate` again.\n\n"
    "## Helpers\n\nThe `frob_all` function walks the index and frobs each entry.\n"
    "Call `frob_all()` once. The password file can be anywhere, but `frob_all()` reads it.\n\n"
    "## More\n\n[Frobbing: A Principled Approach to Tracked Files](https://example.org/frob).\n"
    "Frobbing is done by `frob_all()`; the password file is shared.\n"
)


def test_a_manual_name_line_and_a_named_function_define_their_concept(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.md", MANUAL)
    write_note(tmp_path / "n", "b.md", "# Workflow\n\nUse `git frobnicate` daily; `git frobnicate` is quick.\n\n"
               "## Again\n\nAfter a merge, run `git frobnicate` and `frob_all()`.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert definition_of(graph, "git frobnicate").startswith("git-frobnicate - Record the frob")
    assert graph.concept("git frobnicate").type == "technique"  # the manual says what it does
    assert definition_of(graph, "frob_all").startswith("The `frob_all` function walks the index")
    # a plain word before a kind noun names the kind's thing, not itself; a link title defines nothing
    password = graph.concept("password")
    assert password is None or password.definition is None
    frobbing = graph.concept("Frobbing")
    assert frobbing is None or frobbing.definition is None or not frobbing.definition.quote.startswith("[")


def test_the_notes_own_jargon_is_a_concept_when_used_across_notes(tmp_path: Path) -> None:
    filler = "This paragraph explains the idea in plain words so that the section is long enough to stand alone. " * 4
    write_note(tmp_path / "n", "a.md", f"# History\n\n{filler}\nThe reflog records where each branch pointed; a pathspec limits it.\n\n"
               f"# Undo\n\n{filler}\nRead the reflog to undo a reset. The hypergeometric view doesn't help with numpy.\n")
    write_note(tmp_path / "n", "b.md", f"# Recovery\n\n{filler}\nOld commits stay in the reflog for ninety days; see `gitrevisions`.\n"
               "Typeset $\\begin{pmatrix} a \\end{pmatrix}$ as usual; NumPy arrays are fine, and numpy is imported.\n\n"
               f"# More\n\n{filler}\nIt uses numpy again, and numpy once more; the reweighted sums are exogenous.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    names = {c.name for c in graph.concepts.values()}
    assert "reflog" in names  # three passages of two notes
    assert "pathspec" not in names  # one passage
    assert not names & {"hypergeometric", "doesn", "pmatrix", "reweighted", "exogenous"}  # describes, debris or markup
    numpy = graph.concept("numpy")
    assert numpy is not None and numpy.name == "NumPy"  # written as a name once: that spelling, not the prose one


def test_jargon_written_as_a_call_is_a_function(tmp_path: Path) -> None:
    filler = "This paragraph explains the idea in plain words so that the section is long enough to stand alone. " * 4
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, f"# Curves {name}\n\n{filler}\nThen survfit(fit) draws the curve.\n\n"
                   f"# Again {name}\n\n{filler}\nCall survfit(fit2) for the second group.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    survfit = graph.concept("survfit")
    assert survfit is not None and survfit.type == "technique"


def test_a_clause_opening_on_a_variable_is_no_name() -> None:
    from studygraph.graph.discover import plausible

    assert not plausible("If A") and not plausible("If HEAD") and not plausible("Unless the")
    assert plausible("if statement") and plausible("While loops")


def test_a_shouted_section_title_shows_as_the_notes_write_the_word(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):  # a manual's verb written once as its section title, once shouted in a synopsis
        write_note(tmp_path / "n", name, f"# Tool {name}\n\nRun it as: tool LIST [name].\n\n## list\n\nPrints the entries.\n\n"
                   "## Refs\n\nHEAD names the current commit; HEAD moves.\n")
    names = {c.name for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert "list" in names and "LIST" not in names
    assert "HEAD" in names  # written in capitals every time: a name, not a shouted word


def test_a_phrase_opening_a_literal_block_is_no_term(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "a.txt", "Usage\n=====\n\nAll code examples assume::\n\n    >>> from tool import partitions\n\n"
               "partitions::\n\n    >>> partitions(7)\n")
    found = {c.name for chunk in chunks_of(tmp_path / "n") for c in candidates(chunk, split_spans(chunk)) if c.how == "defined"}
    assert "partitions" in found and "All code examples assume" not in found
    assert defined_terms("For instance::", "sentence", before_code=True) == []
    assert [t[0] for t in defined_terms("partitions::", "sentence", before_code=True)] == ["partitions"]
    assert [t[0] for t in defined_terms("merge driver::", "sentence")] == ["merge driver"]  # an AsciiDoc term


def test_a_subcommand_named_like_a_verb_is_no_hub(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        write_note(tmp_path / "n", name, f"Notes {name}\n\n'show'::\n\nGives the notes for a given object.\n\n"
                   "To show a commit, the tool reads the object store. Show the packfile and the reflog.\n"
                   "Use `show` to print the reflog.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    show = graph.concept("show")
    assert show is not None and show.origin == "marked"
    ends = {frozenset((graph.concepts[r.source].name, graph.concepts[r.target].name)) for r in graph.relations}
    assert frozenset(("show", "reflog")) in ends  # "Use `show` to print the reflog": the subcommand
    assert frozenset(("show", "packfile")) not in ends  # "Show the packfile": the verb


def test_a_name_in_capitals_is_not_the_word_in_prose(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, f"# Refs {name}\n\nHEAD names the current commit; HEAD moves with it. See HEAD.\n\n"
                   "## head\n\nThe head of the queue is served first.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    assert [c.name for c in graph.mentions("Then HEAD moves.")] == ["HEAD"]
    assert graph.mentions("Take the head of the queue.") == []


def test_only_a_verb_is_named_where_marked() -> None:
    from studygraph.graph.selection import _ordinary

    assert _ordinary("show", []) and _ordinary("create", ["creates"])
    assert not _ordinary("matrix", []) and not _ordinary("likelihood", [])  # the noun is the concept in prose too
    assert not _ordinary("Show", []) and not _ordinary("reflog", [])


def test_an_asciidoc_macro_name_is_markup_not_jargon(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        write_note(tmp_path / "n", name, f"Notes {name}\n\nSee linkgit:git-reflog[1] for the reflog, and link:howto.html[the howto].\n"
                   "The reflog keeps old tips; expire the reflog with linkgit:git-gc[1].\n")
    names = {c.name for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert "reflog" in names and "linkgit" not in names


def test_a_section_title_of_three_notes_is_a_concept_when_the_prose_uses_it_often(tmp_path: Path) -> None:
    for n, command in enumerate(("add", "clean", "rebase")):
        write_note(tmp_path / "n", f"{command}.md", (
            f"# git {command}\n\nThe command {command} runs in interactive mode when asked. In interactive mode it asks first.\n\n"
            "## Interactive mode\n\nThe interactive mode shows a menu. Leave interactive mode with q.\n\n"
            f"## Examples\n\nSee the examples of the {n} commands.\n"))
    names = {key_of(c.name) for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert key_of("interactive mode") in names
    assert key_of("examples") not in names


def test_a_hyphenated_compound_heading_a_phrase_is_a_term_but_an_option_or_a_modifier_is_not(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        write_note(tmp_path / "n", name, (
            f"# Model checks {name}\n\nWe compare the models by cross-validation. Exact cross-validation refits the model; "
            "approximate cross-validation does not. Run it with --full-tree to see the tree, or ask for --full-tree; "
            "--full-tree is fast. The group-level effects vary, the group-level intercepts shrink, the group-level slopes and the "
            "group-level terms too. Set it with `git config`; the manual is git-config, so read git-config.\n"))
    concepts = {c.name: c for c in build_graph(chunks_of(tmp_path / "n")).concepts.values()}
    assert "cross-validation" in concepts
    assert not concepts.keys() & {"full-tree", "group-level"}  # an option's words; a compound that only ever describes
    # A compound adds no spelling to a name written otherwise, but stays an alias of it (matched there).
    assert "git-config" not in concepts and "git-config" in concepts["git config"].aliases


def test_a_name_used_once_is_a_concept_where_the_notes_list_it_among_others(tmp_path: Path) -> None:
    write_note(tmp_path / "n", "encoders.md", (
        "# Vision encoders\n\nCompare vision encoders: CLIP, SigLIP, DINOv2. CLIP and SigLIP are trained on captions.\n"
        "SigLIP replaces the softmax of CLIP. The sides AB, BC and CA of the triangle are equal; the NULL value stays.\n\n"
        "## Cards\n\n23. SimCLR — what are the positive pairs? Two augmentations of one image.\n"))
    names = {c.name for c in build_graph(chunks_of(tmp_path / "n"), catalog=Catalog(())).concepts.values()}  # notes alone
    assert {"DINOv2", "SimCLR"} <= names
    assert not names & {"AB", "BC", "CA", "NULL"}
