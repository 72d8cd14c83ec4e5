"""A fake Bot API server over real HTTP on 127.0.0.1 (tornado, already a dependency).

It records every call, answers the methods a subclass implements, fails on demand
(429 with retry_after, 5xx) or at random (`flaky`), and holds long polls until an update
is pushed. `FlakyNetwork` stands between the bot and a fake: calls that never reach it.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

WAIT = 5.0  # seconds any test waits for the bot before failing
HANG_UP = 0  # a status meaning: close the connection without answering
Answer = tuple[int, dict[str, Any] | bytes]


@dataclass
class Call:
    """One request the bot made, and whether the fake accepted it."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    accepted: bool = True
    late: bool = False  # answered after the bot's read timeout (a `flaky` "timeout" or "lost")


class _Handler(RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            self.write({"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        call = Call(method, *self._params())
        status, body = await self.api.respond(call)
        if status == HANG_UP:  # the bot sees its connection closed after it sent the request
            self.request.connection.detach().close()  # type: ignore[union-attr]
            self._finished = True
            return
        self.set_status(status)
        self.write(body)

    get = post

    def _params(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            return (json.loads(self.request.body or b"{}"), {})
        params = {k: v[-1].decode() for k, v in self.request.body_arguments.items()}
        params.update({k: v[-1].decode() for k, v in self.request.query_arguments.items()})
        return params, {k: v[0].body for k, v in self.request.files.items()}


class FakeBotApi:
    """Base of the fake Telegram and Zalo servers."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.failures: dict[str, list[Answer]] = {}
        self.garbled: dict[str, list[int]] = {}  # method -> statuses of taken, unreadable answers
        self.delays: dict[str, float] = {}
        self.holding: set[str] = set()
        self.held: list[Call] = []  # taken, their answers held until `stop`
        self.flakiness: tuple[random.Random, float, frozenset[str], float, tuple[str, ...]] \
            | None = None
        self.wakeup = asyncio.Event()
        self.closed = False
        self._server: HTTPServer | None = None
        self.port = 0

    async def start(self) -> str:
        """Listen on a random port; return the base URL the bot is configured with."""
        self._server = HTTPServer(Application([(r"/bot([^/]+)/(\w+)", _Handler, {"api": self})]))
        sockets = bind_sockets(0, "127.0.0.1")
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        """Release long polls and close."""
        self.closed = True
        self.wakeup.set()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    def fail_next(self, method: str, status: int, times: int = 1,
                  retry_after: int | None = None) -> None:
        """The next `times` calls of `method` answer `status` (429 carries retry_after)."""
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": "injected"}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self.failures.setdefault(method, []).extend([(status, body)] * times)

    def hang_up_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` are refused by closing the connection unanswered
        (a proxy or server restarting; the bot cannot tell it from `garble_next`'s)."""
        self.failures.setdefault(method, []).extend([(HANG_UP, {})] * times)

    def garble_next(self, method: str, status: int = 200, times: int = 1) -> None:
        """The next `times` calls of `method` are taken (the message goes out), but answered
        with a body that is not JSON (`status` 200), or by closing the connection
        (`status` HANG_UP): the bot cannot know the platform took them."""
        self.garbled.setdefault(method, []).extend([status] * times)

    def slow_next(self, method: str, seconds: float) -> None:
        """The next call of `method` is accepted, but answered only after `seconds`."""
        self.delays[method] = seconds

    def hold_next(self, method: str) -> None:
        """The next call of `method` is taken (the message goes out), and its answer held
        until `stop`: the test kills the bot between the platform's taking and its answer."""
        self.holding.add(method)

    def flaky(self, rate: float, methods: frozenset[str], seed: int = 6,
              late_answer: float = 0.5,
              kinds: tuple[str, ...] = ("429", "5xx", "timeout")) -> None:
        """Fail `rate` of the calls of `methods` at random, evenly among `kinds`: "429", "5xx"
        (refused), "timeout" (taken, but answered after `late_answer` s, past the client's
        read timeout: the bot cannot know it landed), "lost" (the platform hangs before it
        records the message, then drops it: the bot cannot tell it from "timeout")."""
        self.flakiness = (random.Random(seed), rate, methods, late_answer, kinds)

    def _random_failure(self, call: Call) -> tuple[str, Any] | None:
        """None, or how this call fails: ("refuse", (status, body)), ("timeout", seconds) or
        ("lost", seconds)."""
        if self.flakiness is None or call.method not in self.flakiness[2]:
            return None
        rng, rate, _, late_answer, kinds = self.flakiness
        if rng.random() >= rate:
            return None
        kind = rng.choice(kinds)
        if kind in ("timeout", "lost"):
            return kind, late_answer
        status = 429 if kind == "429" else rng.choice((500, 502, 503))
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": "flaky"}
        if status == 429:
            body["parameters"] = {"retry_after": 0}
        return "refuse", (status, body)

    async def respond(self, call: Call) -> Answer:
        """Record the call; answer the injected failure or the method's result."""
        self.calls.append(call)
        failure = self._random_failure(call)
        if failure is not None:
            return await self._fail(call, *failure)
        if call.method in self.holding:
            self.holding.discard(call.method)
            answer = await self.answer(call)
            self.held.append(call)
            while not self.closed:
                await self.hold(lambda: False, 60)
            return answer
        if call.method in self.delays:
            await asyncio.sleep(self.delays.pop(call.method))
        if self.failures.get(call.method):
            call.accepted = False
            return self.failures[call.method].pop(0)
        if self.garbled.get(call.method):
            await self.answer(call)
            status = self.garbled[call.method].pop(0)
            return status, b"<html>502 Bad Gateway</html>" if status else {}
        return await self.answer(call)

    async def _fail(self, call: Call, kind: str, detail: Any) -> tuple[int, dict[str, Any]]:
        if kind == "refuse":
            call.accepted = False
            status, body = detail
            return status, body
        call.late = True
        if kind == "lost":  # hung before recording it; the client has given up by now
            call.accepted = False
            await asyncio.sleep(detail)
            return 500, {"ok": False, "error_code": 500, "description": "lost"}
        answer = await self.answer(call)  # taken; the answer comes too late
        await asyncio.sleep(detail)
        return answer

    async def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        """The method's answer; subclasses implement it."""
        raise NotImplementedError

    def accepted(self, method: str) -> list[Call]:
        """Accepted calls of one method, in order."""
        return [c for c in self.calls if c.method == method and c.accepted]

    async def wait_until(self, check: Callable[[], Any], timeout: float = WAIT) -> Any:
        """Poll `check` until it returns something truthy; fail after `timeout`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (result := check()):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for the bot")
            await asyncio.sleep(0.01)
        return result

    async def hold(self, has_updates: Callable[[], bool], timeout: float) -> None:
        """Long poll: return when an update is pending, on close, or after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.wakeup.clear()
            if has_updates() or self.closed or loop.time() >= deadline:
                return
            try:
                await asyncio.wait_for(self.wakeup.wait(), deadline - loop.time())
            except TimeoutError:
                return

    def push(self) -> None:
        """Wake long polls after an update was queued."""
        self.wakeup.set()


class FlakyNetwork(httpx.AsyncBaseTransport):
    """The network in front of a fake: `rate` of the calls of `methods` never reach it (the
    connection times out), so the platform surely did not take them and a retry is safe.
    They are recorded on the fake as calls it did not accept."""

    def __init__(self, fake: FakeBotApi, rate: float, methods: frozenset[str],
                 seed: int = 7) -> None:
        self.fake, self.rate, self.methods = fake, rate, methods
        self.rng = random.Random(seed)
        self.inner = httpx.AsyncHTTPTransport()
        self.unreached = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Time out before connecting, or pass the request on."""
        method = request.url.path.rsplit("/", 1)[-1]
        if method in self.methods and self.rng.random() < self.rate:
            self.unreached += 1
            self.fake.calls.append(Call(method, json.loads(request.content or b"{}"),
                                        accepted=False))
            raise httpx.ConnectTimeout("injected: the platform was not reached", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the real transport."""
        await self.inner.aclose()
