#include "console/triage_json.h"

#include "correlate/eve_time.h"

namespace mamori {

void writeTime(JsonWriter& w, const char* name, TimeUs ts) { w.field(name, formatEveTime(ts)); }

void writeTriage(JsonWriter& w, const Triage& t) {
  w.StartObject();
  w.field("status", t.status);
  w.field("owner", t.owner);
  if (t.updated_at_us) writeTime(w, "updated_at", t.updated_at_us);
  w.field("updated_by", t.updated_by);
  w.EndObject();
}

void writeAction(JsonWriter& w, const TriageAction& a) {
  w.StartObject();
  writeTime(w, "at", a.at_us);
  w.field("user", a.user);
  w.field("action", a.action);
  if (!a.owner.empty()) w.field("owner", a.owner);
  if (!a.text.empty()) w.field(a.action == "comment" ? "text" : "reason", a.text);
  w.EndObject();
}

}  // namespace mamori
