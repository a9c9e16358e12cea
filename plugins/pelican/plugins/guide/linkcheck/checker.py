"""Each URL asked once, politely, and its answer classified.

aiohttp, on one asyncio loop: a few thousand requests in flight cost no threads, its
connector keeps connections to a host open between its URLs, and its errors tell a DNS
failure, a bad certificate and a refused connection apart by type.

- HEAD first; GET when HEAD is refused or lies (405, 403, 501), and when the page's ids
  are needed for a #fragment.
- Redirects are followed here, one hop at a time: a first hop that is permanent (301,
  308) means the link has moved; a URL reached a third time is a loop.
- Timeouts, 5xx answers and dropped connections are tried again after RETRY_WAIT seconds,
  then twice that, and so on. A 429 pauses the whole host for its Retry-After (or, as
  GitHub's API says it, until X-RateLimit-Reset), up to MAX_RETRY_AFTER.
- At most PER_HOST requests to one host at a time, PARALLEL in all. A host whose name does
  not resolve, that refuses connections or TLS, or never lets a connection through, is not
  asked again in the run.
- A page read for its ids is parsed as it arrives, in a thread beside the loop
  (pageids.py), and the time spent parsing does not count against the host's time limit.
- Whatever a host sends (a reason phrase, a Location, an error) is data: it is shown
  through untrusted.py, one clean line without credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import re
import resource
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp

from ..settings import LinkcheckConfig
from .pageids import PIECE, IdFinder, wanted_names
from .untrusted import MAX_SHOWN, clean, shown

OK, BROKEN, MOVED, TIMED_OUT, RATE_LIMITED, ANCHOR_MISSING = (
    "ok",
    "broken",
    "moved",
    "timed out",
    "rate-limited",
    "anchor missing",
)
ERRORS = (BROKEN,)
WARNINGS = (MOVED, TIMED_OUT, RATE_LIMITED, ANCHOR_MISSING)

MAX_REDIRECTS = 10
MAX_BODY = 8 * 1024 * 1024  # of an HTML page read for its ids
PARSERS = 1  # threads parsing pages for their ids: the GIL lets one run at a time anyway
PAGES_PARSED_AT_ONCE = 4  # each holds up to its page's size in lxml until its parse ends
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
HEAD_REFUSED = (403, 405, 501)  # servers that refuse HEAD, or answer it wrongly
_GITHUB_LINE = re.compile(r"L\d+(C\d+)?(-L\d+(C\d+)?)?")


@dataclass(frozen=True)
class Outcome:
    kind: str
    detail: str = ""
    status: int | None = None
    moved_to: str | None = None
    ids: frozenset[str] | None = None  # the wanted ids an HTML page read for its fragments holds
    cached: bool = False
    ids_limit: str = ""  # why the page's ids may not all have been seen


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    location: str | None
    ids: frozenset[str] | None
    tries: int
    limited: bool = False  # a 403 that says no requests remain (GitHub's API)
    ids_limit: str = ""


def fragment_checkable(fragment: str, host: str | None) -> bool:
    """Fragments that name an element; not script routes (#!/, #/), text fragments, #top,
    or GitHub's line anchors, which its script makes."""
    if not fragment or fragment.startswith(("!", "/", ":~:")) or fragment == "top":
        return False
    return not (host == "github.com" and _GITHUB_LINE.fullmatch(fragment))


def retry_after(headers, now: float) -> float | None:
    """Seconds a server asked to wait: Retry-After (seconds or a date), or, when it says no
    requests remain, X-RateLimit-Reset (GitHub's API: the epoch second of the reset)."""
    value = headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    reset = headers.get("X-RateLimit-Reset", "").strip()
    if headers.get("X-RateLimit-Remaining", "").strip() == "0" and reset.isdigit():
        return max(0.0, float(reset) - now)
    return None


def _shorten(url: str, limit: int = 100) -> str:
    """An address for the report: credentials hidden, one clean line, at most `limit` long."""
    return shown(url, limit)


def client_error(error: BaseException) -> str:
    """What went wrong, in words: never an object's repr, nothing the host sent unescaped."""
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the host closed the connection before its answer was whole"
    if isinstance(error, aiohttp.ClientPayloadError):
        cause = getattr(error.__cause__ or error.__context__, "message", "")
        first = str(cause).strip().split("\n")[0].rstrip(":")
        return (
            f"the answer's body is broken: {clean(first, MAX_SHOWN)}"
            if first
            else "the answer's body is broken"
        )
    if isinstance(error, aiohttp.ClientResponseError):  # what the host sent is not HTTP
        first = str(error.message).strip().split("\n")[0].rstrip(":")
        return (
            f"the answer is not valid HTTP: {clean(first, MAX_SHOWN)}"
            if first
            else "the answer is not valid HTTP"
        )
    if isinstance(error, OSError) and error.strerror:
        return clean(error.strerror)
    return error.__class__.__name__


def more_open_files() -> None:
    """Connections kept open to a thousand hosts between their URLs: the soft limit on open
    files raised to the hard one (Linux often starts at 1,024)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 65536 if hard == resource.RLIM_INFINITY else hard
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        pass


class _Host:
    def __init__(self, per_host: int):
        self.slots = asyncio.Semaphore(per_host)
        self.resume_at = 0.0  # asked to wait (429) until then

    def pause(self, seconds: float) -> None:
        self.resume_at = max(self.resume_at, time.monotonic() + seconds)

    async def ready(self) -> None:
        while (delay := self.resume_at - time.monotonic()) > 0:
            await asyncio.sleep(delay)


class Checker:
    def __init__(self, config: LinkcheckConfig, user_agent: str, resolver=None):
        self.config = config
        self.user_agent = user_agent
        self.resolver = resolver  # tests resolve their own host names to the loopback
        self.hosts: dict[str, _Host] = {}
        self.unreachable: dict[object, Outcome] = {}  # by host name (DNS) or (scheme, host, port)
        self.requests = 0
        self.session: aiohttp.ClientSession | None = None
        self.overall: asyncio.Semaphore | None = None
        self.parsers: ThreadPoolExecutor | None = None
        self.parsing: asyncio.Semaphore | None = None

    def run(self, targets: dict[str, set[str]], done=None) -> dict[str, Outcome]:
        """Check each URL (without fragment; the fragments its links carry); `done(url,
        outcome)` is called as each finishes."""
        return asyncio.run(self._run(targets, done))

    async def _run(self, targets: dict[str, set[str]], done) -> dict[str, Outcome]:
        self.overall = asyncio.Semaphore(self.config.parallel)
        more_open_files()
        # Host names are looked up by getaddrinfo in the loop's threads: one per request in
        # flight, so a slow lookup holds up no other.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(self.config.parallel))
        # aiohttp keeps an idle connection 15 s: a host's next URL reuses it.
        connector = aiohttp.TCPConnector(
            limit=self.config.parallel,
            limit_per_host=0,
            ttl_dns_cache=600,
            **({"resolver": self.resolver} if self.resolver is not None else {}),
        )
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        outcomes: dict[str, Outcome] = {}

        async def one(url: str) -> None:
            try:
                outcome = await self.check(url, targets[url])
            except Exception as error:  # noqa: BLE001 - a URL the client cannot even form a request for
                outcome = Outcome(
                    BROKEN, f"not checkable: {error.__class__.__name__}: {shown(str(error), 200)}"
                )
            outcomes[url] = outcome
            if done is not None:
                done(url, outcome)

        self.parsers = ThreadPoolExecutor(PARSERS, thread_name_prefix="linkcheck-parse")
        self.parsing = asyncio.Semaphore(PAGES_PARSED_AT_ONCE)
        try:
            async with aiohttp.ClientSession(
                connector=connector,
                headers=headers,
                # TIMEOUT for the connection (DNS, TCP, TLS) and for each wait for data; a
                # whole request takes at most twice that (_exchange), parsing aside.
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=self.config.timeout, sock_read=self.config.timeout
                ),
            ) as self.session:
                await asyncio.gather(*(one(url) for url in targets))
        finally:
            self.parsers.shutdown(wait=False, cancel_futures=True)
        return outcomes

    async def check(self, url: str, fragments: set[str]) -> Outcome:
        """One URL; `fragments` are those to check on it (the page is then read with GET)."""
        wanted = wanted_names(fragments) if fragments else None
        current, seen = url, [url]
        moved_to, moved_status, permanent = None, None, True
        for _ in range(MAX_REDIRECTS + 1):
            answer = await self._ask(current, wanted)
            if isinstance(answer, Outcome):
                return (
                    answer
                    if current == url
                    else replace(answer, detail=f"{answer.detail} at {_shorten(current)}")
                )
            if answer.status not in REDIRECTS or not answer.location:
                return self._classify(url, current, answer, moved_to, moved_status)
            target = urldefrag(urljoin(current, answer.location)).url
            if urlsplit(target).scheme not in ("http", "https"):
                return Outcome(
                    BROKEN,
                    f"{answer.status} to {_shorten(target)}, which is not a web address",
                    answer.status,
                )
            if permanent and answer.status in PERMANENT:
                moved_to, moved_status = target, answer.status
            else:
                permanent = False
            if seen.count(target) >= 2:
                loop = [*seen[len(seen) - 1 - seen[::-1].index(target) :], target]
                return Outcome(BROKEN, "redirect loop: " + " → ".join(map(_shorten, loop[:6])), answer.status)
            seen.append(target)
            current = target
        return Outcome(BROKEN, f"more than {MAX_REDIRECTS} redirects, the last to {_shorten(current)}")

    def _classify(
        self, url: str, final: str, answer: Answer, moved_to: str | None, moved_status: int | None
    ) -> Outcome:
        status = answer.status
        tries = f", {answer.tries} tries" if answer.tries > 1 else ""
        at = f" at {_shorten(final)}" if final != url else ""
        if 200 <= status < 400 and status not in REDIRECTS:
            if moved_to:
                return Outcome(
                    MOVED,
                    f"{moved_status} to {_shorten(moved_to, MAX_SHOWN)}",
                    status,
                    shown(moved_to),
                    answer.ids,
                    ids_limit=answer.ids_limit,
                )
            return Outcome(OK, str(status), status, ids=answer.ids, ids_limit=answer.ids_limit)
        if self.config.accepted(urlsplit(url).hostname or "", status):
            return Outcome(OK, f"{status}, accepted by GUIDE_LINKCHECK_ACCEPT", status)
        if status == 429 or answer.limited:
            return Outcome(RATE_LIMITED, f"429 {answer.reason}{at}{tries}", status)
        if status in REDIRECTS:
            return Outcome(BROKEN, f"{status} without a Location{at}", status)
        return Outcome(BROKEN, f"{status} {answer.reason}{at}{tries}".strip(), status)

    async def _ask(self, url: str, wanted: frozenset[str] | None) -> Answer | Outcome:
        answer = await self._send("GET" if wanted else "HEAD", url, wanted)
        if isinstance(answer, Answer) and not wanted and answer.status in HEAD_REFUSED:
            answer = await self._send("GET", url, None)
        return answer

    def _host(self, name: str) -> _Host:
        host = self.hosts.get(name)
        if host is None:
            host = self.hosts[name] = _Host(self.config.per_host)
        return host

    async def _send(self, method: str, url: str, wanted: frozenset[str] | None) -> Answer | Outcome:
        """One request, tried again on timeouts, 5xx and dropped connections; waits while
        its host asked to."""
        parts = urlsplit(url)
        name = (parts.hostname or "").lower()
        try:
            endpoint = (parts.scheme, name, parts.port)
        except ValueError:
            return Outcome(BROKEN, "not a valid URL: its port is not a number")
        config = self.config
        host = self._host(name)
        async with host.slots:
            for attempt in range(config.retries + 1):
                known = self.unreachable.get(name) or self.unreachable.get(endpoint)
                if known is not None:
                    return known
                await host.ready()
                last = attempt == config.retries
                tries = f", {attempt + 1} tries" if attempt else ""
                try:
                    async with self.overall:
                        self.requests += 1
                        answer, headers = await self._exchange(method, url, wanted, attempt + 1)
                except aiohttp.ConnectionTimeoutError:
                    failure = Outcome(
                        TIMED_OUT, f"no connection to {_shorten(parts.netloc)} in {config.timeout:g} s{tries}"
                    )
                    if last:  # the host is down or drops us: its other URLs would wait as long
                        self.unreachable[endpoint] = failure
                except aiohttp.SocketTimeoutError:  # the host sent nothing for that long
                    failure = Outcome(TIMED_OUT, f"no answer in {config.timeout:g} s{tries}")
                except TimeoutError:  # it kept sending, too slowly: the limit on a whole request
                    failure = Outcome(
                        TIMED_OUT,
                        f"no whole answer in {2 * config.timeout:g} s "
                        f"(twice GUIDE_LINKCHECK_TIMEOUT, for one request){tries}",
                    )
                except aiohttp.ClientConnectorDNSError as error:
                    temporary = getattr(error.os_error, "errno", None) == socket.EAI_AGAIN
                    failure = Outcome(
                        BROKEN,
                        f"DNS lookup failed for {_shorten(name)}: "
                        f"{clean(getattr(error.os_error, 'strerror', None) or 'no address')}{tries}",
                    )
                    if not temporary or last:
                        self.unreachable[name] = failure
                        return failure
                except aiohttp.ClientConnectorCertificateError as error:
                    failure = self.unreachable[endpoint] = Outcome(
                        BROKEN,
                        f"TLS certificate not accepted: {clean(str(error.certificate_error), MAX_SHOWN)}",
                    )
                    return failure
                except (aiohttp.ClientConnectorSSLError, aiohttp.ClientSSLError) as error:
                    reason = getattr(getattr(error, "os_error", None), "reason", None)
                    failure = self.unreachable[endpoint] = Outcome(
                        BROKEN, f"TLS error: {clean(str(reason or client_error(error)), MAX_SHOWN)}"
                    )
                    return failure
                except aiohttp.ClientConnectorError as error:
                    why = clean(getattr(error.os_error, "strerror", None) or client_error(error))
                    failure = Outcome(BROKEN, f"cannot connect to {_shorten(parts.netloc)}: {why}{tries}")
                    if last:
                        self.unreachable[endpoint] = failure
                except (aiohttp.InvalidURL, ValueError) as error:
                    return Outcome(BROKEN, f"not a valid URL: {shown(str(error), MAX_SHOWN)}")
                except (aiohttp.ClientError, OSError) as error:
                    failure = Outcome(BROKEN, f"connection failed: {client_error(error)}{tries}")
                else:
                    if answer.status == 429 or (
                        answer.status == 403 and headers.get("X-RateLimit-Remaining") == "0"
                    ):
                        answer = replace(answer, limited=True)
                        wait = retry_after(headers, time.time())
                        if wait is not None and wait > config.max_retry_after:
                            asked = (
                                f"{answer.status}, asked to wait {wait:.0f} s, "
                                "longer than GUIDE_LINKCHECK_MAX_RETRY_AFTER"
                            )
                            return Outcome(RATE_LIMITED, asked, answer.status)
                        if last:
                            return answer
                        host.pause(wait if wait is not None else config.retry_wait * 2**attempt)
                        continue
                    if answer.status < 500 or last:
                        return answer
                    failure = None
                if last:
                    return failure
                await asyncio.sleep(config.retry_wait * 2**attempt)
        raise AssertionError("unreachable")  # the loop always returns

    async def _exchange(self, method: str, url: str, wanted, tries: int) -> tuple[Answer, object]:
        """One request and its answer, within twice TIMEOUT of the host's time: the time
        spent parsing the page for its ids is not counted."""
        async with asyncio.timeout(2 * self.config.timeout) as clock:
            async with self.session.request(method, url, allow_redirects=False) as response:
                ids, ids_limit = None, ""
                if wanted and response.status < 300 and response.content_type in HTML_TYPES:
                    ids, ids_limit = await self._find_ids(response, wanted, clock)
                answer = Answer(
                    response.status,
                    clean(response.reason or "", MAX_SHOWN),
                    response.headers.get("Location"),
                    ids,
                    tries,
                    ids_limit=ids_limit,
                )
                return answer, response.headers

    async def _find_ids(self, response, wanted: frozenset[str], clock) -> tuple[frozenset[str], str]:
        """The wanted ids of the page, read piece by piece (MAX_BODY at most), each piece
        parsed in the parser thread while the loop reads every other answer. lxml keeps
        the page's text until the parse ends, so only PAGES_PARSED_AT_ONCE pages are
        parsed at a time; the others wait, unread, their clocks stopped."""
        loop = asyncio.get_running_loop()
        async with _stopped(clock):
            await self.parsing.acquire()
        try:
            finder = IdFinder(wanted, response.charset)
            size = 0
            while size < MAX_BODY:
                piece = await response.content.read(min(PIECE, MAX_BODY - size))
                if not piece:
                    break
                size += len(piece)
                async with _stopped(clock):
                    await loop.run_in_executor(self.parsers, finder.feed, piece)
            async with _stopped(clock):
                found, gave_up = await loop.run_in_executor(self.parsers, finder.finish)
        finally:
            self.parsing.release()
        if not gave_up and size >= MAX_BODY and not response.content.at_eof():
            gave_up = f"only its first {MAX_BODY // 2**20} MB were read"
        return found, gave_up


@contextlib.asynccontextmanager
async def _stopped(clock):
    """The request's time limit stopped meanwhile: time spent parsing is not the host's."""
    loop = asyncio.get_running_loop()
    if clock.expired():  # its time ran out as the data came: let that end the request
        yield
        return
    remaining = clock.when() - loop.time()
    clock.reschedule(None)
    try:
        yield
    finally:
        clock.reschedule(loop.time() + remaining)
