#pragma once
// Turns pipeline records into EVE JSON lines with Suricata's field names, so the tools
// a SOC already runs (Elastic, Splunk, Wazuh, EveBox, jq) read them unchanged.
// Consumes Alert, FlowRecord, Incident and stats counters; produces one JSON object per
// call, without a trailing newline. Every record carries `host`, the name of the sensor
// (or central) that wrote it, right after `timestamp`.
//
// One formatter reuses one output buffer, so it belongs to one thread (the pipeline's
// output thread); make one per thread if several threads format.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "alerting/event_output.h"
#include "applayer/app_record.h"
#include "capture/flow_record.h"
#include "capture/ip_address.h"
#include "capture/packet.h"
#include "correlate/incident.h"
#include "detect/alert.h"

namespace mamori {

class EveFormatter {
 public:
  // `host`: the sensor's name (sensor.name). Empty only for records of no known sensor (an
  // incident a version-1 store kept): they are written without `host`.
  explicit EveFormatter(std::string host);
  const std::string& host() const { return host_; }

  std::string formatAlert(const Alert& alert);
  std::string formatFlow(const FlowRecord& flow);
  // An app-layer record: EVE `http` (a finished transaction), `dns` (a message),
  // `tls` (a handshake), `ssh`, `fileinfo` (a file that ended), or a protocol plug-in's
  // record under its own event_type (EventKind::App); its kind is appKind(record).
  std::string formatApp(const AppRecord& record);
  static EventKind appKind(const AppRecord& record);
  std::string formatIncident(const Incident& incident);

  // `counters` are dotted paths ("decoder.event.ipv4.trunc_pkt") that become nested
  // objects under "stats", keys in first-seen order. Throws std::invalid_argument when a
  // name is empty, has an empty segment, repeats, or is both a value and a prefix of
  // another name (JSON cannot hold both): names come from code, so that is a bug.
  std::string formatStats(TimeUs ts, int64_t uptime_seconds,
                          const std::vector<std::pair<std::string, uint64_t>>& counters);

  // "2016-03-07T10:48:39.135427+0000", always UTC (formatEveTime).
  static std::string timestamp(TimeUs ts);

 private:
  void begin();
  std::string finish();
  void key(const char* name);
  void writeString(std::string_view text);
  void writeTime(TimeUs ts);
  void writeTimeAndHost(TimeUs ts);
  void writeIp(const IpAddress& addr);
  void writeText(const char* name, std::string_view value);  // a string field, left out when empty
  void writeHttp(const HttpTransaction& tx);
  void writeFileinfo(const TrackedFile& file);
  void header(TimeUs ts, uint64_t flow_id, const char* event_type, const uint16_t* vlan,
              uint8_t vlan_count, const IpAddress& src, uint16_t src_port,
              const IpAddress& dest, uint16_t dest_port, uint8_t proto);

  std::string host_;
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
  std::string scratch_;  // holds a string while invalid UTF-8 in it is replaced
};

}  // namespace mamori
