"""Real gunicorn processes, a browser-like HTTP client, and a TCP relay that can be cut:
what the production tests share. Not a test module."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = "production-test-secret-key-shared-by-instances"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, instance_path: Path, workers: int = 1, **settings):
    """One gunicorn with its own port and instance folder; settings become env vars."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "LRS_INSTANCE_PATH": str(instance_path),
           "SECRET_KEY": SECRET, "BASE_URL": f"http://127.0.0.1:{port}", "PORT": str(port),
           "GUNICORN_WORKERS": str(workers), "PYTHONPATH": str(ROOT),
           "PROMETHEUS_MULTIPROC_DIR": str(instance_path / "metrics"),
           **{key: str(value) for key, value in settings.items()}}
    log = open(instance_path.with_suffix(".log"), "wb")  # noqa: SIM115
    process = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"),
                                "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, instance_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_up(base: str, process, instance_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(instance_path.with_suffix(".log").read_text()[-3000:])
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in 30 s")


class Browser:
    """Cookies, CSRF tokens from the last form, and answers that are never exceptions."""

    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def open(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={**self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def submit(self, path: str, data: dict, headers: dict | None = None):
        status, html, _ = self.open(path, headers=headers)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert token, f"GET {path} answered {status} without a form"
        return self.open(path, {"csrf_token": token.group(1), **data}, headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Relay:
    """A TCP relay to a real service (PostgreSQL, Redis) that a test can cut and restore,
    as a network fault would: cutting closes every connection through it."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._server = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()

    def cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            server.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
            self._sockets.clear()

    def _accept(self, server) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
