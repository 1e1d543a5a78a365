#pragma once
// AppProtocol: one application-layer protocol as a plug-in of AppParsers, the way Snort 3's
// inspectors are: AppParsers, the flow table, the worker loop, detection and the EVE writer
// do not know which protocols exist. A protocol says
//   - its name: EVE's event_type and app_proto as Suricata names it ("sip"), nDPI's verdict
//     under that name (applayer/app_identifier.cpp) gives it the flow;
//   - which transports it runs on;
//   - probe(): what the first bytes of a direction (a TCP stream's start, each UDP
//     datagram until decided) show, for flows nDPI has no verdict on (unknown or only
//     guessed by port); its ports decide only when no probe could tell (Unsure);
//   - newParser(): a parser for one flow, with what it costs (charged to the worker's
//     AppMemory before it is made; a flow with no room is not parsed, counted there).
// The parser emits each transaction or message as a ProtocolTransaction (its sticky buffers
// by keyword name, its EVE object) through a ProtocolSink. AppParsers counts what they emit
// and refuse per protocol: stats `app_layer.tx.<name>`, `app_layer.error.<name>`, metrics
// mamori_app_transactions_total / mamori_app_parse_errors_total{protocol="<name>"}. Its
// sticky-buffer keywords are listed for rules in rules/protocol_buffers.h.
//
// A protocol object is per worker and stateless across flows (its parsers hold the state);
// every call is on the worker's thread. Adding a protocol: a class here, a line in
// applayer/app_protocols.cpp, its keywords in rules/protocol_buffers.h.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "applayer/app_memory.h"
#include "applayer/protocol_transaction.h"
#include "capture/direction.h"
#include "capture/ip_address.h"

namespace mamori {

// A connection a flow's protocol announces (an FTP data channel after PASV or PORT): between
// the flow's two hosts, to `server_port`, spoken in `protocol` (a plug-in's name), whose
// parser is handed `context` (the announcing parser's words, read only by that plug-in).
struct ExpectedConnection {
  std::string_view protocol;
  uint16_t server_port = 0;
  std::string_view context;
};

// What the parser of an expected connection learns when the connection comes.
struct ExpectedStart {
  std::string_view context;
  // The connection's client is the announcing flow's client (an FTP passive-mode data
  // channel); false when it is its server (active mode).
  bool same_client = true;
};

// What a parser hands on. Valid during the parser's call only.
class ProtocolSink {
 public:
  virtual ~ProtocolSink() = default;
  // A complete transaction or message, sent by `dir`'s side.
  virtual void emit(Direction dir, const ProtocolTransaction& tx) = 0;
  // Data the parser refused as malformed (counted; the parser carries on or gives up).
  virtual void malformed() = 0;

  // Files the protocol's transfers carry (an SMB read or write), tracked as HTTP bodies are
  // (applayer/file_tracker.h): the parser opens one, appends its bytes in order, notes
  // holes and closes it; the closed file is inspected (file keywords; file_data over its
  // first bytes) and logged (EVE fileinfo) at once. openFile gives kNoFile when file
  // tracking is off or a limit refuses it (counted by the tracker); the other calls take
  // kNoFile and do nothing. A parser closes every file it opened by its onEnd().
  static constexpr int32_t kNoFile = -1;
  virtual int32_t openFile(Direction, uint64_t /*tx_id*/, std::string_view /*name*/) { return kNoFile; }
  virtual void appendFile(int32_t, const uint8_t*, size_t) {}
  virtual void fileGap(int32_t, uint64_t /*len*/) {}
  // `complete`: the transfer ended as its protocol says (else TRUNCATED); `events` ride on
  // the file's records.
  virtual void closeFile(int32_t, bool /*complete*/, const AppLayerEventSet& /*events*/) {}

  // The flow's hosts, for a protocol whose messages name addresses (an FTP PORT command):
  // false when the sink has no flow.
  virtual bool endpoints(IpAddress& /*client*/, IpAddress& /*server*/) const { return false; }
  // Announces a connection (AppParsers keeps it per worker, bounded, for a while: the
  // first new flow between the two hosts to that port gets the protocol's parser). False
  // when it cannot be kept (counted by the keeper).
  virtual bool expectConnection(const ExpectedConnection&) { return false; }
};

// A parser handing its flow over to another protocol (SMTP's STARTTLS accepted: "tls"), as
// Suricata's protocol change: `to` names it (null while none), `unread` is how many bytes at
// the end of the last onData were already the new protocol's.
struct ProtocolChange {
  const char* to = nullptr;  // static storage
  size_t unread = 0;
};

// One flow's parser. Bounded: it keeps at most what its protocol says, whatever comes.
class AppProtocolParser {
 public:
  virtual ~AppProtocolParser() = default;
  // TCP: the next bytes of `dir`'s stream, in order. UDP: one whole datagram.
  virtual void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) = 0;
  // TCP: `dir`'s stream has a hole; what was buffered is no longer continuous.
  virtual void onGap(Direction dir) = 0;
  // The flow ended: emit what is complete enough to report.
  virtual void onEnd(ProtocolSink& sink) = 0;
  // The flow is a connection another flow announced (ExpectedConnection), before its data.
  virtual void onExpected(const ExpectedStart&) {}
  // Asked after each onData: once it names a protocol, the parser gets no more data (its
  // onEnd still comes) and AppParsers probes what follows afresh.
  virtual ProtocolChange protocolChange() const { return {}; }
};

enum class ProbeResult : uint8_t {
  Match,    // the bytes are this protocol's
  NoMatch,  // they are not
  Unsure,   // too few bytes to tell
};

class AppProtocol {
 public:
  enum Transport : uint8_t { kUdp = 1, kTcp = 2 };

  virtual ~AppProtocol() = default;
  virtual std::string_view name() const = 0;
  virtual uint8_t transports() const = 0;  // kUdp | kTcp
  // `transport`: kUdp (`data` is a datagram) or kTcp (a stream's first bytes).
  virtual ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const = 0;
  // The ports the protocol is registered on, for flows no probe could tell.
  virtual bool usualPort(uint16_t port) const = 0;
  // Whether probe() is tried only on flows using one of those ports: a probe too weak to claim
  // any flow (Modbus's is a zero protocol identifier and a small length), as Suricata
  // registers such probing parsers on their ports only.
  virtual bool probesUsualPortsOnly() const { return false; }
  // What a parser costs: its object and what it keeps (its own buffers it may also charge
  // to `memory` as they grow).
  virtual size_t parserBytes() const = 0;
  virtual std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const = 0;
};

}  // namespace mamori
