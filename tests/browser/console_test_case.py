"""The base of every console browser test: its own folder, the processes and browsers it
starts stopped even when it fails, and the rule that no test may leave an error in a
browser's console."""
import re
import unittest

from console_accounts import standard_accounts
from test_context import require_browser, test_dir


class ConsoleTestCase(unittest.TestCase):
    uses_browser = True

    def setUp(self):
        if self.uses_browser:
            require_browser(self)
        self.dir = test_dir(self)
        self.browsers = []
        self.expected_console = []  # patterns of SEVERE entries this test causes on purpose
        self.accounts = standard_accounts(f"{self.dir}/accounts")

    def started(self, process):
        """Starts a ConsoleProcess, stopped when the test ends."""
        self.addCleanup(process.stop)
        process.start()
        return process

    def browser(self, server):
        from console_browser import ConsoleBrowser  # selenium only once require_browser passed
        b = ConsoleBrowser(server.url)
        self.addCleanup(b.quit)
        self.browsers.append(b)
        return b

    def signed_in(self, server, user="alice", route="/incidents"):
        b = self.browser(server)
        b.sign_in(user, self.accounts.passwords[user], route)
        return b

    def expect_console(self, pattern):
        """A SEVERE console entry the test causes on purpose: chromium logs every 4xx answer to a
        fetch as an error, also the API's refusal of a wrong password, which the page cannot
        prevent."""
        self.expected_console.append(re.compile(pattern))

    def console_errors(self, b):
        """The SEVERE entries of a browser's console so far, but those the test expects."""
        return [f"{e['level']} {e.get('source', '')}: {e['message']}" for e in b.console_entries()
                if e["level"] == "SEVERE" and not any(p.search(e["message"]) for p in self.expected_console)]

    def tearDown(self):
        errors = []
        for b in self.browsers:
            try:
                errors += self.console_errors(b)
            except Exception as e:  # a browser that died is the test's failure already
                errors.append(f"browser log unreadable: {e}")
        self.assertEqual(errors, [], "errors in the browser console:\n" + "\n".join(errors))
