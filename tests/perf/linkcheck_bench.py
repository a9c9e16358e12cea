"""`make bench`'s link-check row: the checker against many hosts, all of them this machine.

    python -m tests.perf.linkcheck_bench [--urls 5000] [--hosts 1600] [--delay 0.05]

One server process listens on a distinct loopback address per host (127.0.x.y: Linux routes
all of 127.0.0.0/8 to the loopback) and answers every request after `delay` seconds. The
checker runs with the guide's default limits (32 in flight, 2 per host), so the ideal wall
time is URLs × delay ÷ 32; the target is at most 1.5 times that.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import subprocess
import sys
import time

from .synthetic import REPO

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"


def addresses(hosts: int) -> list[str]:
    return [f"127.0.{1 + index // 250}.{1 + index % 250}" for index in range(hosts)]


def more_files() -> None:
    """A listening socket per host and a connection each: raise the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


class Slow(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, just enough for HEAD and GET: each request answered after
    the delay, with an empty 200."""

    delay = 0.05

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            _, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            asyncio.get_running_loop().call_later(self.delay, self.answer)

    def answer(self) -> None:
        if not self.transport.is_closing():
            self.transport.write(ANSWER)


async def serve(hosts: int, delay: float) -> None:
    """Listen on every address at one port, print the port, answer until stdin closes."""
    more_files()
    Slow.delay = delay
    loop = asyncio.get_running_loop()
    for _ in range(20):  # another process may hold the port on one of the addresses: try another
        sockets = []
        try:
            for address in addresses(hosts):
                listener = socket.socket()
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sockets.append(listener)
                listener.bind((address, sockets[0].getsockname()[1] if len(sockets) > 1 else 0))
                listener.listen(256)
            break
        except OSError:
            for listener in sockets:
                listener.close()
    else:
        raise SystemExit("no port free on every address")
    servers = [await loop.create_server(Slow, sock=listener) for listener in sockets]
    print(sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # the bench closes it when done
    for server in servers:
        server.close()


def measure(
    urls: int = 5000, hosts: int = 1600, delay: float = 0.05, parallel: int = 32, per_host: int = 2
) -> dict:
    """The checker's wall time on `urls` URLs spread over `hosts` hosts."""
    from pelican.plugins.guide.linkcheck.checker import OK, Checker
    from pelican.plugins.guide.settings import guide_config

    more_files()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.perf.linkcheck_bench",
            "--serve",
            "--hosts",
            str(hosts),
            "--delay",
            str(delay),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        places = addresses(hosts)
        targets = {f"http://{places[index % hosts]}:{port}/page/{index}": set() for index in range(urls)}
        config = guide_config(
            {"GUIDE_LINKCHECK_PARALLEL": parallel, "GUIDE_LINKCHECK_PER_HOST": per_host}
        ).linkcheck
        checker = Checker(config, "pelican-guide-linkcheck/bench")
        started = time.perf_counter()
        outcomes = checker.run(targets)
        seconds = time.perf_counter() - started
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    ideal = urls * delay / parallel
    return {
        "urls": urls,
        "hosts": hosts,
        "delay": delay,
        "parallel": parallel,
        "seconds": seconds,
        "ideal": ideal,
        "ratio": seconds / ideal,
        "ok": sum(outcome.kind == OK for outcome in outcomes.values()),
        "requests": checker.requests,
    }


def row(result: dict) -> str:
    met = "met" if result["ratio"] <= 1.5 else "MISSED"
    return (
        f"Link check: {result['urls']:,} URLs on {result['hosts']:,} hosts, each answered after "
        f"{result['delay'] * 1000:.0f} ms: {result['seconds']:.2f} s "
        f"against the ideal {result['ideal']:.2f} s "
        f"(URLs × delay ÷ {result['parallel']} in flight), {result['ratio']:.2f}x; target ≤ 1.5x: {met}. "
        f"{result['ok']:,} OK, {result['requests']:,} requests."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=1600)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--serve", action="store_true", help="be the server (the bench starts it)")
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.hosts, args.delay))
    else:
        print(row(measure(args.urls, args.hosts, args.delay)), flush=True)


if __name__ == "__main__":
    main()
