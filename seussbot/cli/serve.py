"""`seussbot serve`: the app in a browser, one process per tab, for a classroom.

The server (`classroom.Classroom`) starts `python -m seussbot` for each tab
with a fixed torch thread count in its environment (`$SEUSSBOT_THREADS`, read
by `seussbot.defaults`), so thirty tabs share the cores instead of each one
measuring and claiming all of them. All tabs share one data folder
(`$SEUSSBOT_HOME` or the user data folder): a model being trained is locked and
a new one takes the first free name, so two tabs never write the same file.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import sys

from seussbot.defaults import THREADS_ENV
from seussbot.errors import SeussbotError

# Read by OpenMP and MKL when torch loads: every torch thread pool in a tab's app, not only training's.
POOL_ENVS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_max_sessions() -> int:
    """One tab per core, and at least two: a teacher and one student."""
    return max(2, os.cpu_count() or 1)


def app_command() -> str:
    """The shell command textual-serve runs per tab; `exec`, so the app is the process it waits for."""
    return f"exec {shlex.quote(sys.executable)} -m seussbot"


def app_environment(threads: int) -> dict[str, str]:
    return {THREADS_ENV: str(threads), **{name: str(threads) for name in POOL_ENVS}}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page_url(host: str, port: int, public_url: str | None) -> str:
    if public_url:
        return public_url
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def run_serve(args: argparse.Namespace) -> int:
    try:
        from seussbot.cli.classroom import Classroom
    except ImportError as error:
        raise SeussbotError(f"seussbot serve needs the serve extra ({error.name} is missing): pip install 'seussbot[serve]'.") from None

    max_sessions = args.max_sessions or default_max_sessions()
    url = page_url(args.host, args.port, args.public_url)
    announce = [f"seussbot is served at {url} : open it in a browser (one app per tab). Ctrl+C stops every session, saving its model."]
    announce.append(
        f"At most {max_sessions} tabs at once, each training on {args.threads_per_session} torch thread"
        f"{'s' if args.threads_per_session > 1 else ''}; models are saved in one folder for all of them."
    )
    if not is_loopback(args.host):
        print(
            f"seussbot: serving on {args.host}, not only this machine: anyone who can reach port {args.port} here can open the app.",
            file=sys.stderr,
        )
    os.environ.update(app_environment(args.threads_per_session))  # every tab's app inherits the server's environment
    server = Classroom(
        app_command(), host=args.host, port=args.port, title="seussbot", public_url=args.public_url,
        max_sessions=max_sessions, announce=announce,
    )
    try:
        server.serve()
    except OSError as error:
        raise SeussbotError(f"Cannot listen on {args.host} port {args.port} ({error.strerror or error}); pick another --port.") from None
    return 0
