"""Watches an EVE file that a sensor writes, from a thread of its own, for the first line holding
a text (an incident record), and notes the wall time it got there: the moment a page showing
that record is measured from."""
import os
import threading
import time


class EveWatcher(threading.Thread):
    """Notes the wall time at which a line holding `needle` first reaches a file."""

    def __init__(self, path, needle):
        super().__init__(daemon=True)
        self.path, self.needle = path, needle
        self.found, self.found_at = None, None
        self._done = threading.Event()

    def run(self):
        offset, pending = 0, ""
        while not self._done.is_set() and self.found is None:
            if os.path.exists(self.path):
                with open(self.path, errors="replace") as f:
                    f.seek(offset)
                    chunk = f.read()
                    offset = f.tell()
                now = time.time()
                pending += chunk
                lines = pending.split("\n")
                pending = lines.pop()
                for line in lines:
                    if self.needle in line.replace(" ", ""):
                        self.found_at, self.found = now, line
                        return
            self._done.wait(0.01)

    def stop(self):
        self._done.set()
        self.join()
