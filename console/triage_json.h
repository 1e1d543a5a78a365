#pragma once
// Triage and its actions as the API writes them (docs/console-api.md), and EVE-style
// times for the console's answers. Any thread.
#include "capture/packet.h"
#include "console/json_writer.h"
#include "console/triage.h"

namespace mamori {

// `"name": "2026-03-02T09:03:10.000000+0000"`.
void writeTime(JsonWriter& w, const char* name, TimeUs ts);
// {"status", "owner", "updated_at"?, "updated_by"}
void writeTriage(JsonWriter& w, const Triage& t);
// {"at", "user", "action", "owner"?, "text"? (a comment), "reason"? (a close)}
void writeAction(JsonWriter& w, const TriageAction& a);

}  // namespace mamori
