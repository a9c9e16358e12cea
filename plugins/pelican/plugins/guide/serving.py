"""Answering requests for a built site: `make serve` (the folder as it is, http.server) and
`make devserver` (the same, with live reload, tornado and livereload's protocol).

Both answer as the published site's nginx does (deploy/nginx.conf), and no more:
- a file of the folder, or a folder's `index.html`; anything else (a folder without one,
  a link to a file outside the folder, a missing file) is `404.html` with status 404,
  and a path no file can have (a NUL, broken UTF-8) is 400. No folder is ever listed.
- only requests addressed to the server (DNS rebinding: a page of another site whose
  name is made to point here would send that name): its bound host, and localhost and
  the loopback addresses when it is bound to them, any IP address when it is bound to
  every interface. Others get 403; so does a live-reload WebSocket opened by a page of
  any other origin than the server's own (scheme, host and port, exactly).
- quietly: nothing is printed per request, and a browser that goes away mid-answer (a
  reload, a cancelled load) is no error. Many requests at once are answered in threads,
  with a normal listen backlog.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import os
import socket
import sys
from urllib.parse import unquote, urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("", "0.0.0.0", "::")
# livereload.js, from the server's own /livereload.js, on the page's host and port; the
# devserver's pages allow exactly this script (its sha256) in their CSP.
LIVERELOAD_SNIPPET = (
    "(function(){"
    'var s=document.createElement("script");'
    "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    's.src="//"+window.location.hostname+":"+port'
    '+ "/livereload.js?port=" + port;'
    "document.head.appendChild(s);"
    "})();"
)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return (
        name == "localhost"
        or name.endswith(".localhost")
        or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)
    )


def allowed_host(value: str, bound: str) -> bool:
    """Whether a request's Host header (`name:port`) names this server, bound to `bound`."""
    try:
        parts = urlsplit(f"//{value}")
        name, _ = parts.hostname, parts.port  # .port raises on a port that is no number
    except ValueError:
        return False
    if not name:
        return False
    bound = bound.strip("[]").lower()
    if name == bound:
        return True
    if bound in EVERY_INTERFACE:
        return _is_ip(name) or _is_loopback(name)
    return _is_loopback(bound) and _is_loopback(name)


def allowed_origin(origin: str | None, host: str | None, bound: str) -> bool:
    """A page may open the live-reload WebSocket only if it is one of this server's own:
    its origin is exactly the address the request was sent to (`host`, the Host header),
    over http, the one scheme the devserver speaks; another port of this machine is
    another site."""
    if origin is None:
        return True  # not a browser page: a browser always sends its page's origin
    if host is None or not allowed_host(host, bound):
        return False
    try:
        page, server = urlsplit(origin), urlsplit(f"//{host}")
        return (
            page.scheme == "http"
            and not page.path
            and page.hostname == server.hostname
            and (page.port or 80) == (server.port or 80)
        )
    except ValueError:  # a port that is no number
        return False


def not_found_page(root: str) -> bytes:
    try:
        with open(os.path.join(root, "404.html"), "rb") as page:
            return page.read()
    except OSError:
        return b"<!doctype html><title>Not found</title><p>Not found."


def leaves_root(url_path: str) -> bool:
    """Whether a request's path climbs above the site's root (`/../`, `/%2e%2e/x`)."""
    depth = 0
    for segment in unquote(urlsplit(url_path).path).split("/"):
        depth += -1 if segment == ".." else segment not in ("", ".")
        if depth < 0:
            return True
    return False


def servable(root: str, path: str) -> str | None:
    """The file a request for `path` (a file-system path under `root`) is answered with: the
    file, or a folder's index.html; None when there is none inside the folder."""
    root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.isdir(real):
        real = os.path.realpath(os.path.join(real, "index.html"))
    inside = os.path.commonpath([real, root]) == root
    return real if inside and os.path.isfile(real) else None


# `make serve` --------------------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The folder as it is; a missing file gets 404.html with status 404."""

    bound = "127.0.0.1"

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if host is not None and not allowed_host(host, self.bound):
            self.send_error(403, "Forbidden", f"This server answers requests for {self.bound} only.")
            return False
        return True

    def send_head(self):
        if leaves_root(self.path):  # http.server would drop the ".." and serve the root
            self.send_error(404)
            return None
        try:
            path = self.translate_path(self.path)
            if "\0" in path:
                raise ValueError("a NUL in the path")
            found = servable(self.directory, path)
        except (ValueError, UnicodeError):  # no file can have this name
            self.send_error(400, "Bad request")
            return None
        if found is None:
            self.send_error(404)
            return None
        return super().send_head()  # a folder's address without its "/" is redirected first

    def list_directory(self, path):
        self.send_error(404)
        return

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = not_found_page(self.directory)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format, *args):
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    request_queue_size = socket.SOMAXCONN  # socketserver's default, 5, drops a burst's connections
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the browser went away: a reload, a cancelled load
        print(f"serve: {client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


def make_server(root: str, host: str, port: int) -> SiteServer:
    handler = type("Handler", (SiteHandler,), {"bound": host})
    server = type(
        "Server", (SiteServer,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET}
    )
    return server((host, port), functools.partial(handler, directory=root))


def serve_folder(root: str, host: str, port: int) -> None:
    server = make_server(root, host, port)
    print(f"serving {root} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# `make devserver` ----------------------------------------------------------------------


def live_application(root: str, host: str):
    """The devserver's tornado application: the folder, livereload.js and its WebSocket,
    and the snippet that loads livereload.js put into every page."""
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
    from livereload.server import LiveScriptInjector
    from tornado import web

    def check_host(handler) -> None:
        value = handler.request.headers.get("Host")
        if value is not None and not allowed_host(value, host):
            raise web.HTTPError(403)

    class Reload(LiveReloadHandler):
        def prepare(self):
            # Here, before tornado's own test, which takes an origin of any scheme whose
            # host and port match, or a browser's word that it is the same origin.
            check_host(self)
            if not self.check_origin(self.request.headers.get("Origin")):
                raise web.HTTPError(403)

        def check_origin(self, origin):
            return allowed_origin(origin, self.request.headers.get("Host"), host)

    class ReloadScript(LiveReloadJSHandler):
        def prepare(self):
            check_host(self)

    class Files(StaticFileHandler):
        def prepare(self):
            check_host(self)

        def parse_url_path(self, url_path):
            if "\0" in url_path:
                raise web.HTTPError(400)
            return super().parse_url_path(url_path)

        async def get(self, path, include_body=True):
            # tornado answers a path out of the folder (`/../`, `%2e%2e`, `//etc/passwd`, a
            # link that leads out) or a folder without an index with its own 403 page, from
            # wherever it finds it; as nginx, the site's 404 page. A refused Host, in
            # prepare(), stays 403.
            try:
                await super().get(path, include_body)
            except web.HTTPError as error:
                if error.status_code == 403:
                    raise web.HTTPError(404) from None
                raise
            except (ValueError, UnicodeError):
                raise web.HTTPError(400) from None

        def write_error(self, status_code, **kwargs):
            if status_code == 404:
                self.set_header("Content-Type", "text/html; charset=utf-8")
                return self.finish(not_found_page(root))
            return super().write_error(status_code, **kwargs)

    class Injector(LiveScriptInjector):
        script = f'<script type="text/javascript">{LIVERELOAD_SNIPPET}</script>'.encode()

    return web.Application(
        [
            (r"/livereload", Reload),
            (r"/livereload.js", ReloadScript),
            (r"/(.*)", Files, {"path": root, "default_filename": "index.html"}),
        ],
        transforms=[Injector],
        log_function=lambda handler: None,
    )


def reload_pages() -> None:
    """Tell every open page to reload (livereload's protocol); call on the server's loop."""
    from livereload.handlers import LiveReloadHandler

    message = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:  # noqa: BLE001 - a page closed meanwhile
            LiveReloadHandler.waiters.discard(waiter)
