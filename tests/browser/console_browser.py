"""One analyst's browser on the console: Debian's chromium, headless, driven by chromedriver
through selenium, its viewport 1280x800 and its console log recorded. Its own profile, so two
ConsoleBrowsers are two sessions (two cookie jars)."""
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from test_context import CHROMEDRIVER, CHROMIUM, Paths

WIDTH, HEIGHT = 1280, 800

# Every row of a table as {key, sensor, classes, title, cells: {data-col: text}, tips:
# {data-col: tooltip}} (title: the text of the title cell's link, without the marks beside it;
# a tooltip holds what a cell shortens, a time's full timestamp): one round trip rather than
# one per cell, so reading a page of 200 rows does not take seconds.
ROWS_SCRIPT = """
return Array.from(document.querySelectorAll(arguments[0])).map(tr => ({
  key: tr.dataset.key || null, sensor: tr.dataset.sensor || null, classes: Array.from(tr.classList),
  title: (tr.querySelector('td[data-col=title] a') || {}).textContent || null,
  cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]')).map(td => [td.dataset.col, td.textContent.trim()])),
  tips: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col][title]')).map(td => [td.dataset.col, td.title]))
}));"""


class ConsoleBrowser:
    def __init__(self, base_url):
        self.base_url = base_url
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                    f"--window-size={WIDTH},{HEIGHT}", "--enable-precise-memory-info"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        # The viewport itself is 1280x800, not the window around it.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.log = []  # every browser console entry so far
        self.forgiven = []  # network errors a test caused on purpose (it stopped the server)

    def quit(self):
        self.driver.quit()

    # Navigation and reading.
    def open(self, route):
        """Loads the page afresh at a hash route ("/incidents")."""
        self.driver.get(f"{self.base_url}/#{route}")

    def go(self, route):
        """Moves to a hash route within the loaded page, as a link does (no reload)."""
        self.driver.execute_script("location.hash = arguments[0]", route)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def element(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def elements(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        found = self.elements(css)
        return found[0].text.strip() if found else None

    def displayed(self, css):
        return any(e.is_displayed() for e in self.elements(css))

    def rows(self, css):
        return self.js(ROWS_SCRIPT, css)

    def incident_rows(self):
        return self.rows("#incident-table tbody tr[data-key]")

    def wait(self, condition, what, timeout=10.0):
        """Polls `condition` (a callable) every 20 ms until it gives something true; returns
        (that value, seconds it took); fails naming `what` after `timeout`."""
        start = time.monotonic()
        while True:
            value = condition()
            if value:
                return value, time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise AssertionError(f"no {what} within {timeout} s (at {self.driver.current_url})")
            time.sleep(0.02)

    # Acting.
    def type_into(self, css, text, enter=True):
        """Replaces a field's text as a user does, with keys (so the page hears every input
        event), then presses Enter."""
        field = self.element(css)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.BACKSPACE)
        field.send_keys(text + (Keys.ENTER if enter else ""))

    def choose(self, css, value):
        Select(self.element(css)).select_by_value(value)

    def submit_sign_in(self, user, password):
        """Fills the sign-in form, which must be showing, and submits it."""
        self.wait(lambda: self.displayed("#signin-user"), "sign-in form")
        self.type_into("#signin-user", user, enter=False)
        self.type_into("#signin-password", password, enter=False)
        self.element("#signin-submit").click()

    def sign_in(self, user, password, route="/incidents"):
        """Signs in from a fresh page, then goes to `route` (None: stays where the page goes)."""
        self.open("/signin")
        self.submit_sign_in(user, password)
        self.wait(lambda: user in (self.text("#whoami") or ""), f"#whoami naming {user} after signing in")
        if route:
            self.go(route)

    # Measuring.
    def screenshot(self, name):
        self.driver.save_screenshot(os.path.join(Paths.screenshots(), name + ".png"))

    def console_entries(self):
        """Every console entry so far (chromedriver hands each out once, so they are kept)."""
        self.log += self.driver.get_log("browser")
        return self.log

    def forgive_network_errors(self):
        """The network errors logged so far are the test's doing (it stopped the server the
        page was talking to): set aside, not counted as the page's errors. Others stay."""
        entries = self.console_entries()
        self.forgiven += [e for e in entries if e.get("source") == "network"]
        self.log = [e for e in entries if e.get("source") != "network"]
        return self.forgiven

    def heap_bytes(self):
        """The JS heap in use after a full garbage collection (chromium's performance.memory)."""
        self.driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        return self.js("return performance.memory.usedJSHeapSize")

    def dom_nodes(self):
        return self.js("return document.getElementsByTagName('*').length")

    def scroll_width(self):
        return self.js("return document.documentElement.scrollWidth")
