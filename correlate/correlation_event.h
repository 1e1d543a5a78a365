#pragma once
// The correlation engine's view of one EVE record (an alert, a flow, a DNS / HTTP / TLS
// transaction) or of a correlation rule's match fed to the rules that build on it. Rules
// select events and group them by dotted field names, as EVE spells them:
//
//   event_type src_ip dest_ip src_port dest_port proto app_proto flow_id
//   alert.signature_id alert.signature alert.category alert.severity alert.metadata.<key>
//   dns.type dns.rrname dns.rrtype http.hostname http.url http.status tls.sni
//   flow.state flow.pkts_toserver flow.pkts_toclient flow.bytes_toserver flow.bytes_toclient
//
// and three derived from the DNS query name:
//   dns.rrname.length   characters of the whole name
//   dns.rrname.entropy  Shannon entropy, in bits per character, of the name's first label:
//                       tunnels put their payload there, while the rest of the name is the
//                       tunnel's fixed domain, which would only dilute the measure
//   dns.rrname.domain   the registrable domain by the Public Suffix List (the system's
//                       copy; without it, the last two labels)
//
// Correlation events carry `correlation.rule` and their match's group-by fields.
//
// Events read back from EVE (fromEve: the central reads its sensors' records) are the
// sensor's own event for the record plus every other value the record holds, by its dotted
// EVE name (`host`, the sensor's name; `alert.gid`, `flow.reason`, `tcp.syn`, ...), and
// `incident` records besides, with `incident.*` fields and the incident's group as
// `incident.group.<name>`.
// A field may have several values (alert.metadata keys repeat): `values` gives them all,
// and a selection matches when any of them does. The engine reads fields through the
// FieldValues overloads, which view the event's text in place and reuse one buffer for
// what they derive (addresses, numbers, the DNS measures), so a lookup allocates nothing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "applayer/app_record.h"
#include "capture/flow_record.h"
#include "capture/ip_address.h"
#include "capture/packet.h"
#include "correlate/correlation_match.h"
#include "detect/alert.h"

namespace mamori {

class CorrelationEvent {
 public:
  TimeUs ts = 0;
  std::string event_type;  // "alert", "flow", "dns", "http", "tls", "correlation", "incident"
  uint64_t flow_id = 0;
  uint64_t alert_id = 0;      // an alert's Alert::id(); 0 for other events
  // Family 0 when the record has none: a correlation has neither, an incident only its
  // source (as src_ip). Ports and proto are fields of records of traffic, which have both.
  IpAddress src_ip, dest_ip;
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;
  std::string app_proto;
  // The record's own fields as text, by dotted name; names may repeat.
  std::vector<std::pair<std::string, std::string>> fields;
  // A correlation event's match, whose evidence the rules building on it inherit.
  std::shared_ptr<const CorrelationMatch> match;

  static CorrelationEvent fromAlert(const Alert& alert);
  // A flow counts at its end: the record is handed out then, in packet-time order.
  static CorrelationEvent fromFlow(const FlowRecord& flow);
  // HTTP, DNS and TLS records (the first query of a DNS message); nullopt for the others
  // (SSH, and the HTTP / TLS steps before the one EVE logs).
  static std::optional<CorrelationEvent> fromApp(const AppRecord& record);
  static CorrelationEvent fromMatch(std::shared_ptr<const CorrelationMatch> match);
  // One EVE record, as text from a peer (untrusted): the event the sensor made for it (ts
  // from `timestamp`, endpoints, proto by name, alert_id from alert.id, the same fields),
  // plus every other value as a dotted field: an array's values repeat the name, an
  // array's objects add their fields under it. An `incident` record's src_ip is its
  // incident.source. nullopt for anything the engine must not see: invalid JSON or UTF-8,
  // not an object, an event type the sensor does not correlate (ssh, stats) or an unknown
  // one, a bad timestamp, address, port or proto. Bounded: nesting beyond kMaxEveDepth is
  // not read, and fields beyond kMaxEveFields are left out; the parse is iterative.
  static std::optional<CorrelationEvent> fromEve(std::string_view json);
  // The same from a record already parsed (iteratively, as the text overload does).
  static std::optional<CorrelationEvent> fromEve(const rapidjson::Value& record);
  static constexpr size_t kMaxEveDepth = 8;
  static constexpr size_t kMaxEveFields = 1024;

  // A lookup's values: views into the event, or into `derived` for the one value a
  // lookup derives. Valid until the next lookup into the same FieldValues or a change of
  // the event; reused across lookups, it stops allocating once it has grown.
  struct FieldValues {
    std::vector<std::string_view> list;
    std::string derived;
  };

  // Every value of a field (empty when the event has none).
  std::vector<std::string> values(std::string_view name) const;
  void values(std::string_view name, FieldValues& out) const;
  // The first value.
  std::optional<std::string> field(std::string_view name) const;
  std::optional<std::string_view> field(std::string_view name, FieldValues& scratch) const;

  // Whether `name` is a field some event can have: alert.metadata.<any key>, incident.<any>,
  // and what fromEve reads from the records mamori writes.
  static bool knownField(std::string_view name);

  // The derived DNS measures, exposed for tests and the documentation's examples.
  static double labelEntropy(std::string_view name);
  static std::string registrableDomain(std::string_view name);

 private:
  void add(std::string name, std::string value) { fields.emplace_back(std::move(name), std::move(value)); }
  bool traffic() const { return src_ip.family != 0 && dest_ip.family != 0; }
};

}  // namespace mamori
