"""Chat: answers quoted from the notes with clickable [n] markers, one source per
citation with the quoted words highlighted, one row of related concepts. The
conversation is saved in the data directory (assistant/chat_history.py), so it
survives a reload; "New chat" starts another, earlier ones reopen from the
sidebar, "Export" downloads it as Markdown. With a local LLM configured, its
answer streams in and is then replaced by the verified one."""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.chat_export import to_markdown
from studygraph.assistant.chat_history import ChatLog, Message
from studygraph.assistant.llm import llm_configured
from studygraph.assistant.types import Answer
from studygraph.errors import StudygraphError
from studygraph.settings import MODES
from studygraph.ui import chat_tags, components, state
from studygraph.ui.chat_answer import enable_citation_links, show_answer
from studygraph.ui.chat_welcome import show_welcome
from studygraph.ui.components import md

MESSAGES = "messages"
CHAT_ID = "chat_id"
PROBLEM = "chat_problem"
GOTO = "chat_goto"
LLM = "use_llm"
EARLIER = "chat_earlier"


def _choose(action: str, value: str) -> None:
    """Button callback: remember the choice; the next run follows it."""
    st.session_state[GOTO] = (action, value)


def _follow_choice() -> None:
    goto = st.session_state.pop(GOTO, None)
    if not goto or not goto[1]:
        return
    action, value = goto
    if action == "graph":
        st.session_state[state.CONCEPT] = value
        st.switch_page(state.PAGES["graph"])
    st.session_state[state.ASK] = value if action == "question" else f"What is {value}?"


def _load(log: ChatLog) -> list[Message]:
    """This session's conversation: the saved current one on the first run (a reload)."""
    if CHAT_ID not in st.session_state:
        conversation = log.current()
        st.session_state[CHAT_ID] = conversation.id
        st.session_state[MESSAGES] = list(conversation.messages)
        st.session_state[PROBLEM] = conversation.problem
    return st.session_state[MESSAGES]


def _new_chat(log: ChatLog) -> None:
    st.session_state[CHAT_ID] = log.start()
    st.session_state[MESSAGES] = []
    st.session_state[PROBLEM] = ""


def _reopen(log: ChatLog) -> None:
    chat_id = st.session_state.get(EARLIER)
    if chat_id:
        conversation = log.open(chat_id)
        st.session_state[CHAT_ID] = conversation.id
        st.session_state[MESSAGES] = list(conversation.messages)
        st.session_state[PROBLEM] = conversation.problem
    st.session_state[EARLIER] = None


def _sidebar(assistant, log: ChatLog) -> tuple[str, int, bool, str | None]:
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
        tag = chat_tags.tag_filter(assistant)
        earlier = {c.id: c for c in log.conversations()[:30] if c.id != st.session_state.get(CHAT_ID)}
        if earlier:
            st.selectbox("Earlier chats", list(earlier), index=None, key=EARLIER, placeholder="Reopen a chat",
                         format_func=lambda i: f"{i[:4]}-{i[4:6]}-{i[6:8]} · {earlier[i].title}",
                         on_change=_reopen, args=(log,))
    return mode, k, bool(llm and ready), tag


def _toolbar(log: ChatLog, messages: list[Message], titles: dict[str, str]) -> None:
    with st.container(horizontal=True, gap="small"):
        st.button("New chat", key="new_chat", icon=":material/add_comment:", on_click=_new_chat, args=(log,),
                  disabled=not messages)
        st.download_button("Export to markdown", to_markdown(messages, titles) if messages else "",
                           file_name=f"studygraph-chat-{st.session_state[CHAT_ID]}.md", mime="text/markdown",
                           icon=":material/download:", disabled=not messages, on_click="ignore")


def _not_found(answer: Answer) -> None:
    st.markdown(md(answer.text))
    st.caption("Tips: use the words your notes use, try the bm25 mode for exact terms, raise k, "
               "or add a note on the Notes page.")
    if answer.hits:
        st.caption("Closest passages, in case they help:")
        for hit in answer.hits[:3]:
            st.caption(md(f"{components.where(hit.chunk.source, hit.chunk.start_line, hit.chunk.end_line)} "
                          f"{hit.chunk.heading}"))


def _body(message: Message, turn: int, titles: dict[str, str]) -> None:
    chat_tags.show_filter(message)
    answer = message.answer
    if answer is None:
        st.markdown(md(message.content))
    elif not answer.found:
        _not_found(answer)
    else:
        show_answer(answer, turn, titles, _choose)


def _previous_question(messages: list[Message]) -> str | None:
    """The last question the student asked before this one (follow-ups are read with it)."""
    asked = [m.content for m in messages[:-1] if m.role == "user"]
    return asked[-1] if asked else None


def _answer(assistant, question: str, k: int, mode: str, llm: bool, after: str | None, tag: str | None) -> Message:
    """Ask (from the notes tagged `tag` only, when given), showing LLM text as it streams; the
    reply to keep, carrying the tag so the saved chat still says which notes it was read from."""
    kept = tag or ""
    try:
        with st.spinner("Reading your notes..."):
            pieces = assistant.ask_stream(question, k, mode, llm=llm, after=after, tag=tag)
            first = next(pieces)
        if isinstance(first, Answer):
            return Message("assistant", "", first, tag=kept)
        draft, text = st.empty(), first
        draft.text(text)
        for piece in pieces:
            if isinstance(piece, Answer):
                draft.empty()
                return Message("assistant", "", piece, tag=kept)
            text += piece
            draft.text(text)
        raise StudygraphError("the answer stream ended without an answer; try again")
    except StudygraphError as exc:
        return Message("assistant", str(exc), tag=kept)


assistant = state.assistant()
log = state.chat_log()
_follow_choice()
messages = _load(log)
mode, k, llm, tag = _sidebar(assistant, log)
st.title(":material/chat: Ask your notes")
titles = state.titles()
toolbar = st.container()  # filled last, so New chat and Export see this run's answer too
if st.session_state.get(PROBLEM):
    st.warning(md(st.session_state[PROBLEM]))
welcome = st.empty()  # the welcome stands here while the chat is empty and nothing is being asked
for turn, message in enumerate(messages):
    with st.chat_message(message.role):
        _body(message, turn, titles)

question = st.chat_input("Ask a question about your notes")
if question is None:
    question = st.session_state.pop(state.ASK, None)
if question is None and not messages:
    with welcome.container():
        show_welcome(assistant, _choose)
if question is not None:
    messages.append(Message("user", question))
    with st.chat_message("user"):
        _body(messages[-1], len(messages) - 1, titles)
    with st.chat_message("assistant"):
        with chat_tags.answering(tag):
            reply = _answer(assistant, question, k, mode, llm, _previous_question(messages), tag)
        messages.append(reply)
        _body(messages[-1], len(messages) - 1, titles)
    try:
        log.save(st.session_state[CHAT_ID], messages)
        st.session_state[PROBLEM] = ""
    except OSError as exc:  # a full or read-only disk: the answer stays on screen, the reason is said
        st.session_state[PROBLEM] = f"This chat could not be saved in {log.root} ({exc}); it lasts until the page closes."
        st.warning(md(st.session_state[PROBLEM]))
with toolbar:
    _toolbar(log, messages, titles)
enable_citation_links()
