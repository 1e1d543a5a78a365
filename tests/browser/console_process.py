"""A mamori process serving the console on 127.0.0.1 (`mamori ui`, or a sensor given --ui):
started with its output in a log, ready once the page is served, stopped with SIGINT as an
operator stops it, and restartable on the same port with the same arguments."""
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from test_context import Paths


def free_port():
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ConsoleProcess:
    def __init__(self, argv, port, log):
        self.argv, self.port, self.log = argv, port, log
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=20):
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{' '.join(self.argv)} exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.1)
        raise AssertionError(f"{' '.join(self.argv)} served no page on {self.url} within {timeout} s:\n{self.log_text()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"{' '.join(self.argv)} did not stop within 15 s of SIGINT")

    def restart(self):
        self.stop()
        self.start()

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-4000:]


def console_server(directory, store, accounts, eve=None, extra=()):
    """`mamori ui` over `store` (and the records of `eve`), on a port of its own."""
    port = free_port()
    argv = [Paths.mamori, "ui", "--store", store, "--listen", f"127.0.0.1:{port}", "--accounts", accounts]
    if eve:
        argv += ["--eve", eve]
    argv += list(extra)
    return ConsoleProcess(argv, port, f"{directory}/ui.log")
