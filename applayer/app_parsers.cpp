#include "applayer/app_parsers.h"

#include <algorithm>
#include <cstring>

#include "applayer/app_protocols.h"
#include "applayer/dns_tcp_framer.h"
#include "applayer/http_request_probe.h"
#include "applayer/ssh_banner_reader.h"
#include "applayer/tls_parser.h"

namespace mamori {
namespace {

enum class Kind : uint8_t { Undecided, Http, Http2, Tls, Dns, Ssh, Plugin, None };

// How much of a flow's data may pass undecided before the parsers give up on it, once both
// sides have sent some. A side that starts mid-message (a flow picked up mid-way, its first
// segment lost) tells nothing, while the other side's first bytes may: as Suricata probes each
// direction on its own, a flow only one side has spoken in waits longer for the other.
constexpr uint64_t kProbeBytes = 64;
constexpr uint64_t kOneSidedProbeBytes = 4096;

// What an HTTP flow is charged to the AppMemory besides the parser object: libhtp's
// connection parser, a transaction and the header lines of a usual request and response.
// libhtp allocates on its own, so this is an estimate; its per-flow limits (Config) bound
// the rest.
constexpr size_t kLibhtpFlowBytes = 16 << 10;
// The same for HTTP/2: nghttp2's two HPACK tables at their default size, the frame buffers
// of a usual connection and a few open streams' header lines.
constexpr size_t kHttp2FlowBytes = 24 << 10;

// As much of HTTP/2's client preface as the data holds (at least its "PRI " method).
bool looksLikeHttp2Preface(const uint8_t* data, size_t len) {
  const size_t n = std::min(len, http2::kClientPreface.size());
  return n >= 4 && std::memcmp(data, http2::kClientPreface.data(), n) == 0;
}

bool looksLikeTlsRecord(const uint8_t* data, size_t len) {
  return len >= 3 && (data[0] == 0x16 || data[0] == 0x15) && data[1] == 0x03 && data[2] <= 0x04;
}

bool looksLikeSshBanner(const uint8_t* data, size_t len) { return len >= 4 && std::memcmp(data, "SSH-", 4) == 0; }

// nDPI's verdicts the built-in parsers read.
bool builtInParserFor(const char* app) {
  for (const char* name : {"http", "tls", "dns", "ssh"}) {
    if (std::strcmp(app, name) == 0) return true;
  }
  return false;
}

bool looksLikeHttpResponse(const uint8_t* data, size_t len) { return len >= 5 && std::memcmp(data, "HTTP/", 5) == 0; }

// The kind of a built-in parser's name, as a protocol change asks for it.
Kind kindNamed(const char* name) {
  if (std::strcmp(name, "tls") == 0) return Kind::Tls;
  if (std::strcmp(name, "http") == 0) return Kind::Http;
  if (std::strcmp(name, "ssh") == 0) return Kind::Ssh;
  return Kind::None;
}

// The protocol a direction's first bytes show, as far as the probes tell; Undecided when
// they show none.
Kind probedKind(const uint8_t* data, size_t len, Direction dir) {
  if (dir == Direction::ToServer ? looksLikeHttpRequest(data, len) : looksLikeHttpResponse(data, len)) return Kind::Http;
  if (looksLikeTlsRecord(data, len)) return Kind::Tls;
  if (looksLikeSshBanner(data, len)) return Kind::Ssh;
  return Kind::Undecided;
}

// A DNS message's anomalies, as Suricata's DNS parser raises them.
AppLayerEventSet dnsEvents(const DnsMessage& m, bool parsed, DnsParseError error, Direction dir) {
  using E = AppLayerEvent;
  AppLayerEventSet events;
  if (!parsed) raise(events, E::DnsMalformedData);
  if (error == DnsParseError::NameTooLong) raise(events, E::DnsNameTooLong);
  if (error == DnsParseError::PointerLoop) raise(events, E::DnsInfiniteLoop);
  if (dir == Direction::ToServer && m.response) raise(events, E::DnsNotRequest);
  if (dir == Direction::ToClient && !m.response) raise(events, E::DnsNotResponse);
  if (m.z) raise(events, E::DnsZFlagSet);
  // Assigned opcodes: QUERY, IQUERY, STATUS, NOTIFY, UPDATE, DSO (RFC 8490).
  if (m.opcode == 3 || m.opcode > 6) raise(events, E::DnsInvalidOpcode);
  return events;
}

}  // namespace

struct SshFlow {
  SshBannerReader reader[2];
  SshSession session;
  bool logged = false;
  AppLayerEventSet events;
};

struct AppParsers::FlowParsers final : HttpSink, ProtocolSink, AppFrameSink {
  AppParsers* owner = nullptr;
  Flow* flow = nullptr;  // the flow of the current call
  Direction dir = Direction::ToServer;
  uint64_t flow_id = 0;
  Kind kind = Kind::Undecided;
  uint64_t probed = 0;
  bool data_seen[2] = {false, false};
  AppLayerEventSet detection_events;  // the flow's applayer_* events
  size_t charged = 0;  // to the AppMemory, for the parser objects (their buffers charge their own)
  std::unique_ptr<HttpParser> http;
  std::unique_ptr<Http2Parser> http2;
  std::unique_ptr<TlsParser> tls;
  std::unique_ptr<DnsTcpFramer> dns_tcp[2];
  std::unique_ptr<SshFlow> ssh;
  int plugin = kNoPlugin;
  std::unique_ptr<AppProtocolParser> parser;
  uint32_t plugin_files = 0;  // the files the plug-in opened, for the tracker's per-flow limit
  bool changed = false;             // the flow changed protocol (it may once)
  const char* changed_to = nullptr;  // while the protocol it changed to is not decided: the one asked for

  void onRequestHeaders(const HttpTransaction& tx) override { report(tx, AppEvent::HttpRequestHeaders); }
  void onRequest(const HttpTransaction& tx) override { report(tx, AppEvent::HttpRequest); }
  void onResponseHeaders(const HttpTransaction& tx) override { report(tx, AppEvent::HttpResponseHeaders); }
  void onResponse(const HttpTransaction& tx) override {
    ++(tx.http2_stream ? owner->live_.http2_streams : owner->live_.http_transactions);
    report(tx, AppEvent::HttpResponse);
  }
  void emit(Direction from, const ProtocolTransaction& tx) override {
    if (tx.logged) ++owner->live_.protocols[plugin].transactions;
    owner->stampMessage(*flow, from);
    owner->record_.body = tx;
    owner->emit(*flow, from, AppEvent::Protocol, tx.events, tx.events);
  }
  void malformed() override { ++owner->live_.protocols[plugin].malformed; }
  bool endpoints(IpAddress& client, IpAddress& server) const override {
    client = flow->client_ip;
    server = flow->server_ip;
    return true;
  }
  bool expectConnection(const ExpectedConnection& c) override {
    for (size_t i = 0; i < owner->protocols_.size(); ++i) {
      if (owner->protocols_[i]->name() != c.protocol) continue;
      return owner->expectations_.add(flow->client_ip, flow->server_ip, c.server_port, i, c.context, owner->now_);
    }
    return false;
  }
  int32_t openFile(Direction from, uint64_t tx_id, std::string_view name) override {
    if (!owner->files_) return kNoFile;
    return owner->files_->open(plugin_files, tx_id, from, name, true);
  }
  void appendFile(int32_t h, const uint8_t* data, size_t len) override {
    if (h != kNoFile) owner->files_->append(h, data, len);
  }
  void fileGap(int32_t h, uint64_t len) override {
    if (h != kNoFile) owner->files_->gap(h, len);
  }
  void closeFile(int32_t h, bool complete, const AppLayerEventSet& events) override {
    if (h == kNoFile) return;
    owner->files_->close(h, complete);
    report(FileInfo{owner->files_->file(h), std::nullopt, owner->protocols_[plugin]->name().data()}, *owner->files_, h,
           events);
  }
  bool wantsFrame(uint8_t type) const override { return owner->wantsFrame(type); }
  void onFrame(Direction from, uint8_t type, const uint8_t* data, size_t len) override {
    owner->emitFrame(*flow, from, type, data, len);
  }
  void onConnectionFrame(Direction from, const HttpTransaction& tx) override {
    owner->record_.body = tx;
    owner->emit(*flow, from, AppEvent::ParserEvents);
  }
  void onFile(const HttpTransaction& tx, FileTracker& files, FileTracker::Handle h) override {
    report(FileInfo{files.file(h), tx}, files, h, {});
  }
  // FileDone for detection, whose filestore rules may ask to keep it; then FileLogged,
  // kept or not, for the log.
  void report(FileInfo&& info, FileTracker& files, FileTracker::Handle h, const AppLayerEventSet& events) {
    bool store = false;
    info.store_requested = &store;
    const Direction from = info.file.dir;
    owner->record_.body = std::move(info);
    owner->emit(*flow, from, AppEvent::FileDone, events);
    auto& kept = std::get<FileInfo>(owner->record_.body);
    kept.store_requested = nullptr;
    kept.file.stored = files.release(h, store);
    owner->emit(*flow, from, AppEvent::FileLogged, events);
  }
  void report(const HttpTransaction& tx, AppEvent event) {
    owner->record_.body = tx;
    owner->emit(*flow, dir, event, tx.events, tx.new_events);
  }
  void reset(uint64_t id) {
    if (charged) owner->memory_->give(charged);
    charged = 0;
    flow_id = id;
    kind = Kind::Undecided;
    probed = 0;
    data_seen[0] = data_seen[1] = false;
    detection_events.reset();
    http.reset();
    http2.reset();
    tls.reset();
    for (auto& f : dns_tcp) f.reset();
    ssh.reset();
    plugin = kNoPlugin;
    parser.reset();
    plugin_files = 0;
    changed = false;
    changed_to = nullptr;
  }
};

AppParsers::AppParsers(const Config& config, AppIdentifier* identifier, AppMemory* memory, FileStore* store,
                       HttpRangeStore* ranges)
    : identifier_(identifier),
      memory_(memory),
      http_settings_(config.http),
      http2_config_(config.http2),
      files_(config.files ? std::make_unique<FileTracker>(config.file_limits, store) : nullptr),
      ranges_(ranges) {
  http2_config_.request_body_depth = config.http.request_body_depth;
  http2_config_.response_body_depth = config.http.response_body_depth;
  for (auto& protocol : makeAppProtocols(config.protocol_limits)) addProtocol(std::move(protocol));
}

void AppParsers::addProtocol(std::unique_ptr<AppProtocol> protocol) {
  live_.protocols.push_back({std::string(protocol->name()), 0, 0});
  protocols_.push_back(std::move(protocol));
}

int AppParsers::pluginFor(const char* app, uint8_t transport, const Flow& flow, Direction dir, const uint8_t* data,
                          size_t len, bool last_chance) const {
  if (app[0] != '\0') {
    // nDPI may be wrong (an LDAP message read as MQTT: both start 0x30): a plug-in whose port
    // the flow uses and whose probe its bytes match takes it, as Suricata's probing parsers
    // registered on that port would, unless the flow is on a port of the protocol nDPI named.
    const auto onPort = [&](const AppProtocol& proto) {
      return proto.usualPort(flow.server_port) || proto.usualPort(flow.client_port);
    };
    int by_port = kNoPlugin;
    for (size_t i = 0; i < protocols_.size() && by_port == kNoPlugin; ++i) {
      const AppProtocol& proto = *protocols_[i];
      if ((proto.transports() & transport) && onPort(proto) && proto.probe(transport, dir, data, len) == ProbeResult::Match) {
        by_port = static_cast<int>(i);
      }
    }
    for (size_t i = 0; i < protocols_.size(); ++i) {
      if (protocols_[i]->name() != app) continue;
      if (by_port != kNoPlugin && !onPort(*protocols_[i])) return by_port;
      return (protocols_[i]->transports() & transport) ? static_cast<int>(i) : kNoPlugin;
    }
    if (builtInParserFor(app)) return kNoPlugin;
    return by_port;
  }
  // The probes of the protocols registered on the flow's port go first, as Suricata runs
  // those probing parsers first: one of them unsure (an SMTP server's greeting on port 25,
  // which an FTP greeting starts alike) waits for the next bytes rather than let another
  // protocol's probe take the flow.
  bool unsure = false;
  for (const bool port_pass : {true, false}) {
    bool unsure_on_port = false;
    for (size_t i = 0; i < protocols_.size(); ++i) {
      const AppProtocol& proto = *protocols_[i];
      if (!(proto.transports() & transport)) continue;
      const bool on_port = proto.usualPort(flow.server_port) || proto.usualPort(flow.client_port);
      if (on_port != port_pass || (proto.probesUsualPortsOnly() && !on_port)) continue;
      switch (proto.probe(transport, dir, data, len)) {
        case ProbeResult::Match: return static_cast<int>(i);
        case ProbeResult::Unsure: unsure = true; unsure_on_port |= on_port; break;
        case ProbeResult::NoMatch: break;
      }
    }
    if (unsure_on_port && !last_chance) return kUndecided;
  }
  if (!unsure) return kNoPlugin;
  if (!last_chance) return kUndecided;
  for (size_t i = 0; i < protocols_.size(); ++i) {
    const AppProtocol& proto = *protocols_[i];
    if ((proto.transports() & transport) && proto.probe(transport, dir, data, len) == ProbeResult::Unsure &&
        (proto.usualPort(flow.server_port) || proto.usualPort(flow.client_port))) {
      return static_cast<int>(i);
    }
  }
  return kNoPlugin;
}

bool AppParsers::startPlugin(FlowParsers& p, size_t index, uint8_t transport) {
  if (!charge(p, protocols_[index]->parserBytes())) return false;
  p.parser = protocols_[index]->newParser(transport, memory_);
  p.plugin = static_cast<int>(index);
  p.kind = Kind::Plugin;
  return true;
}

bool AppParsers::startExpected(FlowParsers& p, Flow& flow) {
  const std::optional<ConnectionExpectations::Match> m = expectations_.take(flow, now_);
  if (!m) return false;
  if (!(protocols_[m->protocol]->transports() & AppProtocol::kTcp) ||
      !startPlugin(p, m->protocol, AppProtocol::kTcp)) {
    p.kind = Kind::None;
    return true;
  }
  p.parser->onExpected({m->context, m->same_client});
  // The flow speaks the announced protocol from its start, whatever nDPI makes of its bytes.
  if (identifier_) identifier_->nameAppProto(flow, protocols_[m->protocol]->name().data(), false);
  return true;
}

void AppParsers::feedPlugin(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  p.flow = &flow;
  p.dir = dir;
  p.parser->onData(dir, data, len, p);
  const ProtocolChange change = p.parser->protocolChange();
  if (change.to) handOver(p, flow, dir, change, data + len - std::min(change.unread, len));
}

bool AppParsers::requestProtocolChange(FlowParsers& p) {
  if (p.changed) return false;
  p.changed = true;
  return true;
}

// The plug-in is done with the flow (it keeps its transactions for its onEnd); what follows
// is probed afresh, as Suricata does after a protocol change: the bytes may show another
// protocol than the one asked for (an HTTP response after STARTTLS), which then takes it.
void AppParsers::handOver(FlowParsers& p, Flow& flow, Direction dir, const ProtocolChange& change, const uint8_t* rest) {
  if (!requestProtocolChange(p)) {
    p.kind = Kind::None;
    return;
  }
  p.changed_to = change.to;
  p.kind = Kind::Undecided;
  p.probed = 0;
  if (change.unread) onStreamData(flow, dir, rest, change.unread, 0);
}

size_t AppParsers::bytesPerFlow() { return ObserverRecords<FlowParsers>::kBytesPerRecord; }

bool AppParsers::charge(FlowParsers& p, size_t bytes) {
  if (!memory_) return true;
  if (!memory_->take(bytes)) return false;
  p.charged += bytes;
  return true;
}

// The session is logged and read no more (what detection inspects went out with its
// records): its memory, the certificate chain above all, goes back now rather than at the
// end of a flow that may last hours.
void AppParsers::retireTls(FlowParsers& p) {
  live_.tls_malformed += p.tls->counters().malformed + p.tls->counters().truncated;
  p.tls.reset();
  if (memory_) {
    memory_->give(sizeof(TlsParser));
    p.charged -= sizeof(TlsParser);
  }
}

AppParsers::~AppParsers() = default;

AppParsers::FlowParsers* AppParsers::parsersOf(const Flow& flow) const {
  return flows_.find(flow.observer_state[slot()], flow.flow_id);
}

AppParsers::FlowParsers& AppParsers::obtain(Flow& flow) {
  if (FlowParsers* p = parsersOf(flow)) return *p;
  FlowParsers& p = flows_.acquire(stateOf(flow));
  p.owner = this;
  p.reset(flow.flow_id);
  return p;
}

void AppParsers::stampFlow(const Flow& flow) {
  record_.ts = now_;
  record_.flow_id = flow.flow_id;
  record_.src_ip = flow.client_ip;
  record_.dest_ip = flow.server_ip;
  record_.src_port = flow.client_port;
  record_.dest_port = flow.server_port;
  record_.proto = flow.key.proto;
  record_.vlan[0] = flow.key.vlan[0];
  record_.vlan[1] = flow.key.vlan[1];
  record_.vlan_count = flow.vlan_count;
}

void AppParsers::stampMessage(const Flow& flow, Direction dir) {
  stampFlow(flow);
  if (dir == Direction::ToClient) {
    std::swap(record_.src_ip, record_.dest_ip);
    std::swap(record_.src_port, record_.dest_port);
  }
}

void AppParsers::emit(Flow& flow, Direction dir, AppEvent event, const AppLayerEventSet& events,
                      const AppLayerEventSet& fresh) {
  record_.event = event;
  record_.dir = dir;
  record_.events = events;
  record_.new_events = fresh;
  if (fresh.any()) {
    for (size_t i = 0; i < kAppLayerEventCount; ++i) live_.events[i] += fresh.test(i);
  }
  if (event != AppEvent::DnsMessage && event != AppEvent::Protocol) stampFlow(flow);
  for (AppEventListener* l : listeners_) l->onAppEvent(flow, record_);
}

bool AppParsers::wantsFrame(uint8_t type) const {
  return std::any_of(listeners_.begin(), listeners_.end(), [&](const AppEventListener* l) { return l->inspectsFrame(type); });
}

void AppParsers::emitFrame(Flow& flow, Direction dir, uint8_t type, const uint8_t* data, size_t len) {
  for (AppEventListener* l : listeners_) {
    if (l->inspectsFrame(type)) l->onAppFrame(flow, dir, type, data, len);
  }
}

void AppParsers::parseDns(Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  if (wantsFrame(app_frame::kDnsPdu)) emitFrame(flow, dir, app_frame::kDnsPdu, data, len);
  const bool parsed = dns_.parse(data, len, dns_message_);
  const AppLayerEventSet events = dnsEvents(dns_message_, parsed, dns_.lastError(), dir);
  if (!parsed) {
    ++live_.dns_malformed;
    // A message cut short still names its question; anything less is not reported, but
    // its events are.
    if (dns_message_.queries.empty()) {
      record_.body = dns_message_;
      emit(flow, dir, AppEvent::ParserEvents, events, events);
      return;
    }
  }
  ++live_.dns_messages;
  stampMessage(flow, dir);
  record_.body = dns_message_;
  emit(flow, dir, AppEvent::DnsMessage, events, events);
}

void AppParsers::onPacket(const DecodedPacket& pkt, Flow& flow, Direction dir) {
  now_ = pkt.ts;
  if (pkt.proto != static_cast<uint8_t>(IpProto::Udp) || pkt.payload_len == 0) return;
  FlowParsers& p = obtain(flow);
  if (p.kind == Kind::Undecided) {
    const char* app = identifier_ ? identifier_->appProtoOf(flow) : "";
    const bool port53 = flow.server_port == 53 || flow.client_port == 53;
    if (std::strcmp(app, "dns") == 0 || (app[0] == '\0' && port53)) {
      p.kind = Kind::Dns;
    } else {
      const int plugin = pluginFor(app, AppProtocol::kUdp, flow, dir, pkt.payload, pkt.payload_len, true);
      // A flow the worker's app-layer memory has no room for goes unparsed (counted there).
      if (plugin < 0 || !startPlugin(p, static_cast<size_t>(plugin), AppProtocol::kUdp)) p.kind = Kind::None;
    }
  }
  if (p.kind == Kind::Dns) parseDns(flow, dir, pkt.payload, pkt.payload_len);
  if (p.kind == Kind::Plugin) feedPlugin(p, flow, dir, pkt.payload, pkt.payload_len);
}

void AppParsers::onStreamData(Flow& flow, Direction dir, const uint8_t* data, size_t len, uint64_t) {
  FlowParsers& p = obtain(flow);
  p.flow = &flow;
  p.dir = dir;
  const bool first_of_side = !p.data_seen[static_cast<int>(dir)] && len > 0;
  p.data_seen[static_cast<int>(dir)] |= len > 0;
  if (p.kind == Kind::Undecided && !expectations_.empty() && first_of_side) startExpected(p, flow);
  if (p.kind == Kind::Undecided && p.changed_to) {
    // After a protocol change: what the bytes show, else (past the probe's bytes) what was asked.
    p.probed += len;
    p.kind = probedKind(data, len, dir);
    if (p.kind == Kind::Undecided && p.probed > kProbeBytes) p.kind = kindNamed(p.changed_to);
    const char* name = p.kind == Kind::Http ? "http" : p.kind == Kind::Tls ? "tls" : p.kind == Kind::Ssh ? "ssh" : nullptr;
    if (name && identifier_) identifier_->nameAppProto(flow, name, true);
    if (p.kind != Kind::Undecided) p.changed_to = nullptr;
    constructParser(p, flow);
  } else if (p.kind == Kind::Undecided) {
    const char* app = identifier_ ? identifier_->appProtoOf(flow) : "";
    p.probed += len;
    const bool both_sides = p.data_seen[0] && p.data_seen[1];
    const bool last_chance = app[0] != '\0' || p.probed > (both_sides ? kProbeBytes : kOneSidedProbeBytes);
    const int plugin = pluginFor(app, AppProtocol::kTcp, flow, dir, data, len, last_chance);
    if (plugin >= 0) {
      if (!startPlugin(p, static_cast<size_t>(plugin), AppProtocol::kTcp)) p.kind = Kind::None;
    } else if ((app[0] == '\0' || std::strcmp(app, "http") == 0) && dir == Direction::ToServer &&
               looksLikeHttp2Preface(data, len)) {
      p.kind = Kind::Http2;
    } else if (std::strcmp(app, "http") == 0 || (app[0] == '\0' && dir == Direction::ToServer && looksLikeHttpRequest(data, len))) {
      p.kind = Kind::Http;
    } else if (std::strcmp(app, "tls") == 0 || (app[0] == '\0' && looksLikeTlsRecord(data, len))) {
      p.kind = Kind::Tls;
    } else if (std::strcmp(app, "dns") == 0 || (app[0] == '\0' && (flow.server_port == 53 || flow.client_port == 53))) {
      p.kind = Kind::Dns;
    } else if (std::strcmp(app, "ssh") == 0 || (app[0] == '\0' && looksLikeSshBanner(data, len))) {
      p.kind = Kind::Ssh;
    } else if (last_chance) {
      p.kind = Kind::None;
    }
    constructParser(p, flow);
  }
  if (first_of_side) checkDirections(p, flow, dir, data, len);
  feedDecided(p, flow, dir, data, len);
}

// The built-in parser of the kind the flow was given.
void AppParsers::constructParser(FlowParsers& p, Flow& flow) {
  // A flow the worker's app-layer memory has no room for goes unparsed (counted there).
  if (p.kind == Kind::Http) {
    if (charge(p, sizeof(HttpParser) + kLibhtpFlowBytes)) {
      p.http = std::make_unique<HttpParser>(http_settings_, files_.get());
      p.http->joinRanges(ranges_);
    }
    else p.kind = Kind::None;
  }
  if (p.kind == Kind::Http2 && !startHttp2(p, flow, 0)) p.kind = Kind::None;
  if (p.kind == Kind::Tls) {
    if (charge(p, sizeof(TlsParser))) p.tls = std::make_unique<TlsParser>(memory_);
    else p.kind = Kind::None;
  }
  if (p.kind == Kind::Ssh) {
    if (charge(p, sizeof(SshFlow) + 2 * SshBannerReader::kMaxLine)) p.ssh = std::make_unique<SshFlow>();
    else p.kind = Kind::None;
  }
}

void AppParsers::feedDecided(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  switch (p.kind) {
    case Kind::Http:
      // An h2c upgrade is a protocol change: refused on a flow that changed once already.
      if (p.changed) p.http->refuseUpgrades();
      p.http->onData(dir, data, len, now_, p);
      if (p.http->upgradedToH2c() && requestProtocolChange(p)) upgradeToHttp2(p, flow);
      if (p.http->upgradedToWebsocket() && requestProtocolChange(p)) upgradeToPlugin(p, flow, "websocket");
      break;
    case Kind::Http2:
      feedHttp2(p, flow, dir, data, len);
      break;
    case Kind::Tls: {
      if (!p.tls) break;  // retired: nothing more to learn
      const uint8_t events = p.tls->onData(dir, data, len);
      // New events ride on the first record this data completes, else on one of their own.
      AppLayerEventSet fresh = p.tls->takeNewEvents();
      for (auto [bit, event] : {std::pair{TlsParser::kClientHello, AppEvent::TlsClientHello},
                                std::pair{TlsParser::kServerHello, AppEvent::TlsServerHello},
                                std::pair{TlsParser::kCertificates, AppEvent::TlsCertificates}}) {
        if (!(events & bit)) continue;
        record_.body = p.tls->handshake();
        emit(flow, dir, event, p.tls->events(), fresh);
        fresh.reset();
      }
      if (fresh.any()) {
        record_.body = p.tls->handshake();
        emit(flow, dir, AppEvent::ParserEvents, p.tls->events(), fresh);
      }
      if (p.tls->done()) {
        if (p.tls->handshake().client_hello) {
          record_.body = p.tls->handshake();
          emit(flow, dir, AppEvent::TlsDone, p.tls->events());
          ++live_.tls_sessions;
        }
        retireTls(p);
      }
      break;
    }
    case Kind::Dns: {
      auto& framer = p.dns_tcp[static_cast<int>(dir)];
      if (!framer) {
        if (!charge(p, sizeof(DnsTcpFramer))) break;
        framer = std::make_unique<DnsTcpFramer>(memory_);
      }
      framer->feed(data, len, [&](const uint8_t* msg, size_t n) { parseDns(flow, dir, msg, n); });
      break;
    }
    case Kind::Ssh:
      parseSsh(p, flow, dir, data, len);
      break;
    case Kind::Plugin:
      feedPlugin(p, flow, dir, data, len);
      break;
    default: break;
  }
}

// Protocol detection events, on each direction's first data: a protocol that speaks first
// from the client (HTTP, TLS) heard first from the server, and two directions whose bytes
// show different protocols.
void AppParsers::checkDirections(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  AppLayerEventSet fresh;
  const bool client_first = p.kind == Kind::Http || p.kind == Kind::Http2 || p.kind == Kind::Tls;
  if (client_first && dir == Direction::ToClient && !p.data_seen[static_cast<int>(Direction::ToServer)]) {
    raise(fresh, AppLayerEvent::ApplayerWrongDirectionFirstData);
  }
  const Kind shown = probedKind(data, len, dir);
  const bool decided = p.kind != Kind::Undecided && p.kind != Kind::None;
  if (decided && shown != Kind::Undecided && shown != p.kind) {
    raise(fresh, AppLayerEvent::ApplayerMismatchProtocolBothDirections);
  }
  fresh &= ~p.detection_events;
  if (fresh.none()) return;
  p.detection_events |= fresh;
  emit(flow, dir, AppEvent::ParserEvents, p.detection_events, fresh);
}

void AppParsers::parseSsh(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  SshFlow& ssh = *p.ssh;
  const bool client = dir == Direction::ToServer;
  SshBannerReader& reader = ssh.reader[static_cast<int>(dir)];
  if (ssh.logged || reader.state() != SshBannerReader::State::Reading) return;
  switch (reader.feed(data, len, client ? ssh.session.client : ssh.session.server)) {
    case SshBannerReader::State::Done:
      record_.body = ssh.session;
      emit(flow, dir, AppEvent::SshBanner, ssh.events);
      if (ssh.session.client.seen && ssh.session.server.seen) logSsh(p, flow, dir);
      break;
    case SshBannerReader::State::NotSsh: {
      ++live_.ssh_malformed;
      AppLayerEventSet fresh;
      raise(fresh, reader.longBanner() ? AppLayerEvent::SshLongBanner : AppLayerEvent::SshInvalidBanner);
      ssh.events |= fresh;
      record_.body = ssh.session;
      emit(flow, dir, AppEvent::ParserEvents, ssh.events, fresh);
      break;
    }
    case SshBannerReader::State::Reading: break;
  }
}

void AppParsers::logSsh(FlowParsers& p, Flow& flow, Direction dir) {
  p.ssh->logged = true;
  ++live_.ssh_sessions;
  record_.body = p.ssh->session;
  emit(flow, dir, AppEvent::SshDone, p.ssh->events);
}

bool AppParsers::startHttp2(FlowParsers& p, Flow& flow, uint64_t first_id) {
  if (!charge(p, sizeof(Http2Parser) + kHttp2FlowBytes)) return false;
  p.http2 = std::make_unique<Http2Parser>(http2_config_, first_id, files_.get(), &p);
  p.kind = Kind::Http2;
  if (identifier_) identifier_->nameAppProto(flow, "http2", first_id != 0);
  return true;
}

// The 101 is in: HTTP/1 is done with the flow (its transactions so far are reported, the
// rest at the flow's end), and what each side sent past it is HTTP/2's, stream 1 the
// upgrade request's.
void AppParsers::upgradeToHttp2(FlowParsers& p, Flow& flow) {
  const HttpTransaction& request = p.http->h2cRequest();
  if (!startHttp2(p, flow, request.id + 1)) {
    p.kind = Kind::None;
    return;
  }
  p.http2->upgradeFrom(request);
  for (Direction dir : {Direction::ToServer, Direction::ToClient}) {
    const std::string rest = p.http->takeUpgradeRest(dir);
    if (!rest.empty()) feedHttp2(p, flow, dir, reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  }
}

// HTTP/1 is done with the flow, as for h2c; what each side sent past the 101 is the plug-in's.
void AppParsers::upgradeToPlugin(FlowParsers& p, Flow& flow, std::string_view name) {
  const auto it = std::find_if(protocols_.begin(), protocols_.end(), [&](const auto& proto) { return proto->name() == name; });
  if (it == protocols_.end() || !startPlugin(p, static_cast<size_t>(it - protocols_.begin()), AppProtocol::kTcp)) {
    p.kind = Kind::None;
    return;
  }
  if (identifier_) identifier_->nameAppProto(flow, (*it)->name().data(), true);
  for (Direction dir : {Direction::ToServer, Direction::ToClient}) {
    const std::string rest = p.http->takeUpgradeRest(dir);
    if (!rest.empty()) feedPlugin(p, flow, dir, reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  }
}

void AppParsers::feedHttp2(FlowParsers& p, Flow& flow, Direction dir, const uint8_t* data, size_t len) {
  p.flow = &flow;
  p.dir = dir;
  p.http2->onData(dir, data, len, p);
  emitHttp2Events(p, flow);
}

// Connection-level anomalies no stream carried (a bad preface, a frame on stream 0) are
// raised on the flow.
void AppParsers::emitHttp2Events(FlowParsers& p, Flow& flow) {
  const AppLayerEventSet fresh = p.http2->takeConnectionEvents();
  if (fresh.none()) return;
  http2_events_tx_.clear();
  http2_events_tx_.http2_stream = 0;
  record_.body = http2_events_tx_;
  emit(flow, p.dir, AppEvent::ParserEvents, fresh, fresh);
}

void AppParsers::onStreamGap(Flow& flow, Direction dir, uint64_t, uint64_t len) {
  FlowParsers* p = parsersOf(flow);
  if (!p) return;
  if (p->http) p->http->onGap(dir, len);
  if (p->http2) p->http2->onGap(dir);
  if (p->tls) p->tls->onGap(dir);
  if (auto& framer = p->dns_tcp[static_cast<int>(dir)]) framer->gap();
  if (p->parser) p->parser->onGap(dir);
}

void AppParsers::onFlowEnd(Flow& flow) {
  FlowParsers* p = parsersOf(flow);
  if (!p) return;
  p->flow = &flow;
  if (p->http) {
    p->http->onEnd(now_, *p);
    live_.http_errors += p->http->counters().parse_errors;
  }
  if (p->http2) {
    p->http2->onEnd(*p);
    const Http2ParserCounters& c = p->http2->counters();
    live_.http2_malformed += c.malformed_frames + c.hpack_errors;
    emitHttp2Events(*p, flow);
  }
  if (p->tls) {
    if (p->tls->handshake().client_hello) {
      record_.body = p->tls->handshake();
      emit(flow, Direction::ToServer, AppEvent::TlsDone, p->tls->events());
      ++live_.tls_sessions;
    }
    retireTls(*p);
  }
  if (p->ssh && !p->ssh->logged && (p->ssh->session.client.seen || p->ssh->session.server.seen)) {
    logSsh(*p, flow, Direction::ToServer);
  }
  if (p->parser) p->parser->onEnd(*p);
  p->reset(0);
  flows_.release(stateOf(flow));
}

void AppParsers::describe(const Flow& flow, FlowRecord& record) {
  const FlowParsers* p = parsersOf(flow);
  // The plug-in that parsed the flow names it: nDPI named it so, had no verdict, or one its
  // probe overruled; after a protocol change the identifier names the new one.
  if (!p || p->plugin < 0 || p->changed) return;
  const std::string_view name = protocols_[static_cast<size_t>(p->plugin)]->name();
  const size_t n = std::min(name.size(), sizeof record.app.proto - 1);
  std::memcpy(record.app.proto, name.data(), n);
  record.app.proto[n] = '\0';
}

void AppParsers::publish() {
  if (files_) live_.files = files_->counters();
  live_.expectations = expectations_.counters();
  published_.set(live_);
}

}  // namespace mamori
