"""`python -m sandbox`: the sandbox page; `python -m sandbox --or-bot`: what `make run` does.

`--or-bot` runs the real bot (`kchat run`) when a token is configured, and otherwise says so
and starts the sandbox: a developer's fresh checkout has something to play with, while the
product's own `kchat run` without a token stays an error (exit 2), as a service needs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from sandbox.settings import SandboxSettings, sandbox_settings_error


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then serve the sandbox (or hand over to the bot)."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="The real KChat bot against a local Telegram, played from a browser page.",
    )
    parser.add_argument("--port", type=int, default=None, help="page port (KCHAT_SANDBOX_PORT)")
    parser.add_argument(
        "--or-bot",
        action="store_true",
        help="run the real bot instead when TELEGRAM_BOT_TOKEN is set (make run)",
    )
    args = parser.parse_args(argv)
    if args.port is not None and not 0 <= args.port <= 65535:
        print(
            f"sandbox: --port {args.port}: a port is 0..65535 (0 picks a free one)", file=sys.stderr
        )
        return 2
    try:
        settings = SandboxSettings()
    except ValidationError as exc:
        print(f"sandbox: {sandbox_settings_error(exc)}", file=sys.stderr)
        return 2
    token = settings.telegram_bot_token
    if args.or_bot and token is not None and token.get_secret_value().strip():
        kchat = shutil.which("kchat", path=os.path.dirname(sys.executable)) or "kchat"
        os.execv(kchat, [kchat, "run"])  # the bot, exactly as a service would start it
    from sandbox.runner import sandbox_notice
    from sandbox.serve import run_sandbox

    port = settings.sandbox_port if args.port is None else args.port
    if args.or_bot:
        print(f"kchat: {sandbox_notice(port)}", file=sys.stderr)
    return run_sandbox(settings, args.port)


if __name__ == "__main__":
    raise SystemExit(main())
