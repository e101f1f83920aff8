"""Run a function in a second process beside this one, where the platform can fork.

A forked child starts with this process's memory (the loaded catalog included), so
it needs no arguments sent over; only its result comes back, pickled through a pipe.
Where there is no fork (Windows, macOS' default), the function runs here when its
result is asked for: the same result, one core.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Forked(Generic[T]):
    """``function(*args)`` running in a child process; ``result()`` waits for it.

    With ``stream``, the function returns an iterable, and its items come back in
    batches as they are made, read by a thread here: neither process holds the whole
    result twice (once made, once pickled), and the child's memory stays small.
    ``result()`` then returns the items as a list.
    """

    def __init__(self, function: Callable[..., Any], *args: Any, stream: bool = False) -> None:
        self._call = (function, args, stream)
        self._process = None
        self._items: list = []
        self._outcome: tuple[bool, Any] = (False, "the process ended without a result")
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            _READ_ENDS.add(self._receive)
            self._process = context.Process(target=_child, args=(send, function, args, stream))
            self._process.daemon = True
            self._process.start()
            send.close()
            # Read as the child writes: a child blocks on a full pipe until it is read.
            self._reader = threading.Thread(target=self._read, daemon=True)
            self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                kind, value = self._receive.recv()
                if kind == "items":
                    self._items += value
                else:
                    self._outcome = (kind == "done", value)
                    return
        except EOFError:
            pass
        finally:
            _READ_ENDS.discard(self._receive)
            self._receive.close()

    def result(self) -> T:
        """Return what the function returned; raise ``RuntimeError`` if it failed."""
        function, args, stream = self._call
        if self._process is None:
            value = function(*args)
            return list(value) if stream else value
        self._reader.join()
        self._process.join()
        ok, value = self._outcome
        if not ok:
            name = getattr(function, "__qualname__", "work")
            code = self._process.exitcode
            how = f"exit code {code}"
            if code is not None and code < 0:
                how = f"killed by {signal.Signals(-code).name}"
                if -code == signal.SIGKILL:
                    how += ", perhaps for lack of memory"
            raise RuntimeError(f"{name} failed in a second process ({how}):\n{value}")
        return self._items if stream else value


_BATCH = 64
# The read ends of the pipes of running children. A child closes those it inherited,
# so that when the parent dies no read end is left open anywhere: a child writing its
# result then fails and ends, instead of waiting for ever on a full pipe.
_READ_ENDS: set = set()


def _child(send: Any, function: Callable[..., Any], args: tuple, stream: bool) -> None:
    for inherited in list(_READ_ENDS):
        inherited.close()
    _READ_ENDS.clear()
    # The cyclic collector would visit, and so copy, every page of the parent's memory
    # that this process shares: what the parent made before the fork is left to it.
    gc.freeze()
    try:
        value = function(*args)
        if stream:
            batch: list = []
            for item in value:
                batch.append(item)
                if len(batch) == _BATCH:
                    send.send(("items", batch))
                    batch = []
            send.send(("items", batch))
            value = None
        message = ("done", value)
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent as text
        message = ("error", traceback.format_exc())
    try:
        send.send(message)
    except BaseException:  # noqa: BLE001 - a result that cannot be pickled
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()
        # Skip the parent's exit handlers (MkDocs' logging, temporary folders).
        os._exit(0)
