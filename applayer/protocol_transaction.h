#pragma once
// ProtocolTransaction: the one record body every app-layer protocol plug-in
// (applayer/app_protocol.h) emits, so that detection and the EVE writer handle a new
// protocol without knowing it. It carries:
//   - `protocol`: the EVE event_type and app_proto ("sip"), also the bus topic;
//   - `tx_id`: the transaction's number in its flow, as EVE's tx_id;
//   - `fields`: the bytes detection inspects, in order, each named by its sticky-buffer
//     keyword ("sip.method"); a keyword may repeat (multi-buffers: every instance is
//     inspected, a rule matches if any does); a field the message does not have is absent;
//     a number (an integer keyword's, rules/protocol_buffers.h) is its value as 4 big-endian
//     bytes;
//   - `eve`: the EVE object written under the `protocol` key, as JSON text made with
//     EveObjectWriter (escaped, valid UTF-8), written unchanged;
//   - `also_key` / `also_eve`: a second object the record carries beside the protocol's,
//     under its own key, as Suricata writes an smtp record's `email` (none when null);
//   - `events`: the app-layer events the message raised (app-layer-event:krb5.weak_encryption);
//   - `logged`: false for a record that opens a transaction whose other side is still to
//     come (a DCERPC, LDAP or SMB request before its response): detection inspects it, but it is
//     neither counted nor written; the record that ends the transaction is, with the whole
//     exchange;
//   - `role`: the side the protocol itself says sent the message (an LDAP response is the
//     server's), when it says so: a flow picked up mid-stream is oriented by its first packet,
//     which may be the server's, and Suricata then swaps the flow once its protocol is known.
//     Detection inspects the record in that side's phase; unset, in the sender's.
// The record's direction (AppRecord::dir) is the side that sent the message: ToServer
// records are inspected in the request phase, ToClient ones in the response phase.
//
// Plain data by value (it crosses to the output thread); a parser keeps one and reuses
// its storage, so steady traffic fills it without allocating.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/app_layer_event.h"
#include "capture/direction.h"

namespace mamori {

struct ProtocolField {
  const char* name;  // the sticky-buffer keyword; static storage (a plug-in's literal)
  uint32_t offset, length;  // into ProtocolTransaction::bytes
};

struct ProtocolTransaction {
  const char* protocol = "";  // static storage
  // EVE's event_type, its object's key and the bus topic when they are not `protocol`
  // (Suricata's app_proto "ftp-data" writes event_type "ftp_data"); static storage.
  const char* event_type = nullptr;
  uint64_t tx_id = 0;
  std::vector<ProtocolField> fields;
  std::string bytes;  // the fields' values, back to back
  std::string eve;    // one JSON object
  const char* also_key = nullptr;  // static storage
  std::string also_eve;
  AppLayerEventSet events;
  bool logged = true;
  std::optional<Direction> role;

  const char* eventType() const { return event_type ? event_type : protocol; }

  void clear() {
    event_type = nullptr;
    logged = true;
    fields.clear();
    bytes.clear();
    eve.clear();
    also_key = nullptr;
    also_eve.clear();
    events.reset();
    role.reset();
  }
  void add(const char* name, std::string_view value) {
    fields.push_back({name, static_cast<uint32_t>(bytes.size()), static_cast<uint32_t>(value.size())});
    bytes.append(value);
  }
  void addNumber(const char* name, uint32_t value) {
    const char be[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                        static_cast<char>(value)};
    add(name, std::string_view(be, sizeof(be)));
  }
  std::string_view value(const ProtocolField& f) const { return std::string_view(bytes).substr(f.offset, f.length); }
};

}  // namespace mamori
