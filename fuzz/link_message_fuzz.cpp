// Fuzz target: what the central and a sensor's uplink read out of a peer's message
// (uplink/link_protocol.h): every frame as a JSON control body (HELLO, RULE_RESULT,
// ROLLBACK, WELCOME, REFUSED) with the fields the readers take from it, as a sequence
// number (ACK, PONG), as a RECORDS header with the packed batch behind it, whose records
// the central reads back as EVE (time, correlation event, incident), and as the start of
// a rule set's file frames (PUSH, RULESET), then checked as a package.
#include "alerting/eve_incident_reader.h"
#include "correlate/correlation_event.h"
#include "correlate/eve_time.h"
#include "fuzz/link_frames.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  link::Frames frames = fuzz::linkFrames(data, size);
  volatile size_t n = 0;
  std::vector<link::PackedRecord> records;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (auto body = link::readJson(frames[i])) {
      for (const char* key : {"sensor", "stream", "rules_version", "version", "result", "comment", "central", "reason"})
        n = n + link::jsonString(*body, key).size();
      for (const char* key : {"protocol", "last_seq", "rules_loaded", "acked"}) n = n + link::jsonUint(*body, key);
      n = n + static_cast<size_t>(link::jsonDouble(*body, "build_seconds") != 0);
      n = n + link::jsonStrings(*body, "errors").size();
    }
    if (auto seq = link::readU64(frames[i])) n = n + *seq;
    if (auto header = link::readRecordsHeader(frames[i]); header && i + 1 < frames.size()) {
      if (link::unpackRecords(frames[i + 1], header->count, records)) {
        for (const link::PackedRecord& r : records) {
          if (auto event = CorrelationEvent::fromEve(r.json)) n = n + 1;
          if (auto incident = incidentFromEve(r.json)) n = n + incident->signature_ids.size();
          if (auto ts = parseEveTime(r.json)) n = n + 1;
        }
      }
    }
    if (auto files = link::readFiles(frames, i)) {
      RuleSetPackage package;
      package.files = std::move(*files);
      n = n + package.validate().size();
    }
  }
  return 0;
}
