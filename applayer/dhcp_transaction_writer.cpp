#include "applayer/dhcp_transaction_writer.h"

#include <iterator>

#include "applayer/ipv4_text.h"

namespace mamori {
namespace {

// Option 53's values as Suricata names them (RFC 2132 section 9.6).
constexpr const char* kMessageTypes[] = {"unknown", "discover", "offer", "request", "decline",
                                         "ack",     "nak",      "release", "inform"};

// The requested-parameter codes Suricata names in `params`; it leaves out the others.
struct ParamName {
  uint8_t code;
  const char* name;
};
constexpr ParamName kParamNames[] = {
    {1, "subnet_mask"}, {3, "router"},      {6, "dns_server"},        {15, "domain"},
    {35, "arp_timeout"}, {42, "ntp_server"}, {66, "tftp_server_name"}, {150, "tftp_server_ip"},
};

const char* paramName(uint8_t code) {
  for (const ParamName& p : kParamNames) {
    if (p.code == code) return p.name;
  }
  return nullptr;
}

}  // namespace

void DhcpTransactionWriter::write(const DhcpMessage& m, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "dhcp";
  // The client's messages are requests whichever flow they travel on: a DHCP exchange spans
  // flows (a broadcast discover, a unicast offer), so the sender's side says little.
  out.role = m.op == DhcpMessage::kBootRequest ? Direction::ToServer : Direction::ToClient;
  if (m.lease_time) out.addNumber("dhcp.leasetime", *m.lease_time);
  if (m.renewal_time) out.addNumber("dhcp.renewal_time", *m.renewal_time);
  if (m.rebinding_time) out.addNumber("dhcp.rebinding_time", *m.rebinding_time);
  if (m.malformed_options) raise(out.events, AppLayerEvent::DhcpMalformedOptions);
  if (m.truncated_options) raise(out.events, AppLayerEvent::DhcpTruncatedOptions);

  eve_.begin();
  eve_.key("type");
  eve_.string(m.op == DhcpMessage::kBootRequest ? "request" : "reply");
  eve_.key("id");
  eve_.number(m.xid);
  hex("client_mac", m.chaddr);
  address("assigned_ip", m.yiaddr);
  address("client_ip", m.ciaddr);
  if (m.op == DhcpMessage::kBootReply) {
    address("relay_ip", m.giaddr);
    address("next_server_ip", m.siaddr);
  }
  if (m.message_type) {
    eve_.key("dhcp_type");
    eve_.string(*m.message_type < std::size(kMessageTypes) ? kMessageTypes[*m.message_type] : "unknown");
  }
  if (!m.client_id.empty()) hex("client_id", m.client_id);
  eve_.text("hostname", m.hostname);
  if (m.requested_ip) address("requested_ip", *m.requested_ip);
  if (m.lease_time) {
    eve_.key("lease_time");
    eve_.number(*m.lease_time);
  }
  if (m.renewal_time) {
    eve_.key("renewal_time");
    eve_.number(*m.renewal_time);
  }
  if (m.rebinding_time) {
    eve_.key("rebinding_time");
    eve_.number(*m.rebinding_time);
  }
  if (m.subnet_mask) address("subnet_mask", *m.subnet_mask);
  bool named_params = false;
  for (char code : m.params) named_params |= paramName(static_cast<uint8_t>(code)) != nullptr;
  if (named_params) {  // the schema wants the array non-empty
    eve_.key("params");
    eve_.startArray();
    for (char code : m.params) {
      if (const char* name = paramName(static_cast<uint8_t>(code))) eve_.string(name);
    }
    eve_.endArray();
  }
  addresses("routers", m.routers);
  addresses("dns_servers", m.dns_servers);
  eve_.text("vendor_class_identifier", m.vendor_class);
  eve_.finish(out.eve);
}

void DhcpTransactionWriter::address(const char* key, const Ipv4Bytes& a) {
  char text[16];
  eve_.key(key);
  eve_.string(ipv4Text(a.data(), text));
}

void DhcpTransactionWriter::addresses(const char* key, std::string_view packed) {
  if (packed.empty()) return;
  eve_.key(key);
  eve_.startArray();
  for (size_t i = 0; i + 4 <= packed.size(); i += 4) {
    char text[16];
    eve_.string(ipv4Text(reinterpret_cast<const uint8_t*>(packed.data() + i), text));
  }
  eve_.endArray();
}

void DhcpTransactionWriter::hex(const char* key, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  scratch_.clear();
  for (char c : bytes) {
    if (!scratch_.empty()) scratch_.push_back(':');
    const auto b = static_cast<uint8_t>(c);
    scratch_.push_back(kDigits[b >> 4]);
    scratch_.push_back(kDigits[b & 0xf]);
  }
  eve_.key(key);
  eve_.string(scratch_);
}

}  // namespace mamori
