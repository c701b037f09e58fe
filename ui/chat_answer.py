"""One reply of the chat: the answer with clickable [n] markers, one source per
citation (its title, where it stands, the passage with the quoted characters
highlighted and, for a PDF, the cited page drawn with the quoted lines highlighted:
ui/pdf_preview.py), one row of related concepts, and a box to copy the answer from.

A marker is an in-page link (`#cite-<turn>-<n>`) and its source's expander sits in
a container keyed with the same name (Streamlit gives it the class
`st-key-cite-<turn>-<n>`). Streamlit's markdown cannot open an expander, so one
constant script (CITE_SCRIPT, no note text in it) listens on the page for clicks
on such links, opens the expander and scrolls it into view. Without JavaScript the
link still names its source, and the sources are right below.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studygraph.assistant.chat_export import answer_plain
from studygraph.assistant.types import Answer, Citation, Related
from studygraph.lines import label
from studygraph.ui import components, state
from studygraph.ui.components import md
from studygraph.ui.rich_text import HIGHLIGHT, anchor, answer_md, inert, passage_md

Choose = Callable[[str, str], None]

# Runs in st.iframe's same-origin frame and installs the listener in the page itself (a
# script element of the page's own): a rerun may replace the frame, and a listener that
# belonged to a gone frame never fires again, while the page's own one lasts.
CITE_SCRIPT = """<script>
(function () {
  function install() {
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
      if (!link) return;
      event.preventDefault();
      const box = document.querySelector(".st-key-" + CSS.escape(link.getAttribute("href").slice(1)));
      if (!box) return;
      const details = box.querySelector("details");
      if (details && !details.open) details.querySelector("summary").click();
      box.scrollIntoView({behavior: "smooth", block: "center"});
    }, true);
  }
  const page = window.parent.document;
  if (page.getElementById("studygraph-citations")) return;
  const script = page.createElement("script");
  script.id = "studygraph-citations";
  script.textContent = "(" + install.toString() + ")();";
  page.head.appendChild(script);
})();
</script>"""


def enable_citation_links() -> None:
    """Make every [n] link on the page open its source (call once per run, last)."""
    st.iframe(CITE_SCRIPT, height=1)


def cited_where(c: Citation) -> str:
    """`lines 3-5`; in a notebook, deck or PDF the lines as counted in the cell, slide or page
    the student opens: `cell 3, lines 1-2`, `slide 2, line 4`, `p. 3, line 1 to p. 4, line 2`."""
    where = state.assistant().cited_place(c.chunk_id, c.start_line, c.end_line)
    if not where:
        return c.label()
    kind = "cell" if "cell" in where else "page"
    name = "cell " if kind == "cell" else "slide " if c.source.lower().endswith(".pptx") else "p. "
    first, last = where[kind], where.get(f"end_{kind}", where[kind])
    if first != last:
        return f"{name}{first}, line {where['start_line']} to {name}{last}, line {where['end_line']}"
    return f"{name}{first}, {label(where['start_line'], where['end_line'])}"


def source_label(c: Citation, titles: dict[str, str]) -> str:
    """`[1] Note title · Section > Subsection · lines 3-5` (or `cell 3, lines 1-2`): the heading is shown here, once."""
    title = titles.get(c.source, components.display_path(c.source))
    path = components.heading_path(c.heading, title)
    return f"[{c.n}] {title}{f' · {path}' if path else ''} · {cited_where(c)}"


def show_sources(answer: Answer, turn: int, titles: dict[str, str]) -> None:
    for c in answer.citations:
        with st.container(key=anchor(turn, c.n)), st.expander(md(source_label(c, titles))):
            st.caption(md(components.where(c.source, c.start_line, c.end_line)))
            chunk = state.chunk(c.chunk_id)
            if chunk is not None:
                st.markdown(passage_md(chunk.text, chunk.start_line, c.quote, c.start_line, c.end_line))
                if c.source.lower().endswith(".pdf"):
                    # Imported for a PDF only: PDFium's bindings cost a cold page ~0.13 s of CPU.
                    from studygraph.ui.pdf_preview import show_cited_page

                    show_cited_page(c, chunk)
            elif c.quote.strip():
                st.caption("The note changed since; the quote as it was:")
                st.markdown(f":{HIGHLIGHT}[{inert(c.quote)}]")
            else:
                st.caption("This passage is no longer in the index (the note changed).")


def show_related(answer: Answer, turn: int, titles: dict[str, str], choose: Choose) -> None:
    """One row under the answer: Copy, then each related concept once, its menu holding both
    actions (open it in the graph, ask about it) and how it relates."""
    first: dict[str, Related] = {}
    for r in answer.related:
        first.setdefault(r.concept, r)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        with st.popover("Copy", icon=":material/content_copy:", type="tertiary", key=f"copy_{turn}"):
            st.caption("The answer with its sources; the button at the box's corner copies it.")
            st.code(answer_plain(answer, titles), language=None, wrap_lines=True)
        if first:
            st.caption("Related:", width="content")
        for j, (concept, r) in enumerate(first.items()):
            with st.popover(md(concept), type="tertiary"):
                st.caption(md(f"{r.type} · {r.relation} {r.via}"))
                st.button("Open in the graph", key=f"graph_{turn}_{j}", icon=":material/hub:",
                          on_click=choose, args=("graph", concept))
                st.button(md(f"Ask: What is {concept}?"), key=f"ask_{turn}_{j}", icon=":material/chat:",
                          on_click=choose, args=("ask", concept))


def show_answer(answer: Answer, turn: int, titles: dict[str, str], choose: Choose) -> None:
    """A found answer and everything under it."""
    if answer.read_as:
        st.caption(md(f"Reading this as: {answer.read_as}"))
    st.markdown(answer_md(answer.text, {c.n for c in answer.citations}, turn))
    if answer.notice:
        st.caption(md(answer.notice))
    unsupported = [s.text for s in answer.sentences if not s.supported]
    if unsupported:
        st.warning(md("Not supported by the cited passages, check before trusting: " + " / ".join(unsupported)))
    elif answer.mode == "llm":
        st.caption("Written by your local LLM; every sentence checked against the passage it cites.")
    show_sources(answer, turn, titles)
    show_related(answer, turn, titles, choose)
