#!/usr/bin/env python3
"""Hostile clients against refserver, over raw sockets on loopback.

Each case sends bytes that curl would never send: a malformed header
section (the request smuggling and NUL byte cases of RFC 9112), a
request with hundreds of query parameters, a body the server cannot
hold, clients that stall, trickle or crowd the server. A case names the
rule it checks and prints the expected outcome beside the actual one
when they differ. The server runs with --idle-timeout 0, so the last
check of each server (it exits 0 within a few seconds of SIGTERM, with
no request in flight) also shows that no request was left open.

    hostile.py REFSERVER

REFSERVER_WRAPPER, when set, is a command put before the server (a
valgrind line, say; its error exit code then fails the SIGTERM check);
HOSTILE_SLACK adds seconds to every wait. Prints one line per check and
"N passed, N failed" last; exits 1 on any failure.
"""

import json
import os
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

STORE = "0123456789"
UP = "/sequencestore/%s/upload" % STORE
SLACK = float(os.environ.get("HOSTILE_SLACK", "0"))
CREATE = (b'{"sourceFileType":"FASTQ","subjectId":"s","sampleId":"s",'
          b'"name":"hostile"}')

# The answer every malformed request must get: 400 ValidationException
# in JSON, Connection: close, nothing after it, the connection closed.
REJECT = "reject"

# What libmicrohttpd 0.9.75 answers itself, before refserver sees the
# request: its own status (here "mhd 400"), in HTML, the connection
# closed and the request never run. KNOWN_ISSUES.md: to a Content-Length
# it cannot read, or more cookies than its memory holds, its status line
# and headers come twice.
def mhd(status):
    return "mhd %d" % status


# Every server started, so that each is stopped whatever happens.
SERVERS = []


def head(extra=b"", target=UP.encode(), method=b"POST"):
    """A request line and header section with Host, ending in CRLF."""
    return (method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            extra + b"\r\n")


# The smuggled request: if it ran, the upload created first would be
# aborted (the check after the cases looks).
def smuggled(upload):
    return ("DELETE %s/%s/abort HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Length: 0\r\n\r\n" % (UP, upload)).encode()


def wire_cases(upload):
    """(id, rule, what, bytes, expectation) of the header section."""
    hidden = smuggled(upload)
    n = len(hidden)
    cl = b"Content-Type: application/json\r\n"
    return [
        ("smuggle-space-before-colon", "RFC 9112 5.1",
         "a space between a header name and its colon",
         head(cl + b"Content-Length : %d\r\n" % n) + hidden, REJECT),
        ("smuggle-tab-before-colon", "RFC 9112 5.1",
         "a tab between a header name and its colon",
         head(cl + b"Content-Length\t: %d\r\n" % n) + hidden, REJECT),
        ("smuggle-empty-name", "RFC 9110 5.1",
         "a header line with an empty name",
         head(b": v\r\n" + cl + b"Content-Length: %d\r\n" % n) + hidden,
         REJECT),
        ("smuggle-bare-cr", "RFC 9112 2.2",
         "a bare CR inside a header value",
         head(b"X-A: a\rContent-Length: %d\r\n" % n) + hidden, REJECT),
        ("smuggle-obs-fold", "RFC 9112 5.2",
         "a header value folded onto a second line",
         head(b"X-A: a\r\n b\r\nContent-Length: 2\r\n") + b"{}", REJECT),
        ("value-control", "RFC 9110 5.5",
         "a control character (0x01) in a header value",
         head(b"X-A: a\x01b\r\nContent-Length: 2\r\n") + b"{}", REJECT),
        ("nul-target", "RFC 9112 3.2",
         "a NUL byte inside the request target",
         head(b"Content-Length: 4\r\n", target=(
             "%s/%s/part?partSource=SOURCE1&partNumber=1\x005" %
             (UP, upload)).encode(), method=b"PUT") + b"ACGT", REJECT),
        ("nul-method", "RFC 9112 3",
         "a NUL byte inside the method",
         head(cl + b"Content-Length: %d\r\n" % len(CREATE),
              method=b"POST\x00JUNK") + CREATE, REJECT),
        ("nul-content-type", "RFC 9110 5.5",
         "a NUL byte inside Content-Type",
         head(b"Content-Type: application/json\x00text/plain\r\n"
              b"Content-Length: %d\r\n" % len(CREATE)) + CREATE, REJECT),
        ("nul-content-length", "RFC 9110 5.5",
         "a NUL byte inside Content-Length",
         head(b"Content-Length: 1\x002\r\n") + b"{}", REJECT),
        ("target-space", "RFC 9112 3.2",
         "a space inside the request target",
         head(b"Content-Length: 2\r\n", target=UP.encode() + b" x") +
         b"{}", REJECT),
        ("method-two-spaces", "RFC 9112 3",
         "two spaces between the method and the target",
         head(b"Content-Length: 2\r\n", method=b"POST ") + b"{}", REJECT),
        ("host-missing", "RFC 9112 3.2",
         "an HTTP/1.1 request without Host",
         ("POST %s HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" %
          UP).encode(), REJECT),
        ("host-twice", "RFC 9112 3.2",
         "two Host header lines",
         head(b"Host: 127.0.0.2\r\nContent-Length: 2\r\n") + b"{}",
         REJECT),
        ("length-twice", "RFC 9112 6.3",
         "two Content-Length header lines",
         head(b"Content-Length: 2\r\nContent-Length: 2\r\n") + b"{}",
         REJECT),
        ("length-and-chunked", "RFC 9112 6.3",
         "Content-Length with Transfer-Encoding: chunked",
         head(b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n") +
         b"2\r\n{}\r\n0\r\n\r\n", REJECT),
    ] + [
        ("length-%s" % name, "RFC 9110 8.6",
         "Content-Length: %r" % value,
         head(b"Content-Length: " + value + b"\r\n") + b"{}", mhd(status))
        for name, value, status in [
            ("negative", b"-5", 400), ("letters", b"abc", 400),
            ("empty", b"", 400), ("plus", b"+12", 400),
            ("space", b"1 2", 400), ("hex", b"0x0c", 400),
            ("list", b"12, 12", 400),
            ("huge", b"99999999999999999999999999", 413)]
    ] + [
        ("headers-too-many", "RFC 6585 5",
         "3,000 header lines, past the connection's memory",
         head(b"".join(b"X-%d: a\r\n" % i for i in range(3000))),
         mhd(431)),
        ("cookies-too-many", "RFC 6585 5",
         "6,000 cookies, past the connection's memory",
         head(b"Cookie: " + b";".join([b"a"] * 6000) + b"\r\n"),
         mhd(431)),
    ]


class Run:
    """Counts and prints the checks."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, expected, actual):
        if expected == actual:
            self.passed += 1
            print("ok - %s" % name)
        else:
            self.failed += 1
            print("not ok - %s: expected %s, got %s" %
                  (name, expected, actual))
        sys.stdout.flush()
        return expected == actual


class Server:
    """One refserver on a free loopback port, its log in a file."""

    def __init__(self, path, args, log_dir):
        wrapper = shlex.split(os.environ.get("REFSERVER_WRAPPER", ""))
        self.log_path = os.path.join(log_dir, "server-%d.log" % time.time_ns())
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            wrapper + [path, "--port", "0", "--store", STORE,
                       "--deterministic"] + args,
            stdout=subprocess.PIPE, stderr=self.log)
        self.port = None
        SERVERS.append(self)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30 + SLACK)
        line = self.proc.stdout.readline().decode() if ready else ""
        found = re.match(r"listening on http://127\.0\.0\.1:(\d+)$",
                         line.strip())
        if found:
            self.port = int(found.group(1))

    def stop(self, run, within):
        """SIGTERM; checks a prompt exit 0 with no request in flight."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(within + SLACK)
        except subprocess.TimeoutExpired:
            self.kill()
            code = "still running after %ss" % within
        self.log.close()
        run.check("server exits 0 within %d s of SIGTERM" % within, 0,
                  code)
        stopping = re.search(r"stopping, (\d+) request",
                             open(self.log_path).read())
        run.check("no request in flight at SIGTERM", "0",
                  stopping.group(1) if stopping else "no stop line")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_text(self):
        self.log.flush()
        return open(self.log_path).read()


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_all(sock, wait):
    """Reads until the server closes or wait seconds pass. Returns the
    bytes and whether the server closed."""
    sock.settimeout(0.2)
    data, end = b"", time.monotonic() + wait + SLACK
    while time.monotonic() < end:
        try:
            got = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data, True
        if not got:
            return data, True
        data += got
    return data, False


def exchange(port, data, wait=5):
    """Sends data on a new connection; returns (bytes, closed)."""
    with connect(port) as sock:
        try:
            sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            pass
        return read_all(sock, wait)


def parse(data):
    """The first response in data: (status, headers, body, rest)."""
    top, sep, rest = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.[01] (\d{3}) ", lines[0] + " ")
    if not sep or not match:
        return None, {}, b"", data
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    size = int(headers.get("content-length", "0") or 0)
    return int(match.group(1)), headers, rest[:size], rest[size:]


def outcome(data, closed):
    """What a response looks like, in the terms of the expectations."""
    status, headers, body, rest = parse(data)
    if status is None:
        return "no answer" + ("" if closed else ", connection open")
    try:
        message = "message" in json.loads(body)
    except ValueError:
        message = False
    kind = "%d %s" % (status, headers.get("x-amzn-errortype", "-"))
    if message and "x-amzn-requestid" in headers:
        kind += " json"
    if headers.get("connection", "").lower() == "close":
        kind += " close"
    if rest:
        kind += " +%d bytes" % len(rest)
    return kind + (" closed" if closed else " open")


def check_case(run, port, case):
    name, rule, what, data, expect = case
    got = outcome(*exchange(port, data))
    if expect == REJECT:
        want = "400 ValidationException json close closed"
    else:
        want = "%s - close closed" % expect.split()[1]
        got = re.sub(r" \+\d+ bytes", "", got)
    run.check("%s (%s): %s" % (name, rule, what), want, got)


def create_upload(port):
    data, _ = exchange(port, head(b"Content-Type: application/json\r\n"
                                  b"Content-Length: %d\r\n"
                                  b"Connection: close\r\n" % len(CREATE))
                       + CREATE)
    status, _, body, _ = parse(data)
    return json.loads(body).get("uploadId") if status == 200 else None


def upload_open(port, upload):
    body = b'{"partSource":"SOURCE1"}'
    data, _ = exchange(port, head(b"Content-Length: %d\r\n"
                                  b"Connection: close\r\n" % len(body),
                                  target=("%s/%s/parts" % (UP, upload))
                                  .encode()) + body)
    return parse(data)[0]


def check_wire(run, srv):
    """The malformed header sections, then that nothing was smuggled."""
    upload = create_upload(srv.port)
    run.check("an upload to smuggle against is created", True,
              upload is not None)
    for case in wire_cases(upload or "1000000001"):
        check_case(run, srv.port, case)
    run.check("no smuggled Abort ran: the upload still lists its parts",
              200, upload_open(srv.port, upload))


def check_targets(run, srv):
    """Query parameters past libmicrohttpd's memory; the absolute form."""
    query = "&".join(["x=1"] * 600)
    data, closed = exchange(srv.port, head(
        b"Content-Length: 0\r\nConnection: close\r\n",
        target=("%s?%s" % (UP, query)).encode()))
    run.check("600 query parameters get a JSON answer from the core",
              "400 ValidationException json close closed",
              outcome(data, closed))
    target = "http://127.0.0.1:%d%s" % (srv.port, UP)
    data, closed = exchange(srv.port, head(
        b"Content-Type: application/json\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n" % len(CREATE), target=target.encode()) +
        CREATE)
    run.check("an absolute-form target (RFC 9112 3.2.2) is served",
              "200 - close closed", outcome(data, closed))


def check_mid_body_close(run, srv):
    """A client that closes in the middle of its body is ended at once."""
    for method, target in [("POST", UP),
                           ("PUT", "%s/1000000001/part?partSource=SOURCE1"
                            "&partNumber=1" % UP)]:
        with connect(srv.port) as sock:
            sock.sendall(head(b"Content-Length: 1000\r\n",
                              target=target.encode(),
                              method=method.encode()) + b"{\"a\":")
            time.sleep(0.2)
        time.sleep(0.5 + SLACK)
        ended = re.search(r"req=\S+ %s \S+ - - [0-9.]+ms; the client "
                          r"closed" % method, srv.log_text())
        run.check("a %s closed mid-body is ended within 1 s" % method,
                  True, ended is not None)


def check_budget(run, path, log_dir):
    """Two bodies hold the whole budget; a third is answered 429."""
    mib = 1048576
    srv = Server(path, ["--idle-timeout", "0", "--max-json-body",
                        str(mib), "--max-buffered-bytes", str(2 * mib)],
                 log_dir)
    holders = []
    for _ in range(2):
        sock = connect(srv.port)
        sock.sendall(head(b"Content-Length: %d\r\n" % (mib - 1)) +
                     b" " * (mib - 100))
        holders.append(sock)
    time.sleep(1 + SLACK)
    data, closed = exchange(srv.port, head(b"Content-Length: 2\r\n") +
                            b"{}")
    run.check("a body the budget cannot hold is refused before it comes",
              "429 ThrottlingException json close closed",
              outcome(data, closed))
    data, closed = exchange(srv.port, head(
        b"Transfer-Encoding: chunked\r\n") + b"8000\r\n" + b" " * 32768)
    run.check("a chunked body that passes the budget is refused",
              "429 ThrottlingException json close closed",
              outcome(data, closed))
    for sock in holders:
        sock.close()
    time.sleep(0.5 + SLACK)
    data, closed = exchange(srv.port, head(
        b"Content-Length: 2\r\nConnection: close\r\n") + b"{}")
    run.check("the budget is given back when the bodies' clients close",
              "400 ValidationException json close closed",
              outcome(data, closed))
    srv.stop(run, 5)


def check_per_ip(run, path, log_dir):
    """--per-ip-connections: the connection past it is closed at once."""
    srv = Server(path, ["--idle-timeout", "0", "--threads", "1",
                        "--per-ip-connections", "4"], log_dir)
    idle = [connect(srv.port) for _ in range(4)]
    time.sleep(0.3)
    data, closed = exchange(srv.port, head(b"Content-Length: 0\r\n"), 2)
    run.check("the connection past --per-ip-connections is closed at once",
              "no answer", outcome(data, closed))
    for sock in idle:
        sock.close()
    time.sleep(0.3 + SLACK)
    data, closed = exchange(srv.port, head(
        b"Content-Length: 2\r\nConnection: close\r\n") + b"{}")
    run.check("a connection is served again once the others close",
              "400 ValidationException json close closed",
              outcome(data, closed))
    srv.stop(run, 5)


def check_limit(run, path, log_dir):
    """--max-connections: a client past it waits for a free slot."""
    srv = Server(path, ["--idle-timeout", "0", "--threads", "1",
                        "--max-connections", "3",
                        "--per-ip-connections", "0"], log_dir)
    idle = [connect(srv.port) for _ in range(3)]
    time.sleep(0.3)
    with connect(srv.port) as sock:
        sock.sendall(head(b"Content-Length: 2\r\nConnection: close\r\n") +
                     b"{}")
        data, _ = read_all(sock, 1)
        run.check("a client past --max-connections is not served yet",
                  b"", data)
        idle.pop().close()
        data, closed = read_all(sock, 5)
        run.check("it is served once a connection closes",
                  "400 ValidationException json close closed",
                  outcome(data, closed))
    for sock in idle:
        sock.close()
    srv.stop(run, 5)


def trickle(sock, until):
    """Sends a header line every 0.3 s until the server closes or
    until passes. Returns the seconds it took the server to close, or
    None."""
    start = time.monotonic()
    try:
        while time.monotonic() - start < until:
            sock.sendall(b"X-Slow: a\r\n")
            ready, _, _ = select.select([sock], [], [], 0.3)
            if ready and not sock.recv(4096):
                return time.monotonic() - start
    except (ConnectionResetError, BrokenPipeError):
        return time.monotonic() - start
    return None


def check_deadline(run, path, log_dir):
    """--header-timeout closes trickling and silent connections."""
    srv = Server(path, ["--idle-timeout", "2", "--header-timeout", "2",
                        "--per-ip-connections", "0"], log_dir)
    with connect(srv.port) as sock:
        sock.sendall(b"POST %s HTTP/1.1\r\nHost: h\r\n" % UP.encode())
        took = trickle(sock, 8 + SLACK)
    run.check("a header section trickled past --header-timeout 2 is "
              "closed within 4 s", True,
              took is not None and took < 4 + SLACK)
    with connect(srv.port) as sock:
        data, closed = read_all(sock, 4)
    run.check("a silent connection is closed by --header-timeout",
              (b"", True), (data, closed))
    with connect(srv.port) as sock:
        sock.sendall(head(b"Content-Length: 2\r\n") + b"{}")
        time.sleep(0.3)
        first = outcome(sock.recv(4096), False)
        took = trickle(sock, 10 + SLACK)
    run.check("a kept-alive connection is served first",
              "400 ValidationException json open", first)
    run.check("its next header section is closed within --idle-timeout "
              "plus --header-timeout", True,
              took is not None and took < 6 + SLACK)
    run.check("the closes are logged", True,
              "no request line within --header-timeout" in srv.log_text()
              and "took longer than --header-timeout" in srv.log_text())
    srv.stop(run, 5)


def main():
    path = sys.argv[1]
    run = Run()
    with tempfile.TemporaryDirectory(prefix="refserver-hostile.") as logs:
        srv = Server(path, ["--idle-timeout", "0"], logs)
        if not run.check("the server prints its port", True,
                         srv.port is not None):
            srv.kill()
            print(open(srv.log_path).read())
            return 1
        try:
            check_wire(run, srv)
            check_targets(run, srv)
            check_mid_body_close(run, srv)
            srv.stop(run, 5)
            check_budget(run, path, logs)
            check_per_ip(run, path, logs)
            check_limit(run, path, logs)
            check_deadline(run, path, logs)
        finally:
            for each in SERVERS:
                each.kill()
        if run.failed:
            for name in sorted(os.listdir(logs)):
                print("# %s:" % name)
                for line in open(os.path.join(logs, name)):
                    print("# " + line.rstrip())
    print("%d passed, %d failed" % (run.passed, run.failed))
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
