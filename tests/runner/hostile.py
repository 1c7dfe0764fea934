"""A hostile HTTP target for the runner's self-tests (run.sh).

Usage: hostile.py PORT_FILE LOG_FILE MODE

Listens on a free port of 127.0.0.1, writes it to PORT_FILE, and
appends "METHOD PATH" of every request to LOG_FILE. MODE says how it
misbehaves:
  id-dotdot, id-badutf, id-nul, id-number
      a Create answers 200 with that uploadId: "..", bytes that are
      not UTF-8, "12\\u0000/x", the number 1234567890;
  abort-hang    an abort is never answered;
  list-object   the check of a store answers "uploads" as an object;
  list-busy     the check of a store answers one open upload;
  probe-long    the probe of test controls answers 500 with an
                X-Amzn-ErrorType of 300 two-byte characters;
  message-bidi  a Create answers 400 with a message that holds
                U+202E and ESC.
A Create answers 200 with the uploadId "1234567890" otherwise, and
any other request 200 with {}.
"""
import http.server
import socketserver
import sys
import time

IDS = {
    "id-dotdot": b'{"uploadId":".."}',
    "id-badutf": b'{"uploadId":"ab\xff\xfe"}',
    "id-nul": b'{"uploadId":"12\\u0000/x"}',
    "id-number": b'{"uploadId":1234567890}',
}
BIDI = b'{"message":"ok \xe2\x80\xae kO \\u001b[2J"}'


class Target(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def probe_long(self):
        kind = ("\u00e9" * 300).encode()
        self.wfile.write(b"HTTP/1.1 500 X\r\nX-Amzn-ErrorType: " + kind +
                         b"\r\nContent-Length: 2\r\n\r\n{}")

    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = self.path
        with open(LOG, "a", encoding="utf-8",
                  errors="surrogateescape") as log:
            log.write("%s %s\n" % (self.command, path))
        if path.startswith("/_mrsu/control") and MODE == "probe-long":
            self.probe_long()
        elif path.endswith("/abort") and MODE == "abort-hang":
            time.sleep(60)
        elif "/uploads" in path and MODE == "list-object":
            self.reply(200, b'{"uploads":{"uploadId":"1"}}')
        elif "/uploads" in path and MODE == "list-busy":
            self.reply(200, b'{"uploads":[{"uploadId":"1"}]}')
        elif path.endswith("/upload") and MODE in IDS:
            self.reply(200, IDS[MODE])
        elif path.endswith("/upload") and MODE == "message-bidi":
            self.reply(400, BIDI,
                       [("X-Amzn-ErrorType", "ValidationException")])
        elif path.endswith("/upload"):
            self.reply(200, b'{"uploadId":"1234567890"}')
        else:
            self.reply(200, b"{}")

    do_POST = do_PUT = do_GET = do_DELETE = answer

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


PORT_FILE, LOG, MODE = sys.argv[1:4]
SERVER = Server(("127.0.0.1", 0), Target)
with open(PORT_FILE, "w", encoding="ascii") as out:
    out.write("%d\n" % SERVER.server_port)
SERVER.serve_forever()
