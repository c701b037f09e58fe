"""Keep the discovered candidates that deserve a node, merged and typed.

A candidate survives when the notes define or mark it (`What is X?`, `X is a
...`, `called X`, `**X**: ...`, `*X*`, `X (Long Form)`), when a section title
names it and its name is used again, when it is a recurring noun phrase of good
termhood (C-value, see `graph.termhood`) that the notes also single out or use
often, when inline code is used in two notes (or called in two passages of
one), when a name or bold term recurs in two chunks, or when a phrase ending
in a kind of thing ("... test", "... estimator") opens on a proper name or is
marked, even once ("Levene's test"). Section labels are told apart without a
list of any field's words: a title that heads sections in three or more files ("Examples", "NAME",
"Options") unless the prose uses it as a name too, or whose head word says what kind of section it is
("Mathematical formulation", "Basic usage"). Spelling variants share a
variant key and become one node; `Short (Long Form)` pairs become one node
with the long form as alias, or an alias of the catalog concept they spell.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from studygraph.graph.catalog import Catalog, Entry
from studygraph.graph.defined import CALL_GLOSS, is_label, names_a_thing
from studygraph.graph.discover import LISTED, Candidate
from studygraph.graph.kinds import guess_type, kind_head
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.phrases import GENERIC, VAGUE, can_be_verb, known_word, participle
from studygraph.graph.termhood import c_values, is_term
from studygraph.graph.variants import is_strict, key_of

logger = logging.getLogger(__name__)

STRONG = frozenset({"defined", "longform", "marked"})
RECURRING = frozenset({"name", "bold"})  # kept when named in two chunks
# A recurring phrase is a term when the notes also single it out somewhere (a title, a definition,
# emphasis, bold, code, a name), or when it stands on its own often: a two-word phrase four times
# (C-value 4). Measured by a blind judge on three corpora: plain recurrence (C >= 2) let half the
# nodes be everyday phrases ("original version", "computation time").
ANCHORS = frozenset({"heading", "defined", "longform", "marked", "bold", "code", "name"})
STANDALONE_C_VALUE = 4.0  # ...unless it opens on a participle ("merged branch", "specified path"): a description
LABEL_FILES = 3  # a title heading sections in this many files is a section label
JARGON_CHUNKS = 3  # a word of jargon used in this many passages (of two notes or more) names a concept


@dataclass
class _Group:
    forms: Counter = field(default_factory=Counter)
    hows: set = field(default_factory=set)
    chunks: set = field(default_factory=set)
    files: set = field(default_factory=set)
    uses: int = 0  # prose uses of a title's name
    longs: Counter = field(default_factory=Counter)
    glosses: Counter = field(default_factory=Counter)
    jargon: set = field(default_factory=set)  # chunks using it as a lower-case word of jargon
    jargon_forms: Counter = field(default_factory=Counter)  # its spellings there: the name only if it has no other
    spellings: Counter = field(default_factory=Counter)  # other spellings, aliases only


@dataclass(frozen=True)
class Selection:
    """Discovered entries, plus extra aliases the notes give for catalog concepts."""

    entries: tuple[Entry, ...]
    catalog_aliases: dict[str, tuple[str, ...]]


def _display(group: _Group) -> str:
    # Prefer the spelling with the most capitals among the commonest (`SigLIP` over `siglip`), then the
    # one that keeps its separators ("Kaplan-Meier", not the "KaplanMeier" a PDF's lost hyphen left);
    # a plural counts for its singular when the notes use both ("token embedding", not "...embeddings").
    written = group.forms or group.jargon_forms  # "NumPy" as the notes write it as a name; "reflog" as in prose
    counts = Counter(written)
    for form, n in written.items():
        for singular in (form[:-1], form[:-2], form[:-3] + "y") if form.endswith("s") else ():
            if singular in counts:
                counts[singular] += n
                counts[form] = 0
                break
    # A shouted title ("REFS", "EXIT STATUS", "SUBMODULES") is the word the notes write plainly more often:
    # show that spelling, not the capitals of a manual's section headings ("HEAD", written so, stays).
    plainly = group.forms + group.jargon_forms  # every spelling of one variant key
    other = max((f for f in plainly if f.lower() == f or f.capitalize() == f), key=plainly.__getitem__, default=None)
    for form in [f for f in counts if _shouted(f)] if other is not None else ():
        if plainly[other] >= plainly[form]:
            counts[other] += counts[form]
            counts[form] = 0
    return max(counts.items(), key=lambda kv: (kv[1], sum(c.isupper() for c in kv[0]), len(kv[0])))[0]


def _ordinary(name: str, aliases: list[str]) -> bool:
    """A name that is one English word that may be a verb, written in lower case ("show", "create",
    "quit"): the notes marked it as a name somewhere (a list term, a title, code), but in their prose
    the word is mostly the verb. Such a concept is named only where it stands marked (graph.lexicon):
    matched everywhere, git's subcommands "show", "create" and "add" were named in 101-364 passages
    each, and a blind judge rejected 21 of 25 sampled edges this takes away on the git docs (3 of 3
    elsewhere). A noun ("matrix", "likelihood") stays named everywhere: applied to every ordinary word,
    the rule took edges the judge kept 14 of 24 times outside git, mostly "covariance matrix" / "matrix",
    "partial likelihood" / "likelihood"."""
    return name.islower() and can_be_verb(name) and all(f.isalpha() and known_word(f.lower()) for f in (name, *aliases))


def _shouted(form: str) -> bool:
    """All capitals, and every word an ordinary English one ("REFS", "EXIT STATUS"; not "BERT", "GIT", "SHA")."""
    words = form.split()
    return form.isupper() and all(w.isalpha() and known_word(w.lower()) for w in words)


def select(
    per_chunk: Mapping[str, Iterable[Candidate]], catalog: Catalog, base: Lexicon, sources: Mapping[str, str] | None = None
) -> Selection:
    """Choose discovered concepts.

    Args:
        per_chunk: chunk id -> candidates found in it.
        catalog: the shipped catalog (its ignore list drops labels and company names).
        base: lexicon of the catalog alone, to tell known names from new ones.
        sources: chunk id -> note path, to tell section labels (titles repeated across notes).
    """
    groups: dict[str, _Group] = defaultdict(_Group)
    links: list[tuple[str, str, str]] = []  # (short, long, chunk id)
    phrases: list[tuple[str, str]] = []
    title_files: dict[str, set[str]] = defaultdict(set)
    capitals: dict[str, list[str]] = defaultdict(list)
    dropped: dict[str, bool] = {}  # name -> ignored or a label: ~60k names asked ~220k times on 12 MB of notes
    for chunk_id, found in per_chunk.items():
        for cand in found:
            drop = dropped.get(cand.name)
            if drop is None:
                drop = dropped[cand.name] = catalog.ignored(cand.name) or is_label(cand.name)
            if drop:
                continue
            if cand.how == "phrase":
                phrases.append((cand.name, chunk_id))
                continue
            if cand.how == "capital":
                capitals[key_of(cand.name)].append(chunk_id)  # counts toward a title's recurrence
                continue
            key = key_of(cand.name)
            if cand.how == "jargon":  # counted apart: its prose spelling names the node only if nothing else does
                group = groups[key]
                group.jargon.add(chunk_id)
                group.files.add(sources.get(chunk_id, chunk_id) if sources else chunk_id)
                group.jargon_forms[cand.name] += 1
                if cand.gloss:
                    group.glosses[cand.gloss] += 1
                continue
            if cand.how == "heading":
                title_files[key].add(sources.get(chunk_id, chunk_id) if sources else chunk_id)
            group = groups[key]
            group.forms[cand.name] += 1
            group.hows.add(cand.how)
            group.chunks.add(chunk_id)
            group.files.add(sources.get(chunk_id, chunk_id) if sources else chunk_id)
            if cand.gloss:
                group.glosses[cand.gloss] += 1
            if cand.long and not catalog.ignored(cand.long):
                group.longs[cand.long] += 1
                links.append((cand.name, cand.long, chunk_id))

    terms = c_values(phrases)
    spoken: set[str] = set()  # phrases the prose uses on their own, often: a name even where it also titles sections
    for key, term in terms.items():
        anchor = groups.get(key)
        anchored = (anchor is not None and bool(anchor.hows & ANCHORS)) or _eponym(term.forms)
        form = term.forms.most_common(1)[0][0]
        frequent = term.c_value >= STANDALONE_C_VALUE and not participle(form.split()[0])
        if frequent and is_term(term) and not any(w.lower() in VAGUE for w in form.split()):
            spoken.add(key)  # not "case study", "example model": words that label a section in prose too
        if (is_term(term) and (anchored or frequent) and not is_label(form)) or _named_kind(form, anchored, base):
            group = groups[key]
            # A one-word compound ("git-config" of a link target, "sub-tree") adds no spelling to a name the
            # notes already write otherwise ("git config", "subtree").
            shown = term.forms if not group.forms else Counter({f: n for f, n in term.forms.items() if " " in f})
            group.forms.update(shown)
            group.spellings.update(term.forms - shown)  # ...but it is an alias: the node is matched there too
            group.hows.add("phrase")
            group.chunks |= term.chunks
        elif anchor is not None:
            anchor.chunks |= term.chunks  # a title or code name also used in prose recurs
    # A title heading sections of three notes is a label ("Examples", "Options", "Exit status"), unless the
    # prose also uses it as a name: a frequent term ("interactive mode", 25 times in git's manual) or a word
    # of jargon across notes ("textconv", a section of three manual pages).
    labels = {key for key, files in title_files.items() if len(files) >= LABEL_FILES and not _spoken(key, spoken, groups)}
    for key, chunk_ids in capitals.items():
        titled = groups.get(key)
        if titled is not None and "heading" in titled.hows:
            titled.chunks |= set(chunk_ids)
            titled.uses += len(chunk_ids)

    catalog_aliases: dict[str, list[str]] = defaultdict(list)
    absorbed: set[str] = set()
    for short, long, _ in links:
        short_id, long_id = base.lookup(short), base.lookup(long)
        if short_id and not long_id:
            catalog_aliases[short_id].append(long)
            absorbed.add(key_of(long))
        elif long_id and not short_id:
            catalog_aliases[long_id].append(short)
            absorbed.add(key_of(short))
        elif not short_id and not long_id:
            absorbed.add(key_of(long))  # the long form becomes an alias of the short one

    entries: list[Entry] = []
    for key, group in groups.items():
        name = _display(group)
        if key in absorbed or base.lookup(name) or (key in labels and not group.hows & STRONG) or not _keep(group, name, base):
            continue
        aliases = [f for f in (*group.forms, *group.jargon_forms, *group.spellings) if f != name and key_of(f) == key]
        if _shouted(name):
            # Still written in capitals most ("HEAD", "PATH", "GET"): a name; "head", "path" in prose are the words.
            aliases = [f for f in aliases if f.isupper()]
        if " " not in name and (name.isupper() or name[:1].islower()) and is_strict(name, kind="concept"):
            # An acronym or a camelCase setting is not the words that spell it: "ASA" is no "as a" (130 passages
            # of the R vignettes), `insteadOf` no "instead of" (279 of git's). A class (`FiniteSet`) may be.
            aliases = [f for f in aliases if not (" " in f and f.islower())]
        aliases += [lf for lf in group.longs if base.lookup(lf) is None]
        gloss = next((g for g, _ in group.glosses.most_common() if g not in (CALL_GLOSS, LISTED)), "")
        # Every long form may tell: "MLE" is spelled "maximum likelihood estimates" (no kind) and "... estimation".
        for form in [lf for lf, _ in group.longs.most_common()] or [""]:
            written_as_code = "code" in group.hows or (bool(group.jargon) and CALL_GLOSS in group.glosses)  # survfit(fit)
            kind = guess_type(name, form, gloss, in_code=written_as_code, called=CALL_GLOSS in group.glosses)
            if kind != "concept":
                break
        entries.append(Entry(name, kind, tuple(dict.fromkeys(aliases)), origin="marked" if _ordinary(name, aliases) else "notes"))
    logger.debug("discovered %d concepts from %d candidate names", len(entries), len(groups))
    return Selection(tuple(entries), {cid: tuple(dict.fromkeys(a)) for cid, a in catalog_aliases.items()})


def _keep(group: _Group, name: str, base: Lexicon) -> bool:
    if group.hows & STRONG:
        return True
    if _jargon_across(group):
        return True  # the notes' own word for something, used across notes ("reflog", "logit", "survfit")
    if _extends_known_model(name, base) or "phrase" in group.hows:
        return True
    recurs = len(group.chunks) >= 2
    plain_word = " " not in name and "-" not in name and known_word(name)  # "Retrieval", "Evaluation": a topic title
    if "heading" in group.hows and names_a_thing(name) and not plain_word and (recurs or group.uses >= 2):
        return True  # a title that is also used elsewhere, not a one-off section topic
    if "code" in group.hows and recurs and (len(group.files) >= 2 or (CALL_GLOSS in group.glosses and not name[-1:].isdigit())):
        # A command or function several notes use, or one note calls in two passages (`init_printing()`),
        # not one example's variable: any code name used in two passages of one note added 35-147 nodes per
        # corpus, mostly variables (`fit1`, `res_pre`, `a_0`); called ones add 2-34 (SymPy recall 0.63 -> 0.65).
        return True
    return (recurs and bool(group.hows & RECURRING)) or (LISTED in group.glosses and _named_once(name))


def _named_once(name: str) -> bool:
    """A name written like a product's or a method's (DINOv2, LUsolve, IndexedBase), used once in an
    enumeration of three or more names ("CLIP, SigLIP, DINOv2"), is a concept: interview notes and
    slides name most models once, beside their rivals. Not a pair of initials ("AB", "JR"), a shouted
    word ("NULL", "SKIP"), a variable of one letter and a word ("ageH", "mX"), a hash, a file
    ("book1.R") or a description ("HTTP-based", "GPG-signed").

    Measured: any name used once added 58-289 nodes per blind corpus, about half of them initials,
    placeholders and variables; in an enumeration, 1-8 (SymPy's `DyadicAdd`, `LUsolve`, git's CIFS),
    and the seeds' graph without the catalog keeps 0.39 of its concepts (0.33 before)."""
    letters = sum(c.isalpha() for c in name)
    if not name[:1].isupper() or letters < 3 or sum(c.isdigit() for c in name) > 2 or "." in name or "_" in name:
        return False
    if name.isupper() and name.isalpha() and known_word(name.lower()):
        return False
    return not ("-" in name and name.rsplit("-", 1)[1].islower())


def _jargon_across(group: _Group) -> bool:
    return len(group.jargon) >= JARGON_CHUNKS and len(group.files) >= 2


def _spoken(key: str, spoken: set[str], groups: Mapping[str, _Group]) -> bool:
    group = groups.get(key)
    return key in spoken or (group is not None and _jargon_across(group))


def _named_kind(form: str, anchored: bool, base: Lexicon) -> bool:
    """A phrase that names a kind of thing and is singled out, even if used once: a kind head
    ("... test", "... distribution", "... estimator") after a proper name ("Levene's test",
    "Weibull distribution", "DerSimonian-Laird estimator") or marked by the notes (a title, emphasis).

    Measured on five blind corpora: the teachers' concept recall rose 0.00-0.03 (survival PDFs 0.42 ->
    0.45) for 0-25 nodes each; without the name-or-mark condition ~150-390 nodes were added per
    corpus, about half of them evaluative phrases ("clever algorithm", "useful function").
    """
    words = form.split()
    first = words[0]
    # A proper name, not an acronym or a known concept: "OLS model", "ViT encoder" are mostly that concept,
    # and as nodes they would take its mentions (the longest name matches).
    named = (first[:1].isupper() and any(c.islower() for c in first) and not base.lookup(first)
             and not known_word(first.lower().split("-")[0].removesuffix("'s").removesuffix("’s")))
    plain = not any(w.lower() in GENERIC or w.lower() in VAGUE for w in words[:-1])
    short = len(words) <= 4  # five words once are a clause the phrase reader took for a name ("ANN trades small recall loss")
    # Judged blind (30 of 50 added nodes kept), these shapes were the rejects: a possessive before more than the
    # head ("Git's hash function", "R's base function"; "Levene's test" stays) and a Title Case heading where every
    # word has a capital ("Population Estimate", "Parametric Models"); a doubled word ("estimate estimate") never
    # gets here (discover.plausible refuses it for every candidate).
    possessive = first.endswith(("'s", "’s")) and len(words) > 2
    title_case = all(w[:1].isupper() for w in words)
    if possessive or title_case:
        return False
    return kind_head(form) and short and (anchored or named) and plain and not participle(first) and not is_label(form)


def _eponym(forms: Counter) -> bool:
    """A phrase whose first word keeps its capital every time it is used ("Todd-Coxeter algorithm",
    "Gibbs sampler", "Jensen's inequality"): named after someone or something, so a term."""
    total = sum(forms.values())
    capitalised = sum(n for form, n in forms.items() if form[:1].isupper() and not form.split()[0].isupper())
    return total >= 2 and capitalised == total


def _extends_known_model(name: str, base: Lexicon) -> bool:
    """A versioned spelling of a known model (`LLaVA-2`, `Whisper v3`) is a model of its own."""
    head, sep, tail = name.rpartition("-") if "-" in name else name.rpartition(" ")
    if not sep or not head or (not tail[:1].isdigit() and not (tail[:1] in "vV" and tail[1:2].isdigit())):
        return False
    cid = base.lookup(head)
    return bool(cid and base.entries[cid].type == "model")
