"""Appends EVE alert records to a file at a steady rate from a thread of its own, as a busy
sensor's EVE output grows while `mamori ui --eve FILE` follows it. Each alert is a copy of a
real one (a template mamori wrote) with its own time, flow and source address, so the newest
one written can be recognised on the page."""
import copy
import datetime
import json
import threading
import time


def eve_time(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def source_of(n):
    """The source address of alert n: unique for the first 64,000 alerts (198.19.A.B is alert
    A * 250 + B - 1)."""
    return f"198.19.{n // 250 % 256}.{1 + n % 250}"


class EveAlertStream(threading.Thread):
    def __init__(self, path, template, per_second, seconds):
        super().__init__(daemon=True)
        self.path, self.template, self.per_second, self.seconds = path, template, per_second, seconds
        self.written = 0
        self._done = threading.Event()

    def alert(self, n):
        record = copy.deepcopy(self.template)
        record["timestamp"] = eve_time(time.time())
        record["flow_id"] = 1_000_000_000 + n
        record["src_ip"] = source_of(n)
        record["alert"]["id"] = 1_000_000_000 + n
        record.pop("tx_id", None)
        return json.dumps(record, separators=(",", ":"))  # compact, as mamori writes EVE

    def run(self):
        # Ten bursts a second, each one write() of whole lines, so a follower never sees half a line.
        tick, burst = 0.1, max(1, self.per_second // 10)
        start = time.monotonic()
        with open(self.path, "a") as eve:
            while not self._done.is_set() and time.monotonic() - start < self.seconds:
                eve.write("".join(self.alert(self.written + i) + "\n" for i in range(burst)))
                eve.flush()
                self.written += burst
                self._done.wait(max(0.0, start + (self.written / burst) * tick - time.monotonic()))

    def stop(self):
        self._done.set()
        self.join()
