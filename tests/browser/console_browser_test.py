#!/usr/bin/python3
"""The analysts' console in a real browser (issue 12): Debian's chromium, headless, over
`mamori ui` or a live sensor serving it, the stores made by the real pipeline and read back
with `mamori incidents list` for what the page must show. Each class is one CTest entry.

Run: console_browser_test.py --mamori BIN --demogen BIN --filler BIN --build DIR --source DIR [Class ...]
"""
import json
import os
import re
import sqlite3
import time

try:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
except ImportError:  # each test's require_browser() says so: skipped, or failed under CI
    pass

import test_context
from console_process import ConsoleProcess, console_server, free_port
from console_test_case import ConsoleTestCase
from eve_watcher import EveWatcher
from mamori_runs import demo_run, filled_store, run_capture
from network_namespace import CAPTURE, NetworkNamespace
from pcap_writer import http_exchange, write_pcap
from store_incidents import StoreIncidents
from test_context import Paths, require_root, require_shared

# The demo's incidents as docs/demo.md tells its story: title -> (severity, events).
DEMO_INCIDENTS = {
    "Port scan from 203.0.113.66 to 192.168.10.80": (2, 200),
    "Alerts from 203.0.113.66": (2, 10),
    "Multi-stage intrusion (reconnaissance, exploit, command and control) on 192.168.10.80": (1, 27),
    "Exploit followed by command and control on 192.168.10.80": (2, 25),
    "Alerts from 192.168.10.80": (2, 17),
    "Beaconing from 192.168.10.80 to 198.51.100.77 (dest_port 8080)": (3, 8),
}
INTRUSION = "Multi-stage intrusion (reconnaissance, exploit, command and control) on 192.168.10.80"
SEVERITY_NAMES = {"critical": 1, "high": 2, "medium": 3, "low": 4}

# The live test's capture and the incident the default rules raise on it
# (tests/integration/corpus_incidents_test.cpp): one alert opens it.
LIVE_CAPTURE = "corpus/ndpi/exe_download.pcap"
LIVE_INCIDENT = "Alerts from 144.91.69.195"
LIVE_LIMIT_S = 2.0

XSS_HOST = "<img src=x onerror=alert(1)>"
XSS_AGENT = "<script>document.title='pwned'</script>"
XSS_URI = "/<svg/onload=alert(2)>"
# A rule's message is untrusted text too (a rule author wrote it).
XSS_SIGNATURE = "console xss probe <b id=xss-msg>bold</b>"
XSS_RULE = (f'alert http any any -> any any (msg:"{XSS_SIGNATURE}"; http.host; content:"onerror"; '
            'sid:9000001; rev:1;)\n')


def number(text):
    """The integer a cell shows ("1,234" or "1234 events")."""
    digits = re.sub(r"[^0-9]", "", text or "")
    return int(digits) if digits else None


def severity_of(text):
    """A severity cell's value: its digit, else its name."""
    found = re.search(r"[1-4]", text or "")
    if found:
        return int(found.group())
    names = [v for name, v in SEVERITY_NAMES.items() if name in (text or "").lower()]
    return names[0] if len(names) == 1 else None


class DemoTestCase(ConsoleTestCase):
    """A console over the demo's store and EVE file."""

    def setUp(self):
        super().setUp()
        self.store, self.eve = demo_run(self.dir)
        self.expected = StoreIncidents.load(self.store)
        self.server = self.started(console_server(self.dir, self.store, self.accounts.path, self.eve))

    def key_of(self, title):
        return next(i["key"] for i in self.expected.incidents if i["title"] == title)

    def all_states(self, b):
        """The queue with closed incidents too: the demo's are closed by the capture's end."""
        b.wait(lambda: b.displayed("#incident-table"), "queue")
        b.choose("#filter-state", "all")
        self.wait_rows(b, {i["key"] for i in self.expected.incidents}, "every demo incident")

    def wait_rows(self, b, keys, what, timeout=5.0):
        """Waits until the queue lists exactly `keys` and #incident-total counts them."""
        try:
            b.wait(lambda: {r["key"] for r in b.incident_rows()} == set(keys)
                   and number(b.text("#incident-total")) == len(keys), what, timeout)
        except AssertionError:
            self.fail(f"{what}: the queue lists {sorted(r['key'] for r in b.incident_rows())} "
                      f"(#incident-total {b.text('#incident-total')!r}), the store says {sorted(keys)}")


class SignIn(ConsoleTestCase):
    def test_wrong_password_shows_an_error_and_no_data_and_the_right_one_the_queue(self):
        store = filled_store(self.dir, 30)
        expected = StoreIncidents.load(store)
        server = self.started(console_server(self.dir, store, self.accounts.path))
        b = self.browser(server)
        self.expect_console(r"/api/session - Failed to load resource: the server responded with a status of 401")
        b.open("/signin")
        b.submit_sign_in("alice", "not alice's password")
        error, _ = b.wait(lambda: b.displayed("#signin-error") and b.text("#signin-error"), "#signin-error")
        b.screenshot("signin-error")
        page = b.js("return document.body.textContent")
        self.assertEqual([i["title"] for i in expected.incidents if i["title"] in page], [],
                         "incident data shown without signing in")
        self.assertEqual(b.incident_rows(), [])
        self.assertNotIn("alice", b.text("#whoami") or "")
        self.assertNotIn("mamori_session", [c["name"] for c in b.driver.get_cookies()])
        # A route to the data still gives no data.
        b.go("/incidents")
        time.sleep(0.5)
        self.assertEqual(b.incident_rows(), [], "the queue's route lists incidents without a session")

        b.open("/signin")
        b.submit_sign_in("alice", self.accounts.passwords["alice"])
        b.wait(lambda: "alice" in (b.text("#whoami") or ""), "#whoami naming alice")
        b.go("/incidents")
        open_keys = {i["key"] for i in expected.select(state="open")}
        self.assertEqual(len(open_keys), 30)
        b.wait(lambda: {r["key"] for r in b.incident_rows()} == open_keys, "the 30 open incidents in the queue")
        self.assertEqual(number(b.text("#incident-total")), 30)


class DemoQueue(DemoTestCase):
    def test_the_demo_incidents_are_listed_with_the_right_titles_and_counts(self):
        self.assertEqual({i["title"]: (i["severity"], i["events"]) for i in self.expected.incidents}, DEMO_INCIDENTS,
                         "the store holds the demo's story (docs/demo.md)")
        b = self.signed_in(self.server)
        self.all_states(b)
        by_key = self.expected.by_key()
        for row in b.incident_rows():
            inc = by_key[row["key"]]
            cells = row["cells"]
            self.assertEqual(row["title"], inc["title"], row["key"])
            self.assertEqual(severity_of(cells.get("severity")), inc["severity"], f"{inc['title']}: {cells}")
            self.assertEqual(number(cells.get("events")), inc["events"], f"{inc['title']}: {cells}")
            self.assertIn(inc["state"], cells.get("state", ""), inc["title"])
        counts = StoreIncidents.counts(self.expected.incidents)
        for severity, n in counts.items():
            self.assertEqual(number(b.text(f"#count-sev-{severity}")), n, f"#count-sev-{severity}")
        self.assertEqual(number(b.text("#incident-total")), 6)
        b.screenshot("queue")

        # The intrusion's page tells its story.
        key = self.key_of(INTRUSION)
        b.element(f'#incident-table tbody tr[data-key="{key}"] td[data-col=title] a').click()
        b.wait(lambda: b.text("#incident-title") == INTRUSION, "the intrusion's page")
        self.assertIn("multi_stage_intrusion", b.text("#incident-rule"))
        for tactic in ("TA0001", "TA0002", "TA0011", "TA0043"):
            self.assertIn(tactic, b.text("#incident-tactics"))
        for host in ("192.168.10.80", "203.0.113.66", "198.51.100.77"):
            self.assertIn(host, b.text("#incident-hosts"))
        self.assertEqual(severity_of(b.text("#incident-severity")), 1)
        timeline = b.js("return Array.from(document.querySelectorAll('#timeline li')).map(li => li.textContent)")
        self.assertGreaterEqual(len(timeline), 27, "every alert of the intrusion is on its timeline")
        for signature in by_key[key]["signatures"]:
            self.assertTrue(any(signature in item for item in timeline), f"{signature} not on the timeline")
        b.screenshot("incident")


class Filters(DemoTestCase):
    def test_filters_and_sorting_give_the_rows_the_store_does(self):
        b = self.signed_in(self.server)
        self.all_states(b)
        every = self.expected.select(state="all")
        cases = [
            ("#filter-severity", "2", {"severity": {2}}),
            ("#filter-host", "198.51.100.77", {"host": "198.51.100.77"}),
            ("#filter-host", "203.0.113.66", {"host": "203.0.113.66"}),
            ("#filter-rule", "alerts_by_host", {"rule": "alerts_by_host"}),
            ("#filter-q", "beacon", {"q": "beacon"}),
            ("#filter-q", "CVE-2021-41773", {"q": "CVE-2021-41773"}),
        ]
        for css, value, selection in cases:
            keys = {i["key"] for i in self.expected.select(state="all", **selection)}
            self.assertTrue(0 < len(keys) < len(every), f"{css}={value} selects some, not all: {keys}")
            if css == "#filter-severity":
                b.choose(css, value)
            else:
                b.type_into(css, value)
            self.wait_rows(b, keys, f"{css} {value}")
            # Counts per severity ignore the severity filter, and count every other one.
            shown = self.expected.select(state="all", **{k: v for k, v in selection.items() if k != "severity"})
            for severity, n in StoreIncidents.counts(shown).items():
                self.assertEqual(number(b.text(f"#count-sev-{severity}")), n, f"#count-sev-{severity} with {css}")
            if css == "#filter-severity":
                b.choose(css, "")  # "any"
            else:
                b.type_into(css, "")
            self.wait_rows(b, {i["key"] for i in every}, f"every incident again after clearing {css}")
        b.choose("#filter-state", "open")
        self.wait_rows(b, {i["key"] for i in self.expected.select(state="open")}, "open incidents only")
        b.choose("#filter-state", "all")

        for field in ("events", "title", "severity", "first_seen", "last_seen"):
            self.assertEqual({self.sort_once(b, every, field) for _ in range(2)}, {"asc", "desc"},
                             f"clicking {field} twice sorts both ways")
        b.screenshot("queue-sorted")


    def sort_once(self, b, every, field):
        """Clicks the field's column head, waits for its aria-sort to turn, checks that the rows
        come in that order (the store's values sorted, whatever order ties take); returns it."""
        def aria():
            return b.js("return document.querySelector(arguments[0]).getAttribute('aria-sort')",
                        f'th[data-sort="{field}"]')

        def shown():
            rows = b.incident_rows()
            if field == "title":
                return [r["title"] for r in rows]
            if field in ("first_seen", "last_seen"):
                return [r["tips"].get(field) for r in rows]  # the full timestamp
            convert = severity_of if field == "severity" else number
            return [convert(r["cells"].get(field)) for r in rows]

        before = aria()
        b.element(f'th[data-sort="{field}"]').click()
        after, _ = b.wait(lambda: (lambda a: a if a in ("ascending", "descending") and a != before else None)(aria()),
                          f"aria-sort on {field} turning from {before}")
        order = "asc" if after == "ascending" else "desc"
        expected = StoreIncidents.sort_values(every, field, order)
        if field == "severity":  # descending is most severe first: severity 1 first
            expected.reverse()
        try:
            b.wait(lambda: shown() == expected, f"rows sorted by {field} {order}")
        except AssertionError:
            self.fail(f"sorted by {field} ({after}) the queue shows {shown()}, the store gives {expected}")
        return order


class FilterOnEnter(DemoTestCase):
    def test_enter_applies_a_text_filter_at_once(self):
        b = self.signed_in(self.server)
        self.all_states(b)
        keys = {i["key"] for i in self.expected.select(state="all", host="198.51.100.77")}
        # The value set without input events, so that only Enter can apply it: the contract
        # applies a text filter on Enter, not only 300 ms after the last keystroke.
        b.js("document.getElementById('filter-host').value = '198.51.100.77'")
        b.element("#filter-host").send_keys(Keys.ENTER)
        self.wait_rows(b, keys, "the host filter applied by Enter", timeout=2.0)


class SharedActions(DemoTestCase):
    def test_an_acknowledgement_shows_in_a_second_session_and_survives_a_restart(self):
        key = self.key_of(INTRUSION)
        sensor, incident_id = key.split("/", 1)
        alice = self.signed_in(self.server, "alice", f"/incident/{key}")
        alice.wait(lambda: alice.text("#incident-title") == INTRUSION, "the intrusion's page")
        bob = self.signed_in(self.server, "bob")
        self.all_states(bob)
        row = f'#incident-table tbody tr[data-key="{key}"] td[data-col=triage]'
        self.assertNotIn("acknowledged", bob.text(row))

        alice.element("#action-acknowledge").click()
        _, seconds = bob.wait(lambda: "acknowledged" in (bob.text(row) or ""), "the acknowledgement in bob's queue")
        print(f"acknowledgement seen by a second session after {seconds:.3f} s")
        self.assertLessEqual(seconds, 2.0)
        alice.wait(lambda: "acknowledged" in (alice.text("#incident-triage") or ""), "acknowledged on alice's page")
        bob.screenshot("queue-acknowledged")

        # It is in the store: the stopped server's file names the action and who took it.
        for b in (alice, bob):
            self.assertEqual(self.console_errors(b), [], "console errors before the restart")
        self.server.stop()
        self.assertTrue(self.stored_action(incident_id, "alice", "acknowledge"),
                        f"no row of {self.store} names alice acknowledging incident {incident_id}")
        self.server.start()
        bob.open(f"/incident/{key}")
        bob.wait(lambda: bob.displayed("#incident-title") or bob.displayed("#signin-user"), "a page after the restart")
        if bob.displayed("#signin-user"):
            print("the restart ended bob's session: signing in again")
            bob.sign_in("bob", self.accounts.passwords["bob"], f"/incident/{key}")
        bob.wait(lambda: bob.text("#incident-title") == INTRUSION, "the intrusion's page after the restart")
        for b in (alice, bob):
            for entry in b.forgive_network_errors():
                print(f"while the server restarted: {entry['message']}")
        bob.wait(lambda: "acknowledged" in (bob.text("#incident-triage") or ""), "acknowledged after the restart")
        history = bob.js("return Array.from(document.querySelectorAll('#history li')).map(li => li.textContent)")
        self.assertTrue(any("alice" in h and "acknowledge" in h.lower() for h in history),
                        f"the history lists alice's acknowledgement: {history}")
        bob.screenshot("incident-history")

    def stored_action(self, incident_id, user, action):
        """Whether some row of the store's file names the incident, the user and the action:
        read with SQLite itself, whatever the table is called."""
        db = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True)
        try:
            tables = [t for (t,) in db.execute("select name from sqlite_master where type = 'table'")]
            for table in tables:
                for row in db.execute(f'select * from "{table}"'):
                    text = [str(v) for v in row]
                    joined = " ".join(text)
                    if (incident_id in text or f'"{incident_id}"' in joined) and user in joined and action in joined:
                        return True
            return False
        finally:
            db.close()


class Live(ConsoleTestCase):
    def test_a_replayed_capture_makes_its_incident_appear_in_an_open_page_within_2s(self):
        require_shared(self)
        require_root(self)
        pcap = os.path.join(Paths.shared(), LIVE_CAPTURE)
        self.enterContext(NetworkNamespace())  # left after the browser and the sensor are stopped
        store, eve, port, metrics = f"{self.dir}/incidents.db", f"{self.dir}/eve.json", free_port(), free_port()
        sensor = self.started(ConsoleProcess(
            [Paths.mamori, "run", "--interface", CAPTURE, "--workers", "1", "--store", store, "--eve", eve,
             "--ui", f"127.0.0.1:{port}", "--ui-accounts", self.accounts.path, "--metrics", f"127.0.0.1:{metrics}"],
            port, f"{self.dir}/sensor.log"))
        b = self.signed_in(sensor)
        b.wait(lambda: b.displayed("#incident-table"), "the queue")
        self.assertEqual(b.incident_rows(), [])
        # Marks the page (a reload would lose the mark) and notes when a row first appears.
        b.js("""window.liveMark = 'unreloaded';
                new MutationObserver(() => {
                  const row = document.querySelector('#incident-table tbody tr[data-key]');
                  if (row && !window.firstRow) window.firstRow = {at: Date.now(), key: row.dataset.key};
                }).observe(document.body, {childList: true, subtree: true});""")
        watcher = EveWatcher(eve, '"event_type":"incident"')
        watcher.start()
        self.addCleanup(watcher.stop)
        NetworkNamespace.replay(pcap, 2000)
        record, _ = b.wait(lambda: watcher.found, "an incident record in the sensor's EVE file", timeout=60)
        first, _ = b.wait(lambda: b.js("return window.firstRow"), "the incident's row in the open page",
                          timeout=LIVE_LIMIT_S + 10)
        seconds = first["at"] / 1000 - watcher.found_at
        print(f"incident row shown {seconds:.3f} s after its record reached the EVE file")
        self.assertLessEqual(seconds, LIVE_LIMIT_S)
        self.assertEqual(b.js("return window.liveMark"), "unreloaded", "the page reloaded")
        rows = b.incident_rows()
        self.assertEqual([r["title"] for r in rows], [LIVE_INCIDENT])
        self.assertIn("new", rows[0]["classes"], "a row that appeared live is marked new")
        self.assertIn(LIVE_INCIDENT, record)
        b.screenshot("queue-live")


class Xss(ConsoleTestCase):
    def test_a_hostile_http_host_shows_as_text_and_runs_nothing(self):
        request = (f"GET {XSS_URI} HTTP/1.1\r\nHost: {XSS_HOST}\r\nUser-Agent: {XSS_AGENT}\r\n"
                   "Accept: */*\r\n\r\n").encode()
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok"
        pcap, rules = f"{self.dir}/xss.pcap", f"{self.dir}/xss.rules"
        write_pcap(pcap, http_exchange("10.0.0.5", "192.0.2.80", request, answer))
        with open(rules, "w") as f:
            f.write(XSS_RULE)
        store, eve = f"{self.dir}/incidents.db", f"{self.dir}/eve.json"
        run_capture(pcap, store, eve, ["--rules", rules])
        with open(eve) as f:
            self.assertIn('"signature_id":9000001', f.read().replace(" ", ""), "the probe rule alerted")
        server = self.started(console_server(self.dir, store, self.accounts.path, eve))
        b = self.signed_in(server, route="/alerts")
        rows, _ = b.wait(lambda: b.rows("#alert-table tbody tr"), "the alert in #alert-table")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["cells"].get("app"), XSS_HOST, "the app cell shows the Host header as text")
        self.assertIn(XSS_SIGNATURE, b.text("#alert-table tbody tr"), "the signature shows as text")
        self.assertEqual(b.js("return document.querySelectorAll('#alert-table img').length"), 0)
        b.screenshot("alerts-xss")
        self.assert_nothing_ran(b)
        b.element("#alert-table tbody tr td[data-col=flow] a").click()
        records, _ = b.wait(lambda: b.displayed("#flow-records") and b.text("#flow-records"), "#flow-records")
        for literal in (XSS_HOST, XSS_AGENT, XSS_URI):
            self.assertIn(literal, records, "the flow's http record shows it as text")
        self.assertEqual(b.js("return document.querySelectorAll('#flow-records img, #flow-records svg').length"), 0)
        b.screenshot("flow-xss")
        self.assert_nothing_ran(b)
        b.element("#flow-close").click()
        b.wait(lambda: not b.displayed("#flow-records"), "the flow drawer closed")
        # The incident the alert raised shows the same text as text.
        incident = b.element("#alert-table tbody tr td[data-col=incident] a")
        incident.click()
        b.wait(lambda: b.text("#incident-title"), "the alert's incident")
        b.wait(lambda: XSS_SIGNATURE in b.js("return document.body.textContent"),
               "the incident's signature shown as text")
        b.screenshot("incident-xss")
        self.assert_nothing_ran(b)

    def assert_nothing_ran(self, b):
        try:
            dialog = b.driver.switch_to.alert.text
            self.fail(f"a JavaScript dialog opened: {dialog!r}")
        except NoAlertPresentException:
            pass
        self.assertNotIn("pwned", b.js("return document.title"))
        self.assertTrue(b.js("return document.title").endswith("mamori"), b.js("return document.title"))
        self.assertEqual(b.js("return document.querySelectorAll('img[src=x], [onerror], [onload], #xss-msg')"
                              ".length"), 0, "markup from traffic or a rule became elements")


class KeyboardOnly(ConsoleTestCase):
    def test_from_sign_in_to_acknowledging_an_incident_with_keys_alone(self):
        store = filled_store(self.dir, 30)
        expected = StoreIncidents.load(store)
        target = next(i for i in expected.incidents if i["rule"] == "alerts_by_host")
        server = self.started(console_server(self.dir, store, self.accounts.path))
        b = self.browser(server)
        b.open("/signin")
        b.wait(lambda: b.displayed("#signin-user"), "sign-in form")
        keys = ActionChains(b.driver)

        def focused():
            return b.js("const e = document.activeElement; return e ? (e.id || e.getAttribute('href') || "
                        "e.tagName) : null")

        def tab_to(is_target, what, limit=80):
            for _ in range(limit):
                if is_target():
                    return
                ActionChains(b.driver).send_keys(Keys.TAB).perform()
            self.fail(f"{limit} Tabs never reached {what}; focus on {focused()}")

        tab_to(lambda: focused() == "signin-user", "#signin-user")
        keys.send_keys("alice", Keys.TAB).perform()
        self.assertEqual(focused(), "signin-password", "Tab from the user goes to the password")
        ActionChains(b.driver).send_keys(self.accounts.passwords["alice"], Keys.ENTER).perform()
        b.wait(lambda: "alice" in (b.text("#whoami") or ""), "signed in by Enter")
        b.wait(lambda: b.displayed("#incident-table") and b.incident_rows(), "the queue after signing in")

        ActionChains(b.driver).send_keys("/").perform()
        self.assertEqual(focused(), "filter-q", "/ focuses the free text filter")
        ActionChains(b.driver).send_keys(target["title"], Keys.ENTER).perform()
        keys = {i["key"] for i in expected.select(state="open", q=target["title"])}
        b.wait(lambda: {r["key"] for r in b.incident_rows()} == keys, f"the queue narrowed to {target['title']}")
        link = f'#incident-table tbody tr[data-key="{target["key"]}"] td[data-col=title] a'
        tab_to(lambda: b.js("return document.activeElement === document.querySelector(arguments[0])", link),
               "the incident's title link")
        ActionChains(b.driver).send_keys(Keys.ENTER).perform()
        b.wait(lambda: b.text("#incident-title") == target["title"], "the incident's page opened by Enter")
        tab_to(lambda: focused() == "action-acknowledge", "#action-acknowledge")
        ActionChains(b.driver).send_keys(Keys.ENTER).perform()
        b.wait(lambda: "acknowledged" in (b.text("#incident-triage") or ""), "acknowledged by Enter")
        b.screenshot("incident-keyboard")
        ActionChains(b.driver).send_keys(Keys.ESCAPE).perform()
        b.wait(lambda: b.displayed("#incident-table") and not b.displayed("#incident-title"),
               "the queue again after Escape")
        cell = f'#incident-table tbody tr[data-key="{target["key"]}"] td[data-col=triage]'
        b.wait(lambda: "acknowledged" in (b.text(cell) or ""), "the queue row acknowledged")


class DemoViews(DemoTestCase):
    def eve_alerts_by_sid(self):
        """The demo's alerts per signature id, counted in its EVE file."""
        counts = {}
        with open(self.eve) as f:
            for line in f:
                record = json.loads(line)
                if record.get("event_type") == "alert":
                    sid = str(record["alert"]["signature_id"])
                    counts[sid] = counts.get(sid, 0) + 1
        return counts

    def test_every_view_shows_the_demo_and_fits_1280x800_without_horizontal_scroll(self):
        b = self.browser(self.server)
        b.open("/signin")
        b.wait(lambda: b.displayed("#signin-user"), "sign-in form")
        widths = {"signin": b.scroll_width()}
        b.screenshot("signin")
        b.sign_in("alice", self.accounts.passwords["alice"])
        self.all_states(b)
        widths["queue"] = b.scroll_width()
        key = self.key_of(INTRUSION)
        b.go(f"/incident/{key}")
        b.wait(lambda: b.text("#incident-title") == INTRUSION, "the intrusion's page")
        b.wait(lambda: b.elements("#timeline li"), "the intrusion's timeline")
        widths["incident"] = b.scroll_width()
        b.screenshot("incident-page")

        by_sid = self.eve_alerts_by_sid()
        b.go("/alerts")
        b.wait(lambda: len(b.elements("#alert-table tbody tr")) == sum(by_sid.values()), "the demo's 27 alerts")
        alerts = b.js("""return Array.from(document.querySelectorAll('#alert-table tbody tr')).map(tr => ({
            ts: tr.querySelector('td[data-col=time]').title,
            incident: (tr.querySelector('td[data-col=incident] a') || {}).textContent || null,
            flow: !!tr.querySelector('td[data-col=flow] a')}))""")
        times = [a["ts"] for a in alerts]
        self.assertEqual(times, sorted(times, reverse=True), "alerts newest first")
        self.assertEqual([a for a in alerts if a["incident"] not in self.expected.by_key() or not a["flow"]], [],
                         "every demo alert links to its incident and its flow")
        widths["alerts"] = b.scroll_width()
        b.screenshot("alerts")
        b.element("#alert-table tbody tr td[data-col=flow] a").click()
        b.wait(lambda: b.displayed("#flow-records") and b.text("#flow-records"), "#flow-records")
        widths["flow"] = b.scroll_width()
        b.screenshot("flow")

        b.go("/sensors")
        sensor = self.expected.incidents[0]["sensor"]
        b.wait(lambda: b.elements(f'#sensor-table tbody tr[data-sensor="{sensor}"]'), f"the demo's sensor {sensor}")
        widths["sensors"] = b.scroll_width()
        b.screenshot("sensors")
        b.go("/rules")
        shown, _ = b.wait(lambda: b.js("""return Object.fromEntries(Array.from(
            document.querySelectorAll('#signature-table tbody tr[data-sid]')).map(tr =>
            [tr.dataset.sid, tr.querySelector('td[data-col=alerts]').textContent]))"""), "the signatures' alert counts")
        self.assertEqual({sid: number(n) for sid, n in shown.items()}, by_sid, "alerts per signature")
        widths["rules"] = b.scroll_width()
        b.screenshot("rules")
        print("scrollWidth at 1280x800: " + ", ".join(f"{view} {w}" for view, w in widths.items()))
        self.assertEqual({view: w for view, w in widths.items() if w > 1280}, {}, "views wider than 1280")


if __name__ == "__main__":
    test_context.main()
