"""The incidents a store holds, read with `mamori incidents list --json` (not through the
console), and what docs/console-api.md says the queue's filters, sorts and counts make of
them: the tests' independent expectation of what the page lists."""
import json
import subprocess

from test_context import Paths


class StoreIncidents:
    def __init__(self, incidents):
        self.incidents = incidents  # dicts: key, sensor, id, title, severity, state, rule, hosts, events, ...

    @classmethod
    def load(cls, store):
        done = subprocess.run([Paths.mamori, "incidents", "list", "--db", store, "--state", "all", "--json"],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"mamori incidents list --db {store} failed: {done.stderr}")
        incidents = []
        for line in done.stdout.splitlines():
            record = json.loads(line)
            inc = record["incident"]
            sensor = record.get("host", "")
            incidents.append({
                "key": f"{sensor}/{inc['id']}", "sensor": sensor, "id": str(inc["id"]), "title": inc["title"],
                "severity": inc["severity"], "state": inc["state"], "rule": inc.get("rule", ""),
                "hosts": inc.get("hosts", []), "sensors": inc.get("sensors", []), "events": inc["alert_count"],
                "first_seen": inc["first_seen"], "last_seen": inc["last_seen"], "signatures": inc.get("signatures", []),
                "domains": inc.get("domains", []), "tactics": inc.get("tactics", []),
            })
        return cls(incidents)

    def by_key(self):
        return {i["key"]: i for i in self.incidents}

    def select(self, state="open", severity=None, sensor=None, host=None, rule=None, q=None):
        """The incidents the filters select (severity: a set of ints)."""
        out = []
        for i in self.incidents:
            if state == "open" and i["state"] == "closed" or state == "closed" and i["state"] != "closed":
                continue
            if severity and i["severity"] not in severity:
                continue
            if sensor and sensor != i["sensor"] and sensor not in i["sensors"]:
                continue
            if host and host not in i["hosts"]:
                continue
            if rule and rule != i["rule"]:
                continue
            if q and not any(q.lower() in text.lower() for text in
                             [i["title"], i["rule"], i["sensor"], *i["hosts"], *i["sensors"], *i["signatures"],
                              *i["domains"]]):
                continue
            out.append(i)
        return out

    @staticmethod
    def counts(incidents):
        """Incidents per severity, as #count-sev-N shows them."""
        return {s: sum(1 for i in incidents if i["severity"] == s) for s in (1, 2, 3, 4)}

    @staticmethod
    def sort_values(incidents, field, order):
        """The sorted sequence of the field's values: what a sorted page shows, whatever order
        it gives incidents that tie."""
        return sorted((i[field] for i in incidents), reverse=(order == "desc"))
