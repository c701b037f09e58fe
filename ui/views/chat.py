"""Chat: answers quoted from the notes with [n] markers, one expandable source per
citation, and related concepts to open in the graph or ask about next. With a
local LLM configured, its answer streams in and is then replaced by the
verified one, unsupported sentences flagged."""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.llm import llm_configured
from studygraph.assistant.types import Answer
from studygraph.errors import StudygraphError
from studygraph.settings import MODES
from studygraph.ui import components, state
from studygraph.ui.components import md

MESSAGES = "messages"
GOTO = "chat_goto"
LLM = "use_llm"


def _choose(key: str, action: str) -> None:
    """Chip callback: remember the choice and clear the chip."""
    st.session_state[GOTO] = (action, st.session_state[key])
    st.session_state[key] = None


def _follow_chip() -> None:
    goto = st.session_state.pop(GOTO, None)
    if not goto or not goto[1]:
        return
    action, concept = goto
    if action == "graph":
        st.session_state[state.CONCEPT] = concept
        st.switch_page(state.PAGES["graph"])
    st.session_state[state.ASK] = f"What is {concept}?"


def _sidebar(assistant) -> tuple[str, int, bool]:
    with st.sidebar:
        st.subheader("Retrieval")
        st.session_state.setdefault(state.MODE, assistant.settings.mode)
        st.session_state.setdefault(state.K, min(assistant.settings.top_k, 20))
        mode = st.radio("Mode", MODES, key=state.MODE, horizontal=True,
                        help="hybrid: words + meaning; bm25: exact words; dense: meaning only")
        k = st.slider("Passages to read (k)", 1, 20, key=state.K)
        ready = llm_configured(assistant.settings)
        st.session_state.setdefault(LLM, ready)
        llm = st.toggle("Fluent answer from a local LLM", key=LLM, disabled=not ready,
                        help="Checked sentence by sentence against the passages it cites" if ready
                        else "Set STUDYGRAPH_LLM_URL (and STUDYGRAPH_LLM_MODEL) to use a local LLM")
    return mode, k, bool(llm and ready)


def _citations(answer: Answer, titles: dict[str, str]) -> None:
    for c in answer.citations:
        title = titles.get(c.source, components.display_path(c.source))
        path = components.heading_path(c.heading, title)
        heading = f" · {path}" if path else ""
        lines = f"lines {c.start_line}-{c.end_line}" if c.end_line != c.start_line else f"line {c.start_line}"
        with st.expander(md(f"[{c.n}] {title}{heading} · {lines}")):
            st.caption(md(components.where(c.source, c.start_line, c.end_line)))
            components.show_passage(state.chunk(c.chunk_id), c.start_line, c.end_line, c.quote)


def _related(answer: Answer, i: int) -> None:
    if not answer.related:
        return
    names = list(dict.fromkeys(r.concept for r in answer.related))
    st.caption("Related: " + md("; ".join(f"{r.concept} ({r.relation} {r.via})" for r in answer.related)))
    for action, label in (("graph", "Open in the graph"), ("ask", "Ask about")):
        key = f"{action}_chip_{i}"
        st.pills(label, names, key=key, on_change=_choose, args=(key, action), wrap=True)


def _not_found(answer: Answer) -> None:
    st.markdown(md(answer.text))
    st.caption("Tips: use the words your notes use, try the bm25 mode for exact terms, raise k, "
               "or add a note on the Notes page.")
    if answer.hits:
        st.caption("Closest passages, in case they help:")
        for hit in answer.hits[:3]:
            st.caption(md(f"{components.where(hit.chunk.source, hit.chunk.start_line, hit.chunk.end_line)} "
                          f"{hit.chunk.heading}"))


def _body(message: dict, i: int, titles: dict[str, str]) -> None:
    answer: Answer | None = message.get("answer")
    if answer is None:
        st.markdown(md(message["content"]))
    elif not answer.found:
        _not_found(answer)
    else:
        if answer.read_as:
            st.caption(md(f"Reading this as: {answer.read_as}"))
        st.markdown(components.answer_md(answer.text))
        if answer.notice:
            st.caption(md(answer.notice))
        unsupported = [s.text for s in answer.sentences if not s.supported]
        if unsupported:
            st.warning(md("Not supported by the cited passages, check before trusting: " + " / ".join(unsupported)))
        elif answer.mode == "llm":
            st.caption("Written by your local LLM; every sentence checked against the passage it cites.")
        _citations(answer, titles)
        _related(answer, i)


def _previous_question(messages: list[dict]) -> str | None:
    """The last question the student asked before this one (follow-ups are read with it)."""
    asked = [m["content"] for m in messages[:-1] if m["role"] == "user"]
    return asked[-1] if asked else None


def _answer(assistant, question: str, k: int, mode: str, llm: bool, after: str | None) -> dict:
    """Ask, showing LLM text as it streams; the reply message to keep."""
    try:
        with st.spinner("Reading your notes..."):
            pieces = assistant.ask_stream(question, k, mode, llm=llm, after=after)
            first = next(pieces)
        if isinstance(first, Answer):
            return {"role": "assistant", "content": "", "answer": first}
        draft, text = st.empty(), first
        draft.text(text)
        for piece in pieces:
            if isinstance(piece, Answer):
                draft.empty()
                return {"role": "assistant", "content": "", "answer": piece}
            text += piece
            draft.text(text)
        raise StudygraphError("the answer stream ended without an answer; try again")
    except StudygraphError as exc:
        return {"role": "assistant", "content": str(exc)}


def _welcome(assistant) -> None:
    hubs = [h["name"] for h in assistant.graph().summary(hubs=4)["hubs"]]
    with st.chat_message("assistant"):
        st.markdown("Ask me about your notes. Every answer quotes them and cites the exact lines.")
        if hubs:
            key = "welcome_chip"
            st.pills("Or start with a concept", hubs, key=key, on_change=_choose, args=(key, "ask"))


assistant = state.assistant()
_follow_chip()
mode, k, llm = _sidebar(assistant)
st.title(":material/chat: Ask your notes")
messages: list[dict] = st.session_state.setdefault(MESSAGES, [])
titles = state.titles()
if not messages:
    _welcome(assistant)
for i, message in enumerate(messages):
    with st.chat_message(message["role"]):
        _body(message, i, titles)

question = st.chat_input("Ask a question about your notes")
if question is None:
    question = st.session_state.pop(state.ASK, None)
if question is not None:
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        _body(messages[-1], len(messages) - 1, titles)
    with st.chat_message("assistant"):
        messages.append(_answer(assistant, question, k, mode, llm, _previous_question(messages)))
        _body(messages[-1], len(messages) - 1, titles)
