"""The console's accounts file, made as an operator makes it: `mamori ui users add` (the
password on stdin) and `mamori ui tokens add` (the token printed alone on a line)."""
import subprocess

from test_context import Paths


class ConsoleAccounts:
    def __init__(self, path):
        self.path = path
        self.passwords = {}

    def add_user(self, name, role, password):
        done = subprocess.run([Paths.mamori, "ui", "users", "add", name, "--role", role, "--accounts", self.path],
                              input=password + "\n", capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"mamori ui users add {name} failed ({done.returncode}): {done.stderr}{done.stdout}")
        self.passwords[name] = password

    def add_token(self, name, role):
        done = subprocess.run([Paths.mamori, "ui", "tokens", "add", name, "--role", role, "--accounts", self.path],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        lines = done.stdout.split()
        if done.returncode != 0 or len(lines) != 1:
            raise AssertionError(f"mamori ui tokens add {name} gave {done.returncode} and no single token line: "
                                 f"{done.stdout!r} {done.stderr!r}")
        return lines[0]


def standard_accounts(path):
    """alice and bob act (analyst), victor only reads (viewer)."""
    accounts = ConsoleAccounts(path)
    accounts.add_user("alice", "analyst", "correct horse battery staple")
    accounts.add_user("bob", "analyst", "bob's long passphrase 42")
    accounts.add_user("victor", "viewer", "victor reads only, 7 words")
    return accounts
