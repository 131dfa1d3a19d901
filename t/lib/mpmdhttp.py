# mpmdhttp: a small HTTP/1.1 client on raw sockets for the t/*.t integration tests (part of
# the harness in t/lib/, re-exported by mpmdtest): requests are bytes as sent on the wire,
# responses are framed by Content-Length, chunked coding or the close (RFC 9112 section 6).
# Runs in the test process.

import email.utils
import hashlib
import re
import socket
import time


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Response:
    def __init__(self, version, status, reason, headers, body, head):
        self.version = version      # "HTTP/1.1"
        self.status = status        # int
        self.reason = reason
        self.headers = headers      # [(name, value)] in order received
        self.body = body            # bytes
        self.head = head            # raw head bytes incl. the blank line

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def __repr__(self):
        return "<Response %s %s %s, %d body bytes>" % (self.version, self.status, self.reason,
                                                       len(self.body))


class HttpConnection:
    """One client TCP connection. Requests are raw bytes; responses parsed by framing rules."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0, rcvbuf=None):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.host = host
        self.port = port
        self.buf = b""
        self.eof = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def request_bytes(self, method="GET", path="/", version="HTTP/1.1", headers=None,
                      body=b""):
        hdrs = list((headers or {}).items()) if isinstance(headers, dict) else list(headers or [])
        names = {k.lower() for k, _ in hdrs}
        if version == "HTTP/1.1" and "host" not in names:
            hdrs.insert(0, ("Host", "%s:%d" % (self.host if ":" not in self.host
                                               else "[%s]" % self.host, self.port)))
        if body and "content-length" not in names:
            hdrs.append(("Content-Length", str(len(body))))
        head = "%s %s %s\r\n" % (method, path, version)
        head += "".join("%s: %s\r\n" % (k, v) for k, v in hdrs) + "\r\n"
        return head.encode("latin-1") + body

    def request(self, method="GET", path="/", version="HTTP/1.1", headers=None, body=b""):
        self.send(self.request_bytes(method, path, version, headers, body))
        return self.read_response(head_only=(method == "HEAD"))

    def _fill(self, limit=65536):
        if self.eof:
            return False
        chunk = self.sock.recv(limit)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _read_exact(self, n):
        while len(self.buf) < n:
            if not self._fill(max(65536, n - len(self.buf))):
                raise ConnectionError("connection closed after %d of %d body bytes"
                                      % (len(self.buf), n))
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _read_line(self):
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("connection closed in the middle of a line")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_head(self):
        """Read a status line and headers; returns a Response with an empty body, or None at
        a clean EOF before any byte."""
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                if not self.buf:
                    return None
                raise ConnectionError("connection closed inside a response head: %r"
                                      % self.buf[:200])
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", lines[0])
        if not m:
            raise ConnectionError("bad status line %r" % lines[0])
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
        return Response(m.group(1), int(m.group(2)), m.group(3) or "", headers, b"",
                        head + b"\r\n\r\n")

    def read_response(self, head_only=False):
        """One response; body framed by Content-Length, chunked, or the connection close.
        Returns None if the server closed the connection before sending anything."""
        r = self.read_head()
        if r is None:
            return None
        if head_only or r.status in (204, 304) or 100 <= r.status < 200:
            return r
        te = (r.header("Transfer-Encoding") or "").lower()
        cl = r.header("Content-Length")
        if "chunked" in te:
            body = b""
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line():
                        pass
                    break
                body += self._read_exact(size)
                self._read_line()
            r.body = body
        elif cl is not None:
            r.body = self._read_exact(int(cl))
        else:
            while self._fill():
                pass
            r.body, self.buf = self.buf, b""
        return r

    def closed_by_peer(self, timeout):
        """Wait up to timeout seconds for the server to close; True when it did (EOF or reset).
        Any bytes received meanwhile stay in the buffer."""
        deadline = time.monotonic() + timeout
        old = self.sock.gettimeout()
        try:
            while not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(min(left, 0.2))
                try:
                    self._fill()
                except socket.timeout:
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    self.eof = True
            return True
        finally:
            self.sock.settimeout(old)


def read_to_end(sock, limit=65536):
    """Everything `sock` receives until the peer closes (its timeout bounds each wait)."""
    data = b""
    while True:
        chunk = sock.recv(limit)
        if not chunk:
            return data
        data += chunk


class TlsConnection(HttpConnection):
    """An HttpConnection over TLS: `context` is an ssl.SSLContext, `server_hostname` the SNI
    name (None: none sent), `session` one to resume (an earlier connection's sock.session).
    The handshake happens here; its failures raise ssl.SSLError."""

    def __init__(self, port, context, server_hostname=None, host="127.0.0.1", timeout=5.0, session=None):
        super().__init__(port, host, timeout)
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname, session=session)


def http_request(port, method="GET", path="/", headers=None, version="HTTP/1.1", body=b"",
                 host="127.0.0.1", timeout=5.0, keep_alive=False):
    """One request on a fresh connection (Connection: close unless keep_alive); the response."""
    hdrs = list((headers or {}).items()) if isinstance(headers, dict) else list(headers or [])
    if not keep_alive and version == "HTTP/1.1" and \
            "connection" not in {k.lower() for k, _ in hdrs}:
        hdrs.append(("Connection", "close"))
    with HttpConnection(port, host, timeout) as c:
        return c.request(method, path, version, hdrs, body)


def http_get(port, path="/", headers=None, **kw):
    return http_request(port, "GET", path, headers, **kw)


def http_raw(port, data, host="127.0.0.1", timeout=5.0, head_only=False):
    """Send raw bytes, read one response (None if the server closed without answering)."""
    with HttpConnection(port, host, timeout) as c:
        c.send(data)
        try:
            return c.read_response(head_only=head_only)
        except ConnectionResetError:
            return None


class SlowDownload:
    """A GET of a large file read slowly: a small receive buffer and a pause after the first
    bytes keep the request in flight (the child blocked writing) until finish() is called."""

    def __init__(self, port, path, first=256 * 1024, host="127.0.0.1", timeout=20.0):
        self.conn = HttpConnection(port, host, timeout, rcvbuf=16384)
        self.conn.send(self.conn.request_bytes("GET", path, headers={"Connection": "close"}))
        self.response = self.conn.read_head()
        if self.response is None:
            raise ConnectionError("no response to GET %s" % path)
        self.length = int(self.response.header("Content-Length", "-1"))
        self.hash = hashlib.sha256()
        self.received = 0
        self._take(min(first, self.length if self.length >= 0 else first))

    def _take(self, n):
        while n > 0:
            if not self.conn.buf and not self.conn._fill(min(n, 65536)):
                break
            data = self.conn.buf[:n]
            self.conn.buf = self.conn.buf[len(data):]
            self.hash.update(data)
            self.received += len(data)
            n -= len(data)

    def finish(self):
        """Read the rest; returns (bytes received, sha256 hex of the body)."""
        try:
            self._take(self.length - self.received if self.length >= 0 else 1 << 40)
        except OSError:
            pass
        self.conn.close()
        return self.received, self.hash.hexdigest()


def hold_busy(port, n, timeout=10.0):
    """n connections that each keep a worker busy: a whole request head announcing a body
    that never comes (so even the event MPM hands it to a thread). Close them to release."""
    conns = []
    for _ in range(n):
        c = HttpConnection(port, timeout=timeout)
        c.send(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        conns.append(c)
    return conns
