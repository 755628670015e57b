"""How long the language server takes to answer a save (the scale issue's warm target in the editor).

Starts `cargo-pii-lint lsp` in a checkout, waits for its first analysis, then edits one file, sends
`textDocument/didSave`, and times until the server publishes diagnostics again; the file is put back and
saved once more. Prints the median of the save times in milliseconds. The edit (`item`, the default)
appends a function; `body` adds a statement to the file's first function body, moving every line after it.

    python3 bench/lsp.py <binary> <checkout> <file to edit> [saves] [item|body]
    python3 bench/lsp.py --first-with-body < paths   (the first path with a function body)
"""

import json
import os
import pathlib
import queue
import re
import statistics
import subprocess
import sys
import threading
import time

EDIT = "\nfn pii_lint_bench_edit(x: usize) -> usize {\n    x + 1\n}\n"
BODY_EDIT = "    let _pii_lint_bench_edit = 1;\n"
FN_START = re.compile(r"\bfn\s+\w+")


def edited_text(original, mode):
    """The file with the edit made; `None` when a `body` edit finds no function body."""
    if mode == "item":
        return original + EDIT
    lines = original.splitlines(keepends=True)
    in_signature = False
    for at, line in enumerate(lines):
        code = line.split("//")[0].rstrip()
        in_signature = in_signature or bool(FN_START.search(code))
        # A declaration, or a function whose body is on the line (`fn on() -> bool { true }`).
        if in_signature and code.endswith((";", "}")):
            in_signature = False
        elif in_signature and code.endswith("{"):
            return "".join(lines[: at + 1] + [BODY_EDIT] + lines[at + 1:])
    return None


def main():
    if sys.argv[1:] == ["--first-with-body"]:
        # Of the paths on stdin, the first with a function body a `body` edit can change.
        for path in sys.stdin.read().split("\n"):
            if path and edited_text(pathlib.Path(path).read_text(), "body") is not None:
                print(path)
                return
        sys.exit("no file with a function body")
    binary, checkout, edited = sys.argv[1:4]
    binary = str(pathlib.Path(binary).resolve())
    saves = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    mode = sys.argv[5] if len(sys.argv) > 5 else "item"
    checkout = pathlib.Path(checkout).resolve()
    edited = pathlib.Path(edited).resolve()
    if edited_text(edited.read_text(), mode) is None:
        sys.exit(f"{edited}: no function body to edit")
    # TIMINGS=1 shows the server's `--timings` of each analysis.
    timings = bool(os.environ.get("TIMINGS"))
    server = subprocess.Popen([binary, "lsp"] + (["--timings"] if timings else []), cwd=checkout,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=None if timings else subprocess.DEVNULL)
    messages = queue.Queue()
    threading.Thread(target=read_messages, args=(server.stdout, messages), daemon=True).start()

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def next_diagnostics(timeout=600):
        deadline = time.monotonic() + timeout
        while True:
            message = messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if message.get("method") == "textDocument/publishDiagnostics":
                return time.monotonic()

    def drain(quiet=1.0):
        while True:
            try:
                messages.get(timeout=quiet)
            except queue.Empty:
                return

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {}, "rootUri": checkout.as_uri()}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    next_diagnostics()
    drain()
    original = edited.read_text()
    uri = edited.as_uri()
    times = []
    try:
        for _ in range(saves):
            for text in (edited_text(original, mode), original):
                edited.write_text(text)
                started = time.monotonic()
                send({"jsonrpc": "2.0", "method": "textDocument/didSave",
                      "params": {"textDocument": {"uri": uri}}})
                times.append((next_diagnostics() - started) * 1000)
                drain()
    finally:
        edited.write_text(original)
        send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        send({"jsonrpc": "2.0", "method": "exit"})
        server.wait(timeout=60)
    print(f"{statistics.median(times):.0f}")


def read_messages(stream, messages):
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        if length is None:
            return
        messages.put(json.loads(stream.read(length)))


if __name__ == "__main__":
    main()
