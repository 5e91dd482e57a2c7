"""``studyapp sync`` and ``studyapp sync-status``: the collection with an Anki sync server, from the terminal.

``studyapp sync --server URL --user NAME --password-stdin`` signs in (the password, read from standard input,
is exchanged for the server's host key and dropped; the key goes to the OS keyring) and syncs; later a bare
``studyapp sync`` uses the stored address, user and key. Progress goes to standard error, the summary to
standard output. Exit status: 0 synced, 1 the sync failed (one line: a wrong password, the server busy or
unreachable, the clock off...; the collection is as it was), 2 not signed in or an address that needs
``--allow-insecure``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any, TextIO

from studyapp.cli.progress_lines import ThrottledLines
from studyapp.services.app import App
from studyapp.services.sync.account import (
    KEYS,
    SELF_HOSTED_HINT,
    AccountError,
    KeyStore,
    SyncSettings,
    insecure_problem,
    load_sync_settings,
    normalize_endpoint,
    save_sync_settings,
)

COMMANDS = ("sync", "sync-status")


def register(commands: Any) -> None:
    """Add ``sync`` and ``sync-status`` to the command line's subparsers."""
    sync = commands.add_parser(
        "sync", help="sync with an Anki sync server (self-hosted anki.syncserver), as AnkiDroid and AnkiMobile do"
    )
    full = sync.add_mutually_exclusive_group()
    full.add_argument(
        "--full-download", dest="mode", action="store_const", const="full_download", default="normal",
        help="replace this collection with the server's",
    )  # fmt: skip
    full.add_argument(
        "--full-upload", dest="mode", action="store_const", const="full_upload",
        help="replace the server's collection with this one (other devices then download it)",
    )  # fmt: skip
    sync.add_argument("--server", metavar="URL", help="the server address, e.g. http://127.0.0.1:8080/ (remembered)")
    sync.add_argument("--user", metavar="NAME", help="the user name on the server (remembered)")
    sync.add_argument(
        "--password-stdin", action="store_true",
        help="sign in with the password read from standard input (it is exchanged for a key and never stored)",
    )  # fmt: skip
    sync.add_argument(
        "--allow-insecure", action="store_true",
        help="allow plain http to a server on this computer or your own network (never over the internet)",
    )  # fmt: skip
    commands.add_parser("sync-status", help="the sync server, user, last sync and whether there are changes here")


class NotSignedIn(Exception):
    """No address, user or key to sync with, or an address that needs confirming: one line, exit status 2."""


def run(app: App, args: argparse.Namespace, stdin: TextIO, out: TextIO, keys: KeyStore = KEYS) -> int:
    from studyapp.services.sync.errors import SyncError

    try:
        if args.command == "sync-status":
            _status(app, out, keys)
        else:
            _sync(app, args, stdin, out, keys)
    except NotSignedIn as error:
        print(f"studyapp {args.command}: {error}", file=sys.stderr)
        return 2
    except SyncError as error:
        print(f"studyapp {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


def _account_settings(app: App, args: argparse.Namespace) -> tuple[SyncSettings, str, str]:
    """The stored settings, and the address and user to use (the options' over the stored ones)."""
    settings = load_sync_settings(app.collection)
    try:
        endpoint = normalize_endpoint(args.server) if args.server else settings.server
    except AccountError as error:
        raise NotSignedIn(str(error)) from None
    user = args.user if args.user else settings.user
    if not endpoint or not user:
        raise NotSignedIn(
            "no sync server yet: sign in with 'studyapp sync --server URL --user NAME --password-stdin' "
            f"(the password on standard input). {SELF_HOSTED_HINT}"
        )
    confirmed = args.allow_insecure or (settings.insecure_confirmed == endpoint)
    problem = insecure_problem(endpoint, confirmed)
    if problem is not None:
        raise NotSignedIn(problem)
    return settings, endpoint, user


def _sync(app: App, args: argparse.Namespace, stdin: TextIO, out: TextIO, keys: KeyStore) -> None:
    settings, endpoint, user = _account_settings(app, args)
    host_key = None if args.password_stdin else keys.get(endpoint, user)
    if not args.password_stdin and host_key is None:
        why = f" ({keys.fallback_reason})" if keys.fallback_reason else ""
        raise NotSignedIn(
            f"not signed in to {endpoint} as {user}{why}: run 'studyapp sync --password-stdin' "
            "with the password on standard input"
        )
    from studyapp.services.sync import service
    from studyapp.services.sync.errors import SyncError

    if host_key is None:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise NotSignedIn("--password-stdin: standard input held no password (one line)")
        account = service.log_in(endpoint, user, password)  # a SyncError for a wrong password: exit 1
        del password
        notice = keys.put(endpoint, user, account.host_key)
        if notice is not None:
            print(f"studyapp sync: {notice}", file=sys.stderr)
    else:
        account = service.SyncAccount(endpoint=endpoint, user=user, host_key=host_key)
    remembered = replace(
        settings,
        server=endpoint,
        user=user,
        insecure_confirmed=endpoint if args.allow_insecure else settings.insecure_confirmed,
    )
    if remembered != settings:  # a new address or user is remembered once it has signed in
        save_sync_settings(app.collection, remembered)

    progress = ThrottledLines(lambda line: print(f"sync: {line}", file=sys.stderr, flush=True))
    try:
        summary = service.sync(
            app.collection,
            app.media_dir,
            account,
            mode=args.mode,
            now=app.clock.now,
            progress=progress,
            zone=app.clock.local_zone(),
        )
    except SyncError as error:
        if error.kind == "auth" and not args.password_stdin:  # the stored key no longer opens the account
            keys.forget(endpoint, user)
            raise SyncError(
                f"{error}; the stored key was removed: sign in again with --password-stdin", kind="auth"
            ) from None
        if error.kind == "full_sync" and args.mode == "normal":
            raise SyncError(
                f"{error}: run `studyapp sync --full-upload` (nothing on either side is lost), then let the other "
                "devices download it",
                kind="full_sync",
            ) from None
        raise
    finally:
        progress.flush()  # the latest count held back, before the summary or the failure's line
    print(summary.describe(), file=out)
    if summary.server_message:
        print(f"  the server says: {summary.server_message}", file=out)
    for line in getattr(summary, "notes", ()):  # what was skipped or refused, each with its reason
        print(f"  note: {line}", file=out)


def _status(app: App, out: TextIO, keys: KeyStore) -> None:
    from studyapp.services.sync import service

    settings = load_sync_settings(app.collection)
    status = service.sync_status(app.collection)
    endpoint = settings.server or status.endpoint or ""
    user = settings.user or status.user or ""
    if not endpoint:
        print("server: none (sign in with 'studyapp sync --server URL --user NAME --password-stdin')", file=out)
    else:
        print(f"server: {endpoint}", file=out)
    if user:
        signed = "signed in" if keys.get(endpoint, user) is not None else "not signed in"
        print(f"user: {user} ({signed})", file=out)
    print(f"last sync: {_when(status.last_sync, app.clock.local_zone())}", file=out)
    print(f"changes here since: {'yes' if status.changed_since else 'no'}", file=out)
    on_open, on_close = ("yes" if flag else "no" for flag in (settings.sync_on_open, settings.sync_on_close))
    print(f"sync on open: {on_open}, on close: {on_close}", file=out)


def _when(moment: datetime | None, zone: tzinfo) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()
