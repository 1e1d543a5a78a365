#pragma once
// AppParsers: the application-layer parsers as one worker plug-in. A FlowObserver that
// gives each flow the parser of its protocol (HTTP through libhtp, TLS, DNS over UDP and
// TCP, SSH banners, and the protocol plug-ins of applayer/app_protocols.h) and hands what
// they find to AppEventListeners (detection, EVE output) as AppRecords, the files they
// carry included (one FileTracker per worker). A TCP flow that a parser announced (an FTP
// data channel: ProtocolSink::expectConnection, kept in the worker's ConnectionExpectations)
// gets the announced plug-in, whatever nDPI says. Otherwise the protocol is the
// AppIdentifier's verdict when it has one by the first data, else what the data itself shows: the plug-ins' probes
// first (then their ports when no probe could tell), then a TLS record header, HTTP/2's
// client preface, an HTTP request line, "SSH-", port 53 for DNS; a flow that fits none is left alone. Adding a
// protocol adds a plug-in (applayer/app_protocol.h); nothing here, in the flow table or in
// the worker loop changes.
//
// Memory: one small per-flow record in a pool, and the parser object of the flow's
// protocol while the flow lives, charged with the buffers it grows to the worker's
// AppMemory (a flow it has no room for is not parsed); one DNS parser and message per
// worker.
//
// App-layer events (app_layer_event.h) ride on the records of their transaction; those
// raised where no record follows (a TLS message type that does not exist after the
// certificates, a malformed DNS datagram with no question, a flow whose two directions
// speak different protocols) come in a record of their own, AppEvent::ParserEvents.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/app_identifier.h"
#include "applayer/app_layer_event.h"
#include "applayer/app_memory.h"
#include "applayer/app_protocol.h"
#include "applayer/app_protocol_limits.h"
#include "applayer/app_record.h"
#include "applayer/connection_expectations.h"
#include "applayer/dns_parser.h"
#include "applayer/file_tracker.h"
#include "applayer/http2_parser.h"
#include "applayer/http_parser.h"
#include "capture/flow_observer.h"
#include "capture/observer_records.h"
#include "capture/published.h"

namespace mamori {

// A protocol plug-in's counts, under its name.
struct ProtocolCounters {
  std::string name;
  uint64_t transactions = 0, malformed = 0;
};

struct AppParserCounters {
  // HTTP/1 transactions and HTTP/2 streams apart, as Suricata's app_layer.tx.http / .http2;
  // http2_malformed: frames, and header blocks HPACK could not decode.
  uint64_t http_transactions = 0, http2_streams = 0, http2_malformed = 0, dns_messages = 0, tls_sessions = 0, ssh_sessions = 0;
  uint64_t dns_malformed = 0, http_errors = 0, tls_malformed = 0, ssh_malformed = 0;
  std::array<uint64_t, kAppLayerEventCount> events{};  // app-layer events raised, by kind
  std::vector<ProtocolCounters> protocols;  // in AppParsers' plug-in order, the same in every worker
  FileTrackerCounters files;
  ConnectionExpectationCounters expectations;  // connections parsers announced (FTP data)

  AppParserCounters& operator+=(const AppParserCounters& o) {
    http_transactions += o.http_transactions;
    http2_streams += o.http2_streams;
    http2_malformed += o.http2_malformed;
    dns_messages += o.dns_messages;
    tls_sessions += o.tls_sessions;
    ssh_sessions += o.ssh_sessions;
    dns_malformed += o.dns_malformed;
    http_errors += o.http_errors;
    tls_malformed += o.tls_malformed;
    ssh_malformed += o.ssh_malformed;
    for (size_t i = 0; i < events.size(); ++i) events[i] += o.events[i];
    if (protocols.size() < o.protocols.size()) protocols.resize(o.protocols.size());
    for (size_t i = 0; i < o.protocols.size(); ++i) {
      protocols[i].name = o.protocols[i].name;
      protocols[i].transactions += o.protocols[i].transactions;
      protocols[i].malformed += o.protocols[i].malformed;
    }
    files.opened += o.files.opened;
    files.closed += o.files.closed;
    files.truncated += o.files.truncated;
    files.refused_flow_limit += o.files.refused_flow_limit;
    files.refused_worker_limit += o.files.refused_worker_limit;
    files.hash_limit += o.files.hash_limit;
    files.stored += o.files.stored;
    expectations += o.expectations;
    return *this;
  }
};

class AppParsers final : public FlowObserver {
 public:
  struct Config {
    HttpParser::Config http;
    Http2Parser::Config http2;  // its body depths are http's
    bool files = true;  // track files (FileTracker) and report them
    FileTracker::Config file_limits;
    AppProtocolLimits protocol_limits;
    HttpRangeStore::Config http_ranges;  // for the store the pipeline shares among workers
  };
  // `identifier`, if given, must be added to the worker before this observer. `memory`:
  // the worker's app-layer budget; null for none. Runs the plug-ins of makeAppProtocols().
  // `store`: where filestore rules keep files, shared by the workers; null for none.
  // `ranges`: where HTTP bodies downloaded in byte ranges are joined, shared by the
  // workers (a download's flows may run on several); null joins none.
  AppParsers(const Config& config, AppIdentifier* identifier, AppMemory* memory = nullptr,
             FileStore* store = nullptr, HttpRangeStore* ranges = nullptr);
  ~AppParsers() override;

  void addListener(AppEventListener* listener) { listeners_.push_back(listener); }
  // One more plug-in, probed after those before it; before the first packet only.
  void addProtocol(std::unique_ptr<AppProtocol> protocol);

  void onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) override;
  void onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t offset) override;
  void onStreamGap(Flow& flow, Direction dir, uint64_t offset, uint64_t len) override;
  void onFlowEnd(Flow& flow) override;
  // A flow nDPI named nothing that a plug-in took by its probe: app_proto is the plug-in's.
  void describe(const Flow& flow, FlowRecord& record) override;
  void publish() override;

  AppParserCounters published() const { return published_.get(); }
  // What this keeps for a flow besides its parser, for the flow memcap.
  static size_t bytesPerFlow();

 private:
  struct FlowParsers;
  FlowParsers* parsersOf(const Flow& flow) const;
  FlowParsers& obtain(Flow& flow);
  // Charges `bytes` of the flow's parsers to the budget; false when it has no room.
  bool charge(FlowParsers& p, size_t bytes);
  void retireTls(FlowParsers& p);
  // `events`: of the record's transaction so far; `fresh`: those raised since its last record.
  void emit(Flow& flow, Direction dir, AppEvent event, const AppLayerEventSet& events = {},
            const AppLayerEventSet& fresh = {});
  void checkDirections(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len);
  void stampFlow(const Flow& flow);
  // As stampFlow, but sender -> receiver: a message's endpoints.
  void stampMessage(const Flow& flow, Direction dir);
  void parseDns(Flow& flow, Direction dir, const uint8_t* data, size_t len);
  // App-layer frames (applayer/app_frame.h): whether a listener inspects the type, and a
  // frame for those that do.
  bool wantsFrame(uint8_t type) const;
  void emitFrame(Flow& flow, Direction dir, uint8_t type, const uint8_t* data, size_t len);
  void parseSsh(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len);
  void logSsh(FlowParsers& p, Flow& flow, Direction dir);
  // The plug-in (index into protocols_) for a flow: the one nDPI's verdict `app` names,
  // else the one whose probe matches `data`, else, when `last_chance`, one whose probe was
  // unsure and whose port the flow has. kNoPlugin, or kUndecided while a probe needs more.
  static constexpr int kNoPlugin = -1, kUndecided = -2;
  int pluginFor(const char* app, uint8_t transport, const Flow& flow, Direction dir, const uint8_t* data,
                size_t len, bool last_chance) const;
  // Gives the flow plug-in `index`'s parser; false when the budget has no room.
  bool startPlugin(FlowParsers& p, size_t index, uint8_t transport);
  // A new TCP flow that a parser announced: the announced plug-in's parser; false if none.
  bool startExpected(FlowParsers& p, Flow& flow);
  void feedPlugin(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len);
  // HTTP/2 from the flow's start (prior knowledge), or from an h2c upgrade of its HTTP/1.
  bool startHttp2(FlowParsers& p, Flow& flow, uint64_t first_id);
  void upgradeToHttp2(FlowParsers& p, Flow& flow);
  // A 101 to websocket: the plug-in named `name` takes the flow from HTTP/1.
  void upgradeToPlugin(FlowParsers& p, Flow& flow, std::string_view name);
  // Suricata's protocol change (SMTP's STARTTLS, HTTP's h2c and websocket upgrades): a flow changes protocol
  // once; false when it did already (the change is refused).
  static bool requestProtocolChange(FlowParsers& p);
  void constructParser(FlowParsers& p, Flow& flow);
  void feedDecided(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len);
  void handOver(FlowParsers& p, Flow& flow, Direction dir, const ProtocolChange& change, const uint8_t* rest);
  void feedHttp2(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len);
  void emitHttp2Events(FlowParsers& p, Flow& flow);

  AppIdentifier* identifier_;  // told when a flow turns out to speak HTTP/2
  AppMemory* memory_;
  HttpParser::Settings http_settings_;
  Http2Parser::Config http2_config_;
  HttpTransaction http2_events_tx_;  // the empty body of a connection's HTTP/2 events
  std::unique_ptr<FileTracker> files_;  // null when file tracking is off
  HttpRangeStore* ranges_;
  std::vector<AppEventListener*> listeners_;
  ObserverRecords<FlowParsers> flows_;
  DnsParser dns_;
  DnsMessage dns_message_;
  std::vector<std::unique_ptr<AppProtocol>> protocols_;
  ConnectionExpectations expectations_;
  AppRecord record_;  // reused for every event
  TimeUs now_ = 0;
  AppParserCounters live_;
  Published<AppParserCounters> published_;
};

}  // namespace mamori
