"""How long the language server takes to answer a save (the scale issue's warm target in the editor).

Starts `cargo-pii-lint lsp` in a checkout, waits for its first analysis, then appends a function to one
file, sends `textDocument/didSave`, and times until the server publishes diagnostics again; the file is
put back and saved once more. Prints the median of the save times in milliseconds.

    python3 bench/lsp.py <binary> <checkout> <file to edit> [saves]
"""

import json
import pathlib
import queue
import statistics
import subprocess
import sys
import threading
import time

EDIT = "\nfn pii_lint_bench_edit(x: usize) -> usize {\n    x + 1\n}\n"


def main():
    binary, checkout, edited = sys.argv[1:4]
    binary = str(pathlib.Path(binary).resolve())
    saves = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    checkout = pathlib.Path(checkout).resolve()
    edited = pathlib.Path(edited).resolve()
    server = subprocess.Popen([binary, "lsp"], cwd=checkout, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
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
            for text in (original + EDIT, original):
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
