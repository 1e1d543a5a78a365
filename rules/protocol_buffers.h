#pragma once
// The sticky buffers and integer keywords of the app-layer protocol plug-ins
// (applayer/app_protocol.h), for the rule language: each keyword, the protocol (app_proto)
// whose records carry it and the side of a transaction it is on, as Suricata registers it.
// A plug-in puts a field named by the keyword in its records (ProtocolTransaction);
// detection matches the two by name. An integer keyword's field is its number as
// big-endian bytes, compared with Suricata's uint syntax (and the names of its values where
// Suricata has an enum for them), as dns.opcode is. Their
// AppBufferIds follow the built-in ones (AppBufferId::Count + the row's index), so adding a
// protocol adds rows here and touches no switch. Multi-buffers (a header that may repeat)
// need nothing more: every instance is inspected, a rule matches if any does. HTTP/2's
// frame keywords (http2.frametype, ...) are rows here too, for their names and syntax, though
// the built-in HTTP/2 parser carries their values on its HTTP transactions. App-layer frames
// (applayer/app_frame.h, `frame:dns.pdu`) are buffers whose ids follow the plug-ins'.
#include <algorithm>
#include <cstddef>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "applayer/app_frame.h"
#include "applayer/dnp3_names.h"
#include "applayer/enip_names.h"
#include "applayer/http2_names.h"
#include "applayer/ldap_names.h"
#include "applayer/mqtt_names.h"
#include "applayer/websocket_names.h"
#include "rules/cip_service_keyword.h"
#include "rules/dcerpc_keywords.h"
#include "rules/dnp3_keywords.h"
#include "rules/flag_bits_keyword.h"
#include "rules/http2_settings_keyword.h"
#include "rules/krb5_ticket_encryption.h"
#include "rules/modbus_keyword.h"
#include "rules/rule.h"

namespace mamori {

struct ProtocolBuffer {
  std::string_view keyword;
  std::string_view protocol;
  BufferDirection direction;
  // Another name Suricata takes for the keyword (krb5_cname for krb5.cname).
  std::string_view alias = {};
  // An integer keyword: the largest value (Suricata's u8, u16, u32); 0 for a sticky buffer.
  uint64_t number_max = 0;
  std::span<const ProtocolNumberName> number_names = {};
  // An integer keyword whose value has a syntax of its own (krb5.ticket_encryption: weak, or a
  // list of names): its parser, in place of the uint syntax.
  bool (*parse_value)(std::string_view value, AppValueTest& out, std::string& error) = nullptr;
  // A value keyword whose field is not a number (dcerpc.iface: a UUID, a version, flags):
  // whether one instance of the field satisfies the test its parse_value made.
  bool (*match_value)(const AppValueTest& test, std::string_view field) = nullptr;
  // Other protocols whose records carry the field too, space-separated (DCE/RPC's fields
  // come in smb records for named pipes). A rule may mix the keyword with theirs, and a
  // rule on `protocol` matches their flows, as Suricata's does (protocolAlsoIn).
  std::string_view also_in = {};
  // A keyword that takes no value (ftpbounce): a rule asks for the field to be there, as
  // the number 1.
  bool flag = false;

  bool isNumber() const { return number_max != 0; }
  // Takes a value (a number, or a syntax of its own) rather than opening a sticky buffer.
  bool isValue() const { return isNumber() || parse_value != nullptr; }
  bool carriedBy(std::string_view app_proto) const;
};

// Kerberos 5 message types (RFC 4120 section 7.5.7) as Suricata 9 names them.
inline constexpr ProtocolNumberName kKrb5MessageTypes[] = {
    {"AS_REQ", 10}, {"AS_REP", 11},     {"TGS_REQ", 12},    {"TGS_REP", 13}, {"AP_REQ", 14}, {"AP_REP", 15},
    {"RESERVED16", 16}, {"RESERVED17", 17}, {"SAFE", 20}, {"PRIV", 21},     {"CRED", 22},   {"ERROR", 30},
};

// FTP's values by Suricata 8's names: ftp.mode, ftp.reply_received, ftpdata_command.
inline constexpr ProtocolNumberName kFtpModes[] = {{"passive", 0}, {"active", 1}};
inline constexpr ProtocolNumberName kFtpReplyReceived[] = {{"no", 0},  {"yes", 1},   {"off", 0},
                                                           {"on", 1},  {"false", 0}, {"true", 1}};
inline constexpr ProtocolNumberName kFtpDataCommands[] = {{"retr", 1}, {"stor", 2}};
// mqtt.type takes Suricata's upper-case names and its EVE keys' lower-case ones.
inline constexpr auto kMqttTypeSpellings = [] {
  std::array<ProtocolNumberName, std::size(kMqttTypeNames) + std::size(kMqttTypeKeys)> out{};
  for (size_t i = 0; i < std::size(kMqttTypeNames); ++i) out[i] = kMqttTypeNames[i];
  for (size_t i = 0; i < std::size(kMqttTypeKeys); ++i) out[std::size(kMqttTypeNames) + i] = kMqttTypeKeys[i];
  return out;
}();
inline constexpr ProtocolNumberName kYesNo[] = {{"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0}};

inline constexpr ProtocolBuffer kProtocolBuffers[] = {
    // SIP (applayer/sip_protocol.h); header buffers are both sides' and take the compact
    // header forms too.
    {"sip.method", "sip", BufferDirection::Request},
    {"sip.uri", "sip", BufferDirection::Request},
    {"sip.request_line", "sip", BufferDirection::Request},
    {"sip.stat_code", "sip", BufferDirection::Response},
    {"sip.stat_msg", "sip", BufferDirection::Response},
    {"sip.response_line", "sip", BufferDirection::Response},
    {"sip.protocol", "sip", BufferDirection::Either},
    {"sip.from", "sip", BufferDirection::Either},
    {"sip.to", "sip", BufferDirection::Either},
    {"sip.via", "sip", BufferDirection::Either},
    {"sip.user_agent", "sip", BufferDirection::Either},
    {"sip.content_type", "sip", BufferDirection::Either},
    {"sip.content_length", "sip", BufferDirection::Either},
    // Kerberos 5 (applayer/krb5_protocol.h): every message is a transaction of its own, the
    // names one instance per component.
    {"krb5_msg_type", "krb5", BufferDirection::Either, "krb5.msg_type", 0xffffffffu, kKrb5MessageTypes},
    {"krb5_err_code", "krb5", BufferDirection::Either, "krb5.err_code", 0xffffffffu},
    {"krb5.cname", "krb5", BufferDirection::Either, "krb5_cname"},
    {"krb5.sname", "krb5", BufferDirection::Either, "krb5_sname"},
    {"krb5.ticket_encryption", "krb5", BufferDirection::Response, {}, 0xffffffffu, {}, parseKrb5TicketEncryption},
    // LDAP (applayer/ldap_protocol.h): a request's fields as it arrives, its responses' (one
    // instance per response) with the last of them.
    {"ldap.request.operation", "ldap", BufferDirection::Request, {}, 0xff, kLdapOperationNames},
    {"ldap.request.dn", "ldap", BufferDirection::Request},
    {"ldap.request.attribute_type", "ldap", BufferDirection::Request},
    {"ldap.responses.operation", "ldap", BufferDirection::Response, {}, 0xff, kLdapOperationNames},
    {"ldap.responses.count", "ldap", BufferDirection::Response, {}, 0xffffffffu},
    {"ldap.responses.dn", "ldap", BufferDirection::Response},
    {"ldap.responses.result_code", "ldap", BufferDirection::Response, {}, 0xffffffffu, kLdapResultCodeNames},
    {"ldap.responses.message", "ldap", BufferDirection::Response},
    {"ldap.responses.attribute_type", "ldap", BufferDirection::Response},
    // DCE/RPC (applayer/dcerpc_record.h): over TCP, and over SMB named pipes in smb records.
    // The interface and opnum are on both sides of a call, the stub is each side's own.
    {"dcerpc.iface", "dcerpc", BufferDirection::Either, "dce_iface", 0, {}, parseDcerpcIface, matchDcerpcIface, "smb"},
    {"dcerpc.opnum", "dcerpc", BufferDirection::Either, "dce_opnum", 0, {}, parseDcerpcOpnum, matchDcerpcOpnum, "smb"},
    {"dcerpc.stub_data", "dcerpc", BufferDirection::Either, "dce_stub_data", 0, {}, nullptr, nullptr, "smb"},
    // SMB (applayer/smb_session.h): 1 or 2 by the header's magic (SMB3 is 2) on both sides of
    // every transaction; a tree connect's share, as smb.share or, on a pipe share (IPC$),
    // smb.named_pipe; the NTLMSSP user and domain of a session set-up.
    {"smb.version", "smb", BufferDirection::Either, {}, 2},
    {"smb.share", "smb", BufferDirection::Request, "smb_share"},
    {"smb.named_pipe", "smb", BufferDirection::Request, "smb_named_pipe"},
    {"smb.ntlmssp_user", "smb", BufferDirection::Request},
    {"smb.ntlmssp_domain", "smb", BufferDirection::Request},
    // FTP (applayer/ftp_protocol.h): a command's fields as it arrives, its reply's (an
    // instance per line) once the reply is in; ftp-data (applayer/ftp_data_protocol.h): the
    // command whose transfer the connection carries (APPE is 3, without a name).
    {"ftp.command", "ftp", BufferDirection::Request},
    {"ftp.command_data", "ftp", BufferDirection::Request},
    {"ftp.completion_code", "ftp", BufferDirection::Response},
    {"ftp.reply", "ftp", BufferDirection::Response},
    {"ftp.mode", "ftp", BufferDirection::Response, {}, 1, kFtpModes},
    {"ftp.reply_received", "ftp", BufferDirection::Response, {}, 1, kFtpReplyReceived},
    {"ftp.dynamic_port", "ftp", BufferDirection::Response, {}, 0xffff},
    {.keyword = "ftpbounce", .protocol = "ftp", .direction = BufferDirection::Request, .number_max = 1, .flag = true},
    {"ftpdata_command", "ftp-data", BufferDirection::Either, {}, 3, kFtpDataCommands},
    // SMTP (applayer/smtp_protocol.h): a mail's envelope as its data starts (or as it ends
    // without data), its message's headers once they are read; rcpt_to and email.url,
    // email.received are multi-buffers. file_data is its MIME parts' (files).
    {"smtp.helo", "smtp", BufferDirection::Request},
    {"smtp.mail_from", "smtp", BufferDirection::Request},
    {"smtp.rcpt_to", "smtp", BufferDirection::Request},
    {"email.from", "smtp", BufferDirection::Request},
    {"email.to", "smtp", BufferDirection::Request},
    {"email.cc", "smtp", BufferDirection::Request},
    {"email.subject", "smtp", BufferDirection::Request},
    {"email.date", "smtp", BufferDirection::Request},
    {"email.message_id", "smtp", BufferDirection::Request},
    {"email.x_mailer", "smtp", BufferDirection::Request},
    {"email.url", "smtp", BufferDirection::Request},
    {"email.received", "smtp", BufferDirection::Request},
    // EtherNet/IP and CIP (applayer/enip_transaction_writer.h): the encapsulation header's
    // command and status on both sides; CIP paths on requests, CIP statuses and the identity
    // and services a ListIdentity / ListServices reply gives on responses.
    {"enip_command", "enip", BufferDirection::Either, "enip.command", 0xffff, kEnipCommandNames},
    {"enip.status", "enip", BufferDirection::Either, {}, 0xffffffffu, kEnipStatusNames},
    {"cip_service", "enip", BufferDirection::Either, {}, 0, {}, parseCipService, matchCipService},
    {"enip.cip_class", "enip", BufferDirection::Request, {}, 0xffffffffu},
    {"enip.cip_instance", "enip", BufferDirection::Request, {}, 0xffffffffu},
    {"enip.cip_attribute", "enip", BufferDirection::Request, {}, 0xffffffffu},
    {"enip.cip_status", "enip", BufferDirection::Response, {}, 0xff},
    {"enip.cip_extendedstatus", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.protocol_version", "enip", BufferDirection::Either, {}, 0xffff},
    {"enip.vendor_id", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.device_type", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.product_code", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.revision", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.identity_status", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.serial", "enip", BufferDirection::Response, {}, 0xffffffffu},
    {"enip.state", "enip", BufferDirection::Response, {}, 0xff},
    {"enip.capabilities", "enip", BufferDirection::Response, {}, 0xffff},
    {"enip.product_name", "enip", BufferDirection::Response},
    {"enip.service_name", "enip", BufferDirection::Response},
    // Modbus/TCP (applayer/modbus_request_field.h): Suricata's one keyword, on requests.
    {"modbus", "modbus", BufferDirection::Request, {}, 0, {}, parseModbus, matchModbus},
    // DNP3 (applayer/dnp3_record_writer.h): each application fragment a transaction; the
    // function and objects on both sides, the internal indications on responses, dnp3_data the
    // whole fragment (CRCs removed, transport segments joined).
    {"dnp3_func", "dnp3", BufferDirection::Either, {}, 0xff, kDnp3FunctionNames},
    {"dnp3_ind", "dnp3", BufferDirection::Response, {}, 0, {}, parseDnp3Ind, matchDnp3Ind},
    {"dnp3_obj", "dnp3", BufferDirection::Either, {}, 0, {}, parseDnp3Obj, matchDnp3Obj},
    {"dnp3_data", "dnp3", BufferDirection::Either},
    // DHCP (applayer/dhcp_transaction_writer.h): each message a transaction; the times a
    // server's reply (or a client's request) gives, in seconds.
    {"dhcp.leasetime", "dhcp", BufferDirection::Either, {}, 0xffffffffu},
    {"dhcp.rebinding_time", "dhcp", BufferDirection::Either, {}, 0xffffffffu},
    {"dhcp.renewal_time", "dhcp", BufferDirection::Either, {}, 0xffffffffu},
    // SNMP (applayer/snmp_transaction_writer.h): each message a transaction; v1 and v2c's
    // community, v3's user (USM user name).
    {"snmp.version", "snmp", BufferDirection::Either, {}, 0xffffffffu},
    {"snmp.community", "snmp", BufferDirection::Either},
    {"snmp.pdu_type", "snmp", BufferDirection::Either, {}, 0xffffffffu},
    {"snmp.usm", "snmp", BufferDirection::Either},
    // WebSocket (applayer/websocket_protocol.h): every frame a transaction, on its sender's
    // side; the payload unmasked, a fragmented message's whole on its last frame.
    {"websocket.payload", "websocket", BufferDirection::Either},
    {"websocket.opcode", "websocket", BufferDirection::Either, {}, 0xff, kWebsocketOpcodeNames},
    {"websocket.flags", "websocket", BufferDirection::Either, {}, 0xff, {}, parseWebsocketFlags, matchFlagBits},
    {"websocket.mask", "websocket", BufferDirection::Either, {}, 0xffffffffu},
    // MQTT (applayer/mqtt_protocol.h): a transaction is a request and what answers it (a
    // CONNECT and its CONNACK, a PUBLISH and its acknowledgements); each message's fields on
    // its sender's side, the header's (type, flags, QoS) one instance per message.
    {"mqtt.protocol_version", "mqtt", BufferDirection::Either, {}, 0xff},
    {"mqtt.type", "mqtt", BufferDirection::Either, {}, 0xff, kMqttTypeSpellings},
    {"mqtt.flags", "mqtt", BufferDirection::Either, {}, 0xff, {}, parseMqttFlags, matchFlagBits},
    {"mqtt.qos", "mqtt", BufferDirection::Either, {}, 0xff},
    {"mqtt.reason_code", "mqtt", BufferDirection::Either, "mqtt.connack.return_code", 0xff},
    {"mqtt.connack.session_present", "mqtt", BufferDirection::Response, {}, 1, kYesNo},
    {"mqtt.connect.clientid", "mqtt", BufferDirection::Request},
    {"mqtt.connect.username", "mqtt", BufferDirection::Request},
    {"mqtt.connect.password", "mqtt", BufferDirection::Request},
    {"mqtt.connect.willtopic", "mqtt", BufferDirection::Request},
    {"mqtt.connect.willmessage", "mqtt", BufferDirection::Request},
    {"mqtt.connect.protocol_string", "mqtt", BufferDirection::Request},
    {"mqtt.connect.flags", "mqtt", BufferDirection::Request, {}, 0xff, {}, parseMqttConnectFlags, matchFlagBits},
    {"mqtt.publish.topic", "mqtt", BufferDirection::Either},
    {"mqtt.publish.message", "mqtt", BufferDirection::Either},
    {"mqtt.subscribe.topic", "mqtt", BufferDirection::Request},
    {"mqtt.unsubscribe.topic", "mqtt", BufferDirection::Request},
    // QUIC (applayer/quic_transaction_writer.h): each long-header packet before its side's
    // hello a transaction; quic.version its 4 version bytes, the others from the hello.
    {"quic.version", "quic", BufferDirection::Either},
    {"quic.sni", "quic", BufferDirection::Either},
    {"quic.ua", "quic", BufferDirection::Either},
    {"quic.cyu.hash", "quic", BufferDirection::Either},
    {"quic.cyu.string", "quic", BufferDirection::Either},
    // HTTP/2's frame keywords (not a plug-in: Http2Parser puts the values on its streams'
    // HttpTransactions, Http2FrameValues). Each side's frames of a stream, or one frame of the
    // connection (stream 0) in a record of its own, as Suricata's transactions hold them.
    {"http2.frametype", "http2", BufferDirection::Either, {}, 0xff, kHttp2FrameTypeNames},
    {"http2.errorcode", "http2", BufferDirection::Either, {}, 0xffffffffu, kHttp2ErrorCodeNames},
    {"http2.priority", "http2", BufferDirection::Either, {}, 0xff},
    {"http2.window", "http2", BufferDirection::Either, {}, 0x7fffffffu},
    {"http2.size_update", "http2", BufferDirection::Either, {}, 0x7fffffffffffffffu},
    {"http2.settings", "http2", BufferDirection::Either, {}, 0, {}, parseHttp2Settings, matchHttp2Settings},
};

// Whether `name` is one of the space-separated names of `list`.
inline bool namedIn(std::string_view list, std::string_view name) {
  for (std::string_view rest = list; !rest.empty();) {
    const size_t space = rest.find(' ');
    if (rest.substr(0, space) == name) return true;
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return false;
}

inline bool ProtocolBuffer::carriedBy(std::string_view app_proto) const {
  return app_proto == protocol || namedIn(also_in, app_proto);
}

// The protocols whose flows carry `protocol`'s fields too (space-separated; empty for most):
// a rule on `protocol` matches them, as Suricata's dcerpc rules match smb flows.
inline std::string_view protocolAlsoIn(std::string_view protocol) {
  for (const ProtocolBuffer& b : kProtocolBuffers) {
    if (b.protocol == protocol && !b.also_in.empty()) return b.also_in;
  }
  return {};
}

// Plug-in protocols whose records carry a TLS hello's fingerprints as fields named by the TLS
// keywords (ja3.hash, ja3.string, ja3s.hash, ja3s.string, ja4.hash), as Suricata inspects them on QUIC.
inline constexpr std::string_view kTlsFingerprintCarriers[] = {"quic"};

inline bool carriesTlsFingerprints(std::string_view app_proto) {
  return std::find(std::begin(kTlsFingerprintCarriers), std::end(kTlsFingerprintCarriers), app_proto) !=
         std::end(kTlsFingerprintCarriers);
}

inline constexpr size_t kProtocolBufferCount = std::size(kProtocolBuffers);
// Every AppBufferId, built-in, plug-in and app-layer frame (applayer/app_frame.h, after the
// plug-ins'): the size of tables indexed by one.
inline constexpr size_t kAppFrameBufferBase = kAppBufferCount + kProtocolBufferCount;
inline constexpr size_t kAppBufferIdCount = kAppFrameBufferBase + kAppFrameTypeCount;
static_assert(kAppBufferIdCount <= 256, "AppBufferId is one byte");

// The row of a plug-in buffer; null for a built-in one.
inline const ProtocolBuffer* protocolBufferOf(AppBufferId id) {
  const size_t i = static_cast<size_t>(id);
  return i >= kAppBufferCount && i < kAppFrameBufferBase ? &kProtocolBuffers[i - kAppBufferCount] : nullptr;
}

// The buffer of a frame type (`frame:dns.pdu`), and the frame type of a buffer (nullopt for
// any other buffer).
inline AppBufferId appFrameBuffer(uint8_t type) { return static_cast<AppBufferId>(kAppFrameBufferBase + type); }
inline std::optional<uint8_t> appFrameOf(AppBufferId id) {
  const size_t i = static_cast<size_t>(id);
  if (i < kAppFrameBufferBase || i >= kAppBufferIdCount) return std::nullopt;
  return static_cast<uint8_t>(i - kAppFrameBufferBase);
}

// The plug-in buffer a keyword (or its alias) names; nullopt for any other name.
inline std::optional<AppBufferId> protocolBufferNamed(std::string_view keyword) {
  for (size_t i = 0; i < kProtocolBufferCount; ++i) {
    const ProtocolBuffer& b = kProtocolBuffers[i];
    if (b.keyword == keyword || (!b.alias.empty() && b.alias == keyword)) {
      return static_cast<AppBufferId>(kAppBufferCount + i);
    }
  }
  return std::nullopt;
}

}  // namespace mamori
