#include "applayer/app_identifier.h"

#include "applayer/ndpi_allocator.h"

#include <ndpi/ndpi_api.h>

#include <algorithm>
#include <cstring>

namespace mamori {
namespace {

// Suricata's app_proto names for the protocols it parses, so that EVE consumers and
// rules (`alert tls`, app-layer-protocol:dns) see the names they know; nDPI's own name
// otherwise. Protocols wrapped in TLS are "tls", as Suricata sees them.
const char* suricataName(uint16_t id) {
  switch (id) {
    case NDPI_PROTOCOL_HTTP:
    case NDPI_PROTOCOL_HTTP_CONNECT:
    case NDPI_PROTOCOL_HTTP_PROXY: return "http";
    case NDPI_PROTOCOL_TLS:
    case NDPI_PROTOCOL_MAIL_IMAPS:
    case NDPI_PROTOCOL_MAIL_POPS:
    case NDPI_PROTOCOL_MAIL_SMTPS: return "tls";
    case NDPI_PROTOCOL_DNS: return "dns";
    case NDPI_PROTOCOL_SSH: return "ssh";
    case NDPI_PROTOCOL_SMBV1:
    case NDPI_PROTOCOL_SMBV23: return "smb";
    case NDPI_PROTOCOL_FTP_CONTROL: return "ftp";
    case NDPI_PROTOCOL_FTP_DATA: return "ftp-data";
    case NDPI_PROTOCOL_MAIL_SMTP: return "smtp";
    case NDPI_PROTOCOL_MAIL_IMAP: return "imap";
    case NDPI_PROTOCOL_MAIL_POP: return "pop3";
    case NDPI_PROTOCOL_KERBEROS: return "krb5";
    // Suricata's dhcp is DHCPv4 only: a DHCPv6 flow is no dhcp flow.
    case NDPI_PROTOCOL_DHCP: return "dhcp";
    case NDPI_PROTOCOL_NTP: return "ntp";
    case NDPI_PROTOCOL_QUIC: return "quic";
    case NDPI_PROTOCOL_RDP: return "rdp";
    case NDPI_PROTOCOL_SNMP: return "snmp";
    case NDPI_PROTOCOL_SIP: return "sip";
    case NDPI_PROTOCOL_TFTP: return "tftp";
    case NDPI_PROTOCOL_MODBUS: return "modbus";
    case NDPI_PROTOCOL_DNP3: return "dnp3";
    case NDPI_PROTOCOL_MQTT: return "mqtt";
    case NDPI_PROTOCOL_TELNET: return "telnet";
    case NDPI_PROTOCOL_NFS: return "nfs";
    case NDPI_PROTOCOL_POSTGRES: return "pgsql";
    case NDPI_PROTOCOL_VNC: return "rfb";
    case NDPI_PROTOCOL_DCERPC: return "dcerpc";
    case NDPI_PROTOCOL_IRC: return "irc";
    case NDPI_PROTOCOL_LDAP: return "ldap";
    case NDPI_PROTOCOL_IP_IPSEC: return "ike";
    case NDPI_PROTOCOL_ETHERNET_IP: return "enip";
    default: return nullptr;
  }
}

template <size_t N>
void copyName(char (&into)[N], const char* from) {
  std::strncpy(into, from ? from : "", N - 1);
  into[N - 1] = '\0';
}

}  // namespace

AppIdentifier::AppIdentifier(const Config& config, AppMemory* memory)
    : config_(config), memory_(memory), module_(config.files) {
  // Custom protocols from the protocols file come after the built-in ones.
  const size_t count = ndpi_get_num_supported_protocols(module_.get());
  names_.resize(count);
  for (uint16_t id = 1; id < count; ++id) {
    const char* name = suricataName(id);
    names_[id] = name ? name : ndpi_get_proto_name(module_.get(), id);
  }
  live_.flows_by_proto.assign(count, 0);
}

AppIdentifier::~AppIdentifier() {
  states_.forEach([this](State& s) { freeNdpi(s); });
}

void AppIdentifier::freeNdpi(State& s) {
  if (!s.ndpi) return;
  {
    NdpiAllocator::Scope scope(memory_, s.ndpi_bytes);
    ndpi_free_flow(s.ndpi);
  }
  s.ndpi = nullptr;
  (s.older ? s.older->newer : oldest_) = s.newer;
  (s.newer ? s.newer->older : newest_) = s.older;
  s.older = s.newer = nullptr;
  // What nDPI freed outside its hooks, or kept in its module while dissecting this flow.
  if (memory_) memory_->give(s.ndpi_bytes);
  s.ndpi_bytes = 0;
  --live_.flows_in_progress;
}

AppIdentifier::State* AppIdentifier::stateFor(const Flow& flow) const {
  return states_.find(flow.observer_state[slot()], flow.flow_id);
}

void AppIdentifier::onPacket(const DecodedPacket& pkt, Flow& flow, Direction) {
  State* s = stateFor(flow);
  if (!s) {
    s = &states_.acquire(stateOf(flow));
    *s = State{};
    s->flow_id = flow.flow_id;
    s->tcp = pkt.proto == static_cast<uint8_t>(IpProto::Tcp);
    // With no room in the worker's app-layer memory the flow stays unidentified (counted there).
    if (memory_) makeRoom();
    if (!memory_ || !memory_->full()) {
      NdpiAllocator::Scope scope(memory_, s->ndpi_bytes);
      s->ndpi = static_cast<ndpi_flow_struct*>(ndpi_flow_malloc(SIZEOF_FLOW_STRUCT));
      if (s->ndpi) {
        std::memset(s->ndpi, 0, SIZEOF_FLOW_STRUCT);
        ++live_.flows_in_progress;
        s->older = newest_;
        (newest_ ? newest_->newer : oldest_) = s;
        newest_ = s;
      }
    }
  }
  if (s->decided || !s->ndpi || !pkt.l3) return;
  // nDPI's buffers grow as it dissects: once the budget is spent, the flows identifying
  // longest (this one, if it is) take what nDPI knows so far rather than hold more.
  if (memory_ && memory_->used() >= memory_->limit()) {
    makeRoom();
    if (s->decided) return;
    if (memory_->full()) {
      decide(*s, true);
      return;
    }
  }
  const uint64_t packets = flow.pkts[0] + flow.pkts[1];
  const bool budget_spent = (pkt.proto == static_cast<uint8_t>(IpProto::Tcp) && packets > config_.tcp_packets) ||
                            (pkt.proto == static_cast<uint8_t>(IpProto::Udp) && packets > config_.udp_packets);
  ndpi_protocol found;
  {
    NdpiAllocator::Scope scope(memory_, s->ndpi_bytes);
    found = ndpi_detection_process_packet(module_.get(), s->ndpi, pkt.l3,
                                          static_cast<unsigned short>(std::min<uint32_t>(pkt.l3_len, 65535)),
                                          static_cast<uint64_t>(pkt.ts / 1000));
  }
  s->master = found.master_protocol;
  s->app = found.app_protocol;
  s->category = found.category;
  s->confidence = static_cast<uint8_t>(s->ndpi->confidence);
  if (!budget_spent && found.app_protocol == NDPI_PROTOCOL_UNKNOWN) return;
  // Known: keep going while nDPI can still learn more (a certificate after the hello).
  if (!budget_spent && ndpi_extra_dissection_possible(module_.get(), s->ndpi)) return;
  decide(*s, found.app_protocol == NDPI_PROTOCOL_UNKNOWN);
}

void AppIdentifier::makeRoom() {
  // Each gives back a few KiB; a handful is enough for one new flow.
  constexpr int kMostCut = 4;
  for (int i = 0; i < kMostCut && oldest_ && memory_->used() >= memory_->limit(); ++i) {
    decide(*oldest_, true);
    ++live_.flows_cut;
  }
}

size_t AppIdentifier::bytesPerFlow() { return ObserverRecords<State>::kBytesPerRecord; }

void AppIdentifier::decide(State& s, bool give_up) {
  if (give_up) {
    uint8_t guessed = 0;
    NdpiAllocator::Scope scope(memory_, s.ndpi_bytes);
    const ndpi_protocol found = ndpi_detection_giveup(module_.get(), s.ndpi, 1, &guessed);
    s.master = found.master_protocol;
    s.app = found.app_protocol;
    s.category = found.category;
  }
  s.confidence = static_cast<uint8_t>(s.ndpi->confidence);
  s.risks = s.ndpi->risk;
  s.decided = true;
  freeNdpi(s);
}

void AppIdentifier::describe(const Flow& flow, FlowRecord& record) {
  State* s = stateFor(flow);
  if (!s) return;
  if (!s->decided && s->ndpi) decide(*s, true);
  const AppProtoId id = confidentIdOf(*s);
  if (id == 0) {
    ++live_.flows_unknown;
    if (idOf(*s) != 0) ++live_.flows_guessed;
  } else if (id < live_.flows_by_proto.size()) {
    ++live_.flows_by_proto[id];
  }
  copyName(record.app.proto, s->named ? s->named : appProtoName(confidentIdOf(*s)).c_str());
  ndpi_protocol proto{s->master, s->app, static_cast<ndpi_protocol_category_t>(s->category)};
  char name[64];
  copyName(record.app.detail, ndpi_protocol2name(module_.get(), proto, name, sizeof name));
  copyName(record.app.category, ndpi_category_get_name(module_.get(), proto.category));
  copyName(record.app.confidence, ndpi_confidence_get_name(static_cast<ndpi_confidence_t>(s->confidence)));
  record.app.risks = s->risks;
}

void AppIdentifier::onFlowEnd(Flow& flow) {
  State* s = stateFor(flow);
  if (!s) return;
  freeNdpi(*s);
  states_.release(stateOf(flow));
}

void AppIdentifier::publish() { published_.set(live_); }

const char* AppIdentifier::appProtoOf(const Flow& flow) const {
  const char* original = nullptr;
  return appProtoOf(flow, original);
}

void AppIdentifier::nameAppProto(const Flow& flow, const char* name, bool changed) {
  State* s = stateFor(flow);
  if (!s) return;
  if (changed) s->original = appProtoOf(flow);
  s->named = name;
}

const char* AppIdentifier::appProtoOf(const Flow& flow, const char*& original) const {
  const State* s = stateFor(flow);
  original = s ? s->original : "";
  if (s && s->named) return s->named;
  return appProtoName(s ? confidentIdOf(*s) : 0).c_str();
}

AppProtoId AppIdentifier::appProtoIdOf(const Flow& flow) const {
  const State* s = stateFor(flow);
  return s ? confidentIdOf(*s) : 0;
}

AppProtoId AppIdentifier::idOf(const State& s) {
  const AppProtoId id = s.master ? s.master : s.app;
  // NetBIOS's session service over TCP (139, and 445 where nDPI names SMB1 by its NBSS
  // header) is SMB's transport: Suricata's SMB parser takes those flows, as mamori's does.
  return s.tcp && id == NDPI_PROTOCOL_NETBIOS ? static_cast<AppProtoId>(NDPI_PROTOCOL_SMBV1) : id;
}

AppProtoId AppIdentifier::confidentIdOf(const State& s) {
  const bool seen = s.confidence == NDPI_CONFIDENCE_DPI || s.confidence == NDPI_CONFIDENCE_DPI_CACHE;
  return seen ? idOf(s) : 0;
}

const std::string& AppIdentifier::appProtoName(AppProtoId id) const {
  static const std::string kUnknown;
  return id < names_.size() ? names_[id] : kUnknown;
}

}  // namespace mamori
