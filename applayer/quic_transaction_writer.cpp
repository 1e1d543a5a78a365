#include "applayer/quic_transaction_writer.h"

#include "applayer/quic_packet_header.h"

namespace mamori {

const char* tlsExtensionName(uint16_t type) {
  static constexpr const char* kNames[] = {
      "server_name", "max_fragment_length", "client_certificate_url", "trusted_ca_keys", "truncated_hmac",
      "status_request", "user_mapping", "client_authz", "server_authz", "cert_type", "supported_groups",
      "ec_point_formats", "srp", "signature_algorithms", "use_srtp", "heartbeat", "alpn", "status_request_v2",
      "signed_certificate_timestamp", "client_certificate_type", "server_certificate_type", "padding",
      "encrypt_then_mac", "extended_master_secret", "token_binding", "cached_info", "tls_lts",
      "compress_certificate", "record_size_limit", "pwd_protect", "pwd_clear", "password_salt", "ticket_pinning",
      "tls_cert_with_extern_psk", "delegated_credentials", "session_ticket", "tlmsp", "tlmsp_proxying",
      "tlmsp_delegate", "supported_ekt_ciphers", nullptr, "pre_shared_key", "early_data", "supported_versions",
      "cookie", "psk_key_exchange_modes", nullptr, "certificate_authorities", "oid_filters", "post_handshake_auth",
      "signature_algorithms_cert", "key_share", "transparency_info", "connection_id_deprecated", "connection_id",
      "external_id_hash", "external_session_id", "quic_transport_parameters", "ticket_request", "dnssec_chain",
  };
  if (type < std::size(kNames)) return kNames[type];
  if (type == 13172) return "next_protocol_negotiation";
  if (type == 65281) return "renegotiation_info";
  return nullptr;
}

void QuicTransactionWriter::write(const QuicPacketRecord& r, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "quic";
  const char version_bytes[4] = {static_cast<char>(r.version >> 24), static_cast<char>(r.version >> 16),
                                 static_cast<char>(r.version >> 8), static_cast<char>(r.version)};
  out.add("quic.version", std::string_view(version_bytes, sizeof version_bytes));
  if (!r.sni.empty()) out.add("quic.sni", r.sni);
  if (!r.ua.empty()) out.add("quic.ua", r.ua);
  if (!r.cyu_hash.empty()) {
    out.add("quic.cyu.hash", r.cyu_hash);
    out.add("quic.cyu.string", r.cyu_string);
  }
  if (!r.ja3_hash.empty()) {
    out.add(r.server ? "ja3s.hash" : "ja3.hash", r.ja3_hash);
    out.add(r.server ? "ja3s.string" : "ja3.string", r.ja3_string);
  }
  if (!r.ja4_hash.empty()) out.add("ja4.hash", r.ja4_hash);

  eve_.begin();
  quicVersionName(r.version, version_);
  eve_.text("version", version_);
  if (!r.sni.empty()) eve_.text("sni", r.sni);
  if (!r.ua.empty()) eve_.text("ua", r.ua);
  if (!r.cyu_hash.empty()) {
    eve_.key("cyu");
    eve_.startArray();
    eve_.startObject();
    eve_.text("hash", r.cyu_hash);
    eve_.text("string", r.cyu_string);
    eve_.endObject();
    eve_.endArray();
  }
  if (!r.ja3_hash.empty()) {
    eve_.key(r.server ? "ja3s" : "ja3");
    eve_.startObject();
    eve_.text("hash", r.ja3_hash);
    eve_.text("string", r.ja3_string);
    eve_.endObject();
  }
  if (!r.ja4_hash.empty()) eve_.text("ja4", r.ja4_hash);
  if (!r.extensions.empty()) {
    eve_.key("extensions");
    eve_.startArray();
    for (const TlsHelloExtension& e : r.extensions) {
      eve_.startObject();
      if (const char* name = tlsExtensionName(e.type)) eve_.text("name", name);
      eve_.key("type");
      eve_.number(e.type);
      if (!e.values.empty()) {
        eve_.key("values");
        eve_.startArray();
        for (const std::string& v : e.values) eve_.string(v);
        eve_.endArray();
      }
      eve_.endObject();
    }
    eve_.endArray();
  }
  eve_.finish(out.eve);
}

}  // namespace mamori
