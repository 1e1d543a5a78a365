#include "applayer/rdp_transaction_writer.h"

#include "applayer/rdp_names.h"
#include "applayer/utf16_text.h"

namespace mamori {
namespace {

constexpr size_t kMaxText = 256;  // a client name is 15 characters, a product id 31

// The color depth Suricata reports: the high color depth, else the post-beta2 one, else the
// original field (MS-RDPBCGR 2.2.1.3.2); 0 when none names one.
uint32_t colorDepth(const RdpClientCore& c) {
  if (c.high_color_depth) {
    switch (*c.high_color_depth) {
      case 0x04: return 4;
      case 0x08: return 8;
      case 0x0f: return 15;
      case 0x10: return 16;
      case 0x18: return 24;
      default: break;
    }
  }
  const auto rnsUd = [](uint16_t v) -> uint32_t {
    switch (v) {
      case 0xca00: return 4;
      case 0xca01: return 8;
      case 0xca02: return 15;
      case 0xca03: return 16;
      case 0xca04: return 24;
      default: return 0;
    }
  };
  if (c.post_beta2_color_depth) {
    if (const uint32_t depth = rnsUd(*c.post_beta2_color_depth)) return depth;
  }
  const uint32_t depth = rnsUd(c.color_depth);
  return depth == 4 || depth == 8 ? depth : 0;  // the original field names only these two
}

}  // namespace

void RdpTransactionWriter::begin(uint64_t tx_id, const char* event_type, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "rdp";
  eve_.begin();
  eve_.key("tx_id");
  eve_.number(tx_id);
  eve_.key("event_type");
  eve_.string(event_type);
}

void RdpTransactionWriter::write(const RdpMessage& m, uint64_t tx_id, ProtocolTransaction& out) {
  switch (m.kind) {
    case RdpMessage::Kind::ConnectionRequest:
      begin(tx_id, "initial_request", out);
      out.role = Direction::ToServer;
      eve_.text("cookie", m.cookie);
      break;
    case RdpMessage::Kind::ConnectionConfirm:
      begin(tx_id, "initial_response", out);
      out.role = Direction::ToClient;
      break;
    case RdpMessage::Kind::ConnectInitial:
      begin(tx_id, "connect_request", out);
      out.role = Direction::ToServer;
      if (m.client) client(*m.client);
      if (m.channel_count) {
        eve_.key("channels");
        eve_.startArray();
        for (size_t i = 0; i < m.channel_count; ++i) eve_.string(m.channels[i]);
        eve_.endArray();
      }
      break;
    case RdpMessage::Kind::ConnectResponse:
      begin(tx_id, "connect_response", out);
      out.role = Direction::ToClient;
      break;
    case RdpMessage::Kind::Other: return;
  }
  eve_.finish(out.eve);
}

void RdpTransactionWriter::writeTlsHandshake(uint64_t tx_id, ProtocolTransaction& out) {
  begin(tx_id, "tls_handshake", out);
  eve_.finish(out.eve);
}

void RdpTransactionWriter::client(const RdpClientCore& c) {
  eve_.key("client");
  eve_.startObject();
  eve_.key("version");
  eve_.string(rdpVersionName(c.version));
  eve_.key("desktop_width");
  eve_.number(c.desktop_width);
  eve_.key("desktop_height");
  eve_.number(c.desktop_height);
  if (const uint32_t depth = colorDepth(c)) {
    eve_.key("color_depth");
    eve_.number(depth);
  }
  eve_.key("keyboard_layout");
  eve_.string(rdpLocaleName(c.keyboard_layout));
  eve_.key("build");
  eve_.string(rdpBuildName(c.build));
  utf16("client_name", c.client_name);
  if (const std::string_view type = rdpKeyboardTypeName(c.keyboard_type); type != "unknown") {
    eve_.key("keyboard_type");
    eve_.string(type);
  }
  if (c.function_keys) {
    eve_.key("function_keys");
    eve_.number(c.function_keys);
  }
  if (c.product_id) {
    eve_.key("product_id");
    eve_.number(*c.product_id);
  }
  utf16("id", c.dig_product_id);
  eve_.endObject();
}

void RdpTransactionWriter::utf16(const char* key, std::string_view utf16le) {
  scratch_.clear();
  appendUtf16Le(reinterpret_cast<const uint8_t*>(utf16le.data()), utf16le.size(), scratch_, kMaxText);
  eve_.text(key, scratch_);
}

}  // namespace mamori
