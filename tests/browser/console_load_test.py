#!/usr/bin/python3
"""The console stays usable with 10,000 incidents in the store and 100 alerts a second
streaming in (issue 12): measured in the browser, printed for the issue's note, and held to
bounds an analyst would notice past.

Run: console_load_test.py --mamori BIN --demogen BIN --filler BIN --build DIR --source DIR [Class ...]
"""
import json
import re
import time

import test_context
from console_process import console_server
from console_test_case import ConsoleTestCase
from eve_alert_stream import EveAlertStream, source_of
from mamori_runs import filled_store, run_capture
from pcap_writer import http_exchange, write_pcap
from store_incidents import StoreIncidents

INCIDENTS = 10000
ALERTS_PER_S, STREAM_S = 100, 20
RENDER_LIMIT_S = 3.0      # the queue's first page after loading the page
FILTER_LIMIT_S = 2.0      # a filter applied while alerts stream
HEAP_GROWTH_LIMIT = 50 * 1024 * 1024
ALERT_ROWS_LIMIT = 1000   # the most /api/alerts hands out: a table growing past it grows forever
DOM_NODES_LIMIT = 50000
NEWEST_ALERT_LIMIT_S = 2.0
TEMPLATE_RULE = ('alert http any any -> any any (msg:"console load test"; http.host; content:"load.example"; '
                 'sid:9000002; rev:1;)\n')


def alert_template(test):
    """A real alert record: mamori's own over one HTTP request that a test rule matches."""
    request = b"GET /status HTTP/1.1\r\nHost: load.example\r\nUser-Agent: load-test\r\n\r\n"
    answer = b"HTTP/1.1 204 No Content\r\n\r\n"
    pcap, rules = f"{test.dir}/template.pcap", f"{test.dir}/template.rules"
    write_pcap(pcap, http_exchange("10.2.0.9", "192.0.2.90", request, answer))
    with open(rules, "w") as f:
        f.write(TEMPLATE_RULE)
    run_capture(pcap, f"{test.dir}/template.db", f"{test.dir}/template.json", ["--rules", rules])
    with open(f"{test.dir}/template.json") as f:
        alerts = [json.loads(line) for line in f if '"alert"' in line]
    alerts = [a for a in alerts if a.get("event_type") == "alert"]
    test.assertEqual(len(alerts), 1, "the template rule alerts once")
    return alerts[0]


def streamed_numbers(b):
    """The stream's numbers (EveAlertStream) of the alerts in the table, top to bottom."""
    sources = b.js("return Array.from(document.querySelectorAll('#alert-table tbody td[data-col=endpoints]'))"
                   ".map(td => td.textContent)")
    numbers = []
    for text in sources:
        found = re.match(r"198\.19\.(\d+)\.(\d+)", text)
        if found:
            numbers.append(int(found.group(1)) * 250 + int(found.group(2)) - 1)
    return numbers


class Load(ConsoleTestCase):
    def test_10000_incidents_and_100_alerts_per_second_stay_usable(self):
        store = filled_store(self.dir, INCIDENTS)
        expected = StoreIncidents.load(store)
        self.assertEqual(len(expected.select(state="open")), INCIDENTS)
        eve = f"{self.dir}/eve.json"
        open(eve, "w").close()
        server = self.started(console_server(self.dir, store, self.accounts.path, eve))
        b = self.signed_in(server, route=None)
        figures = {}

        start = time.monotonic()
        b.open("/incidents")
        rows, _ = b.wait(lambda: b.incident_rows(), "the queue's first page", timeout=30)
        figures["queue first render s"] = time.monotonic() - start
        b.wait(lambda: b.text("#incident-total") and int("".join(c for c in b.text("#incident-total") if c.isdigit()))
               == INCIDENTS, "#incident-total 10000")
        figures["queue rows on a page"] = len(rows)
        counts = StoreIncidents.counts(expected.incidents)
        for severity, n in counts.items():
            shown = "".join(c for c in b.text(f"#count-sev-{severity}") if c.isdigit())
            self.assertEqual(int(shown or -1), n, f"#count-sev-{severity}")
        page1 = {r["key"] for r in rows}
        b.element("#page-next").click()
        page2, _ = b.wait(lambda: (lambda keys: keys if keys and not keys & page1 else None)(
            {r["key"] for r in b.incident_rows()}), "the second page")
        self.assertTrue(page2 <= set(expected.by_key()), "page two lists stored incidents")
        b.element("#page-prev").click()
        b.wait(lambda: {r["key"] for r in b.incident_rows()} == page1, "the first page again")
        b.screenshot("queue-10000")
        figures["heap at start MB"] = b.heap_bytes() / 2**20
        figures["DOM nodes at start"] = b.dom_nodes()

        stream = EveAlertStream(eve, alert_template(self), ALERTS_PER_S, STREAM_S)
        stream.start()
        self.addCleanup(stream.stop)
        streaming_since = time.monotonic()
        time.sleep(3)
        for field, value, selection in (("#filter-host", "10.1.3.20", {"host": "10.1.3.20"}),
                                        ("#filter-q", "t42.example", {"q": "t42.example"})):
            keys = {i["key"] for i in expected.select(state="open", **selection)}
            self.assertTrue(0 < len(keys) < 200, f"{value} selects a page's worth: {len(keys)}")
            start = time.monotonic()
            b.type_into(field, value)
            try:
                b.wait(lambda: {r["key"] for r in b.incident_rows()} == keys, f"the queue filtered by {value}",
                       timeout=15)
            except AssertionError:
                self.fail(f"{field} {value}: the queue lists {len(b.incident_rows())} rows, the store {len(keys)}")
            figures[f"filter {field} s"] = time.monotonic() - start
            b.type_into(field, "")
            b.wait(lambda: {r["key"] for r in b.incident_rows()} == page1, "the first page after clearing the filter")

        b.go("/alerts")
        b.wait(lambda: len(b.elements("#alert-table tbody tr")) > 50, "streamed alerts in #alert-table")
        # The table's first answer and the live alerts meet: once settled, it lists every alert
        # from its oldest row to its newest, none lost between the answer and the stream.
        time.sleep(2)
        shown = streamed_numbers(b)
        missing = sorted(set(range(min(shown), max(shown) + 1)) - set(shown))
        figures["alerts missing between the oldest and newest row"] = len(missing)
        if missing:
            print(f"alerts {missing[0]}..{missing[-1]} of the stream are not in the table "
                  f"(it lists {min(shown)}..{max(shown)}, {len(shown)} rows)")
        # Scrolled down to read, the stream pauses: the rows stay still and count what arrives.
        b.js("window.scrollTo(0, 600)")
        b.wait(lambda: b.displayed("#alerts-paused"), "#alerts-paused after scrolling down")
        top = b.text("#alert-table tbody tr")
        time.sleep(1)
        self.assertEqual(b.text("#alert-table tbody tr"), top, "the rows moved while paused")
        arrived = int(b.text("#alerts-paused-count") or 0)
        self.assertGreater(arrived, 0, "alerts that arrived while paused are counted")
        b.element("#alerts-resume").click()
        b.wait(lambda: not b.displayed("#alerts-paused") and b.text("#alert-table tbody tr") != top,
               "the stream again after Resume")
        figures["alerts counted while paused 1 s"] = arrived
        time.sleep(max(0.0, STREAM_S - (time.monotonic() - streaming_since)))
        stream.stop()
        stopped = time.monotonic()
        newest = source_of(stream.written - 1)
        b.wait(lambda: newest in (b.text("#alert-table tbody tr") or ""), f"the newest alert ({newest}) on top",
               timeout=15)
        figures["newest alert shown after s"] = time.monotonic() - stopped
        figures["alerts streamed"] = stream.written
        figures["alert rows"] = len(b.elements("#alert-table tbody tr"))
        figures["heap after streaming MB"] = b.heap_bytes() / 2**20
        figures["DOM nodes after streaming"] = b.dom_nodes()
        b.screenshot("alerts-streaming")
        print("LOAD FIGURES (10,000 incidents, 100 alerts/s for 20 s, chromium 1280x800):")
        for name, value in figures.items():
            print(f"  {name}: {value:.3f}" if isinstance(value, float) else f"  {name}: {value}")

        self.assertGreaterEqual(stream.written, ALERTS_PER_S * STREAM_S * 0.9, "the stream kept its rate")
        self.assertEqual(figures["alerts missing between the oldest and newest row"], 0,
                         "alerts shown live while the view's first answer was on its way were dropped")
        self.assertLessEqual(figures["queue first render s"], RENDER_LIMIT_S)
        for name in ("filter #filter-host s", "filter #filter-q s"):
            self.assertLessEqual(figures[name], FILTER_LIMIT_S, name)
        self.assertLessEqual(figures["newest alert shown after s"], NEWEST_ALERT_LIMIT_S)
        self.assertLessEqual(figures["alert rows"], ALERT_ROWS_LIMIT, "the alert table is bounded")
        self.assertLessEqual(figures["DOM nodes after streaming"], DOM_NODES_LIMIT)
        self.assertLessEqual((figures["heap after streaming MB"] - figures["heap at start MB"]) * 2**20,
                             HEAP_GROWTH_LIMIT, "heap growth while streaming")



class Flood(ConsoleTestCase):
    """Alerts faster than a page is sent them (`--live-alerts-per-page`): the alert view says how
    many it was not sent, and lists the newest the console holds when asked."""
    PER_PAGE, FLOOD_PER_S, FLOOD_S = 20, 200, 6

    def test_a_flood_beyond_the_pages_budget_is_counted_and_the_newest_listed_on_request(self):
        store = filled_store(self.dir, 10)
        eve = f"{self.dir}/eve.json"
        open(eve, "w").close()
        server = self.started(console_server(self.dir, store, self.accounts.path, eve,
                                             ["--live-alerts-per-page", str(self.PER_PAGE)]))
        b = self.signed_in(server, route=None)
        b.open("/alerts")
        b.wait(lambda: b.displayed("#alert-empty"), "the empty alert view")
        self.assertFalse(b.displayed("#alerts-skipped"))

        stream = EveAlertStream(eve, alert_template(self), self.FLOOD_PER_S, self.FLOOD_S)
        stream.start()
        self.addCleanup(stream.stop)
        stream.join(self.FLOOD_S + 10)
        written = stream.written
        b.wait(lambda: b.displayed("#alerts-skipped") and int(b.text("#alerts-skipped-count") or 0) > 0,
               "#alerts-skipped counting the alerts not sent")
        time.sleep(1)  # the last batch
        skipped = int(b.text("#alerts-skipped-count"))
        live_rows = len(streamed_numbers(b))
        b.screenshot("alerts-flood")
        print(f"FLOOD: {written} alerts at {self.FLOOD_PER_S}/s, a page sent {self.PER_PAGE}/s: {live_rows} rows "
              f"live, {skipped} counted as not sent")
        self.assertEqual(live_rows + skipped, written, "every alert either shown or counted")
        self.assertLess(live_rows, written / 2, "the page was sent about its budget, not the flood")

        b.element("#alerts-skipped-reload").click()
        b.wait(lambda: not b.displayed("#alerts-skipped"), "the bar gone once the newest are listed")
        newest = source_of(written - 1)
        b.wait(lambda: newest in (b.text("#alert-table tbody tr") or ""), f"the newest alert ({newest}) on top")
        rows = streamed_numbers(b)
        self.assertEqual(rows, list(range(written - 1, written - 1 - len(rows), -1)), "the newest held, in order")
        self.assertEqual(len(rows), min(written, 500))


if __name__ == "__main__":
    test_context.main()
