#pragma once
// EveHead: the top-level fields the console files a record under (its host, packet time,
// flow and event_type), read with a streaming JSON reader instead of building the record.
// Nine records in ten that reach a central's console are flow and app records it only
// holds for timelines, and their head is their first hundred bytes: reading just those is
// what lets the console keep up with a central without costing it its ingest (issue 12).
//
// Untrusted text: strings are UTF-8 validated as far as they are read, nesting is read
// iteratively, and a text that is not a JSON object is refused. Only the first occurrence
// of a field counts, as a parsed document's lookup would find it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alerting/event_output.h"
#include "correlate/eve_time.h"

namespace mamori {

struct EveHead {
  std::string host;
  TimeUs ts = 0;             // 0: no timestamp, or not an EVE one
  uint64_t flow_id = 0;      // 0: none
  std::optional<EventKind> kind;  // event_type, when it names a kind mamori knows
};

enum class EveHeadRead {
  Head,   // stop once host, timestamp and flow_id are read: the rest is taken as the
          // producer wrote it (the central and the sensor hand over well-formed records)
  Whole,  // read to the end: the text is a well-formed JSON object, or nullopt
};

std::optional<EveHead> readEveHead(std::string_view json, EveHeadRead read);

}  // namespace mamori
