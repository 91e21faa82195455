"""The classroom server behind `seussbot serve`: one seussbot app per browser tab, a room of fixed size.

textual-serve does the hard part: each websocket gets its own app process,
which draws through Textual's web driver and reads keys from the page. This
subclass adds what a classroom needs and the stock server lacks:

- a limit on seats: past `max_sessions` the page says "the room is full"
  (and a websocket that slips past the page is told the same and closed),
  because thirty stalled apps teach nothing;
- a page that loads nothing from outside the server: the stock template links
  a web font from a font host, which fails offline and tells a third party
  who is in the class; ours names the Roboto Mono files textual-serve ships;
- links built from the address the browser used, so a server on 0.0.0.0 works
  for the students without `--public-url` (which still wins when given);
- a clean ending: on Ctrl+C every app is told to quit, as a closed tab is,
  which stops its training and saves its model; an app that does not end in
  time is killed, so no process is left behind.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

PAGES = Path(__file__).parent / "pages"
QUIT_WAIT_S = 150.0  # an app stops training (a step, an evaluation) and saves before it ends
FULL_CLOSE_CODE = 1013  # websocket "try again later"

log = logging.getLogger("seussbot.serve")


def room_full_message(running: int) -> str:
    """What a turned-away tab reads: "the room is full: 3 sessions are running"."""
    return f"the room is full: {running} session is running" if running == 1 else f"the room is full: {running} sessions are running"


class Classroom(Server):
    """A textual-serve server with a fixed number of seats and a page of its own."""

    def __init__(self, command: str, *, max_sessions: int, announce: list[str], **options: Any) -> None:
        super().__init__(command, templates_path=PAGES, **options)
        self.max_sessions = max_sessions
        self.announce = announce  # the lines printed once the server listens
        self.public_url_given = options.get("public_url") is not None
        self.sessions: set[AppService] = set()

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.max_sessions

    # -- the page -----------------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.Response:
        if self.full:
            context = {"message": room_full_message(len(self.sessions)), "title": self.title}
            return aiohttp_jinja2.render_template("full.html", request, context, status=503)
        origin = self.public_url if self.public_url_given else str(request.url.origin())
        websocket_scheme = "wss" if origin.startswith("https") else "ws"
        context = {
            "title": self.title,
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "static_url": f"{origin}{request.app.router['static'].url_for(filename='/')}".rstrip("/") + "/",
            "websocket_url": websocket_scheme + ":" + origin.split(":", 1)[1] + str(request.app.router["websocket"].url_for()),
        }
        return aiohttp_jinja2.render_template("app.html", request, context)

    # -- one tab ------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.full:  # a tab that loaded the page before the room filled up
            await websocket.send_bytes(f"\x1b[2J\x1b[H{room_full_message(len(self.sessions))}.\r\n".encode())
            await websocket.close(code=FULL_CLOSE_CODE, message=b"the room is full")
            return websocket
        service = AppService(
            self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
            download_manager=self.download_manager, debug=self.debug,
        )
        self.sessions.add(service)  # before any await: two tabs arriving together cannot both take the last seat
        try:
            width, height = to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except Exception as error:  # one tab's trouble must not take the room down
            log.exception(error)
        finally:
            await self._end(service)  # the tab closed: the app saves and ends, as after `q`
            await websocket.close()
        return websocket

    async def _end(self, service: AppService) -> None:
        """Ask one app to quit (it saves first); kill it if it has not ended in QUIT_WAIT_S."""
        try:
            await asyncio.wait_for(asyncio.shield(service.stop()), QUIT_WAIT_S)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            process = getattr(service, "_process", None)  # textual-serve keeps the process private
            if process is not None and process.returncode is None:
                log.warning("An app did not end in %.0f s after being asked to quit; stopping it.", QUIT_WAIT_S)
                process.kill()
        finally:
            self.sessions.discard(service)

    # -- the server ---------------------------------------------------------------------
    async def on_startup(self, app: web.Application) -> None:
        for line in self.announce:
            self.console.print(line, highlight=False, markup=False, soft_wrap=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: every app stops training and saves, as if its tab had closed, then the server ends."""
        if self.sessions:
            self.console.print(f"Stopping {len(self.sessions)} session(s): each saves its model first.", highlight=False)
            await asyncio.gather(*(self._end(service) for service in list(self.sessions)))
