"""The app's first answer after a cold start (issue #15: <= 1.5 s), in a fresh process.

Drives ui/app.py with Streamlit's AppTest (the app's own code, no browser) over an
index that already exists, and times: the page's first run (imports, facade, index
status) and the first question from the chat box to the rendered answer. Prints
one JSON object; the 1-minute load average is reported beside the numbers.

    .venv/bin/python benchmarks/bench_app.py HOME [--question Q] [--runs 3] [--new-student]

Each run is its own process (nothing warm is shared); HOME must hold an index
(`studygraph ingest` with STUDYGRAPH_HOME=HOME). By default the page reopens the
chat the previous run saved (a returning student). `--new-student` deletes HOME/chat
before each run: no saved chat and no welcome kept, as on the first visit after an
ingest, when the welcome's suggested questions are still to be worked out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What is the masking ratio of BERT's MLM?"


def one_run(question: str) -> dict:
    """Child process: time the page load and the first answer."""
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    from streamlit.testing.v1 import AppTest

    imported = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=300).run()
    if at.exception:
        raise RuntimeError(str(at.exception[0].value))
    page = time.perf_counter()
    at.chat_input[0].set_value(question).run()
    answered = time.perf_counter()
    if at.exception:
        raise RuntimeError(str(at.exception[0].value))
    shown = " ".join(str(m.value) for m in at.markdown)
    return {
        "streamlit_import_s": imported - started_wall,
        "page_s": page - imported,
        "first_answer_s": answered - page,
        "start_to_answer_s": answered - started_wall,
        "cpu_s": time.process_time() - started_cpu,
        "answered": bool(shown.strip()),
        "torch_loaded": "torch" in sys.modules,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--new-student", action="store_true", help="delete HOME/chat before each run")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.question)))
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    env.update(STUDYGRAPH_HOME=str(args.home.resolve()), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               PYTHONPATH=os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), str(ROOT)))))
    runs = []
    for _ in range(args.runs):
        if args.new_student:
            shutil.rmtree(args.home / "chat", ignore_errors=True)
        load = os.getloadavg()[0]
        done = subprocess.run([sys.executable, __file__, str(args.home), "--one", "--question", args.question],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]) | {"load": load})
    summary = {key: statistics.median(r[key] for r in runs) for key in ("page_s", "first_answer_s", "start_to_answer_s", "cpu_s")}
    print(json.dumps({"median": summary, "runs": runs}))


if __name__ == "__main__":
    main()
