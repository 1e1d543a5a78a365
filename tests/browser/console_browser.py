"""One analyst's browser on the console: Debian's chromium, headless, driven by chromedriver
through selenium, its viewport 1280x800 and its console log recorded. Its own profile, so two
ConsoleBrowsers are two sessions (two cookie jars)."""
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_context import CHROMEDRIVER, CHROMIUM, Paths

WIDTH, HEIGHT = 1280, 800

# Every row of a table as {key, sensor, classes, cells: {data-col: text}}: one round trip
# rather than one per cell, so reading a page of 200 rows does not take seconds.
ROWS_SCRIPT = """
return Array.from(document.querySelectorAll(arguments[0])).map(tr => ({
  key: tr.dataset.key || null, sensor: tr.dataset.sensor || null, classes: Array.from(tr.classList),
  cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]')).map(td => [td.dataset.col, td.textContent.trim()]))
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
        field = self.element(css)
        field.clear()
        field.send_keys(text + ("\n" if enter else ""))

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

    def heap_bytes(self):
        """The JS heap in use after a full garbage collection (chromium's performance.memory)."""
        self.driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        return self.js("return performance.memory.usedJSHeapSize")

    def dom_nodes(self):
        return self.js("return document.getElementsByTagName('*').length")

    def scroll_width(self):
        return self.js("return document.documentElement.scrollWidth")
