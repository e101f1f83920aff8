"""Run a function in a second process beside this one, where the platform can fork.

A forked child starts with this process's memory (the loaded catalog included), so
it needs no arguments sent over; only its result comes back, pickled through a pipe.
Where there is no fork (Windows, macOS' default), the function runs here when its
result is asked for: the same result, one core.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Forked(Generic[T]):
    """``function(*args)`` running in a child process; ``result()`` waits for it."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._call = (function, args)
        self._process = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(send, function, args))
            self._process.daemon = True
            self._process.start()
            send.close()

    def result(self) -> T:
        """Return what the function returned; raise ``RuntimeError`` if it failed."""
        if self._process is None:
            function, args = self._call
            return function(*args)
        try:
            # Read before joining: a child blocks on a full pipe until it is read.
            ok, value = self._receive.recv()
        except EOFError:
            ok, value = False, "the process ended without a result"
        finally:
            self._receive.close()
            self._process.join()
        if not ok:
            name = getattr(self._call[0], "__qualname__", "work")
            exit_code = self._process.exitcode
            raise RuntimeError(
                f"{name} failed in a second process (exit code {exit_code}):\n{value}"
            )
        return value


def _child(send: Any, function: Callable[..., Any], args: tuple) -> None:
    try:
        message = (True, function(*args))
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent as text
        message = (False, traceback.format_exc())
    try:
        send.send(message)
    except BaseException:  # noqa: BLE001 - a result that cannot be pickled
        send.send((False, traceback.format_exc()))
    finally:
        send.close()
        # Skip the parent's exit handlers (MkDocs' logging, temporary folders).
        os._exit(0)
