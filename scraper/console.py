"""The console script. Ctrl-C and SIGTERM are caught from its first line on: the command
line's imports take a moment, and an interrupt there is one line too, never a traceback."""

from __future__ import annotations

import signal
import sys


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: leaves like KeyboardInterrupt, through every ``finally``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def entry() -> None:
    """The CLI, with Ctrl-C exiting 130 and SIGTERM 143 (128 plus the signal; 1 means
    "differences found"), in one line. A write phase that was under way is finished or
    undone by the next command (see write.recover)."""

    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        received.append(signum)
        raise Interrupted(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        from .cli import main

        if received:  # raised inside a library's import, which swallowed it
            raise Interrupted(received[0])
        try:
            main()
        finally:
            if received:  # likewise, in an import a command makes (lxml's, for extraction)
                raise Interrupted(received[0])
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        sys.stderr.write(
            f"errtables: interrupted ({name}); the next errtables command finishes or undoes "
            "any write that was under way\n"
        )
        sys.exit(128 + exc.signum)
