#!/usr/bin/env python3
"""Edit-to-reload latency of `opsbook serve`.

For each book size: generate a book with scripts/gen_corpus.py, start
`opsbook serve -p 0` on it, listen to its live-reload event stream, then edit a
runbook page 20 times (appending a line, as an editor's save does), then change a
task's status in the checklist 20 times, then the checklist's prose (its legend) 20
times, and time each edit from the write to the `reload` event. Prints the median, min and max of each.

Usage: scripts/bench_serve.py [SIZES...]     (default: 1000 10000)
Env:   EDITS=20   GEN=scripts/gen_corpus.py   OPSBOOK=target/release/opsbook
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.environ.get("GEN", os.path.join(HERE, "gen_corpus.py"))
OPSBOOK = os.environ.get("OPSBOOK", os.path.join(ROOT, "target", "release", "opsbook"))
EDITS = int(os.environ.get("EDITS", "20"))


def wait_event(sock, name, timeout):
    """Reads the event stream until an event called `name` arrives."""
    sock.settimeout(timeout)
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("event stream closed")
        buf += chunk
        marker = ("event: %s" % name).encode()
        if marker in buf:
            return
        if b"event: broken" in buf:
            raise RuntimeError("the book broke: %s" % buf.decode(errors="replace")[-500:])


def drain(sock):
    """Reads whatever the event stream already holds (a late event of the last edit must not
    end the next edit's clock)."""
    sock.settimeout(0.3)
    try:
        while sock.recv(65536):
            pass
    except socket.timeout:
        pass


def bench(size):
    work = tempfile.mkdtemp(prefix="opsbook-bench-serve-")
    subprocess.run([sys.executable, GEN, str(size), work, "--layouts", "neutral"], check=True, stdout=subprocess.DEVNULL)
    book = os.path.join(work, "neutral")
    proc = subprocess.Popen([OPSBOOK, "serve", "-p", "0", book], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in proc.stdout:
            if line.startswith("Serving "):
                port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                break
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(("GET /__opsbook/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port).encode())
        sock.settimeout(5)
        sock.recv(4096)  # the response head
        pages = []
        for dirpath, _, files in os.walk(os.path.join(book, "content", "runbooks")):
            pages += [os.path.join(dirpath, f) for f in files if f.endswith(".md")]
        pages.sort()
        page = pages[len(pages) // 2]
        checklist = os.path.join(book, "content", "checklist.md")

        def body_edit(i):
            with open(page, "a") as f:
                f.write("\nEdit number %d.\n" % i)

        # The first open task (the legend's "`{ }` - Not Started" line at the top is prose,
        # not a task). Each status edit marks it done, then open again: its section, its
        # runbook, the dashboard, the owners and the badges change.
        with open(checklist) as f:
            lines = f.read().split("\n")
        task = next(n for n, l in enumerate(lines) if re.match(r"- `\{ \}` [^-]", l))

        def status_edit(i):
            with open(checklist) as f:
                lines = f.read().split("\n")
            a, b = ("`{ }`", "`{X}`") if i % 2 == 0 else ("`{X}`", "`{ }`")
            lines[task] = lines[task].replace(a, b, 1)
            with open(checklist, "w") as f:
                f.write("\n".join(lines))

        def prose_edit(i):
            # The checklist's prose (the legend): the whole book is built again.
            with open(checklist) as f:
                text = f.read()
            a, b = ("Not Started", "Not started") if i % 2 == 0 else ("Not started", "Not Started")
            with open(checklist, "w") as f:
                f.write(text.replace(a, b, 1))

        for name, edit in (("page body", body_edit), ("task status", status_edit), ("checklist prose", prose_edit)):
            times = []
            for i in range(EDITS):
                drain(sock)
                start = time.perf_counter()
                edit(i)
                wait_event(sock, "reload", 60)
                times.append((time.perf_counter() - start) * 1000)
                time.sleep(0.2)  # let the editor "type" before the next save
            print("%6d pages, %-16s edit-to-reload median %.0f ms (min %.0f, max %.0f, %d edits)"
                  % (size, name + ":", statistics.median(times), min(times), max(times), len(times)))
    finally:
        # SIGTERM: serve removes its preview folder on the way out.
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    for size in [int(s) for s in sys.argv[1:]] or [1000, 10000]:
        bench(size)
