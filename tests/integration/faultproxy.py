"""A TCP proxy on 127.0.0.1 that drops connections at random moments, for fault tests.

Every chunk a client sends is, with probability ``p_before``, dropped together with the
connection before it reaches the server (the request never arrives). Every chunk the server
answers is, with probability ``p_after``, dropped together with the connection (the request was
carried out, the answer is lost). httpx sends one small request per chunk on a kept-alive
connection, so the faults hit individual requests. ``faults`` counts what was injected.
"""

from __future__ import annotations

import random
import selectors
import socket
import threading
from collections import Counter


class FaultProxy:
    def __init__(self, upstream_port: int, *, p_before: float = 0.0, p_after: float = 0.0,
                 seed: int | None = None, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.p_before = p_before
        self.p_after = p_after
        self.rng = random.Random(seed)
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._accept_loop, name="faultproxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_faults(self, p_before: float, p_after: float) -> None:
        with self._lock:
            self.p_before, self.p_after = p_before, p_after

    def start(self) -> FaultProxy:
        self._accept.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass
        self._accept.join(5)
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _roll(self, p: float) -> bool:
        with self._lock:
            return p > 0 and self.rng.random() < p

    def _accept_loop(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._pump, args=(client,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _pump(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            client.close()
            return
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, "client")
        sel.register(server, selectors.EVENT_READ, "server")
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.2):
                    src = key.fileobj
                    data = src.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    if key.data == "client":
                        with self._lock:
                            self.requests += 1
                        if self._roll(self.p_before):
                            with self._lock:
                                self.faults["dropped_before_request"] += 1
                            return
                        server.sendall(data)
                    else:
                        if self._roll(self.p_after):
                            with self._lock:
                                self.faults["dropped_after_request"] += 1
                            return
                        client.sendall(data)
        except OSError:
            return
        finally:
            sel.close()
            for s in (client, server):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
