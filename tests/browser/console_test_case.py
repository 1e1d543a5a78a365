"""The base of every console browser test: its own folder, the processes and browsers it
starts stopped even when it fails, and the rule that no test may leave an error in a
browser's console."""
import re
import unittest

from console_accounts import standard_accounts
from test_context import require_browser, test_dir

# The API answers GET /api/session with 401 when nobody is signed in, and POST /api/session
# with 401 for a wrong password (docs/console-api.md); chromium logs every 4xx answer to a
# fetch as an error in the console, which the page cannot prevent. Those two are the
# contract's own answers, not the page's errors; anything else SEVERE fails the test.
CONTRACT_ANSWERS = re.compile(r"/api/session - Failed to load resource: the server responded with a status of 401")


class ConsoleTestCase(unittest.TestCase):
    uses_browser = True

    def setUp(self):
        if self.uses_browser:
            require_browser(self)
        self.dir = test_dir(self)
        self.browsers = []
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

    @staticmethod
    def console_errors(b):
        """The SEVERE entries of a browser's console so far, but the contract's own answers."""
        return [f"{e['level']} {e.get('source', '')}: {e['message']}" for e in b.console_entries()
                if e["level"] == "SEVERE" and not CONTRACT_ANSWERS.search(e["message"])]

    def tearDown(self):
        errors = []
        for b in self.browsers:
            try:
                errors += self.console_errors(b)
            except Exception as e:  # a browser that died is the test's failure already
                errors.append(f"browser log unreadable: {e}")
        self.assertEqual(errors, [], "errors in the browser console:\n" + "\n".join(errors))
