#include "rules/app_layer_event_names.h"

#include <algorithm>
#include <array>

namespace mamori {
namespace {

// From Suricata's parsers (app-layer-htp.c's table, app-layer-ssl.c's, the Rust parsers'
// event enums) and the event rule files it ships, older names included so that rule sets
// written for earlier versions still load.
constexpr std::string_view kHttp[] = {
    "unknown_error", "gzip_decompression_failed", "request_field_missing_colon", "response_field_missing_colon",
    "invalid_request_chunk_len", "invalid_response_chunk_len", "invalid_transfer_encoding_value_in_request",
    "invalid_transfer_encoding_value_in_response", "invalid_content_length_field_in_request",
    "invalid_content_length_field_in_response", "duplicate_content_length_field_in_request",
    "duplicate_content_length_field_in_response", "100_continue_already_seen", "unable_to_match_response_to_request",
    "invalid_server_port_in_request", "invalid_authority_port", "request_header_invalid", "response_header_invalid",
    "missing_host_header", "host_header_ambiguous", "invalid_request_field_folding", "invalid_response_field_folding",
    "request_field_too_long", "response_field_too_long", "file_name_too_long", "request_server_port_tcp_port_mismatch",
    "request_uri_host_invalid", "request_header_host_invalid", "request_auth_unrecognized",
    "request_header_repetition", "response_header_repetition", "double_encoded_uri", "uri_delim_non_compliant",
    "method_delim_non_compliant", "request_line_leading_whitespace", "too_many_encoding_layers", "abnormal_ce_header",
    "response_multipart_byteranges", "response_abnormal_transfer_encoding", "response_chunked_old_proto",
    "response_invalid_protocol", "response_invalid_status", "request_line_incomplete", "request_line_invalid",
    "request_body_unexpected", "lzma_memlimit_reached", "compression_bomb", "range_invalid",
    "request_chunk_extension", "response_chunk_extension", "request_line_missing_protocol",
    "request_too_many_headers", "response_too_many_headers", "multipart_generic_error", "multipart_no_filedata",
    "multipart_invalid_header", "too_many_warnings", "failed_protocol_change",
};
constexpr std::string_view kTls[] = {
    "invalid_sslv2_header", "invalid_tls_header", "invalid_record_version", "invalid_record_type",
    "invalid_record_length", "invalid_handshake_message", "heartbeat_message", "invalid_heartbeat_message",
    "overflow_heartbeat_message", "dataleak_heartbeat_mismatch", "handshake_invalid_length",
    "multiple_sni_extensions", "invalid_sni_type", "invalid_sni_length", "too_many_records_in_packet",
    "invalid_alert_message", "invalid_certificate", "certificate_invalid_length", "certificate_invalid_version",
    "certificate_invalid_serial", "certificate_invalid_algorithmidentifier", "certificate_invalid_x509name",
    "certificate_invalid_date", "certificate_invalid_extensions", "certificate_invalid_der",
    "certificate_invalid_subject", "certificate_invalid_issuer", "certificate_invalid_validity",
    "certificate_missing_element", "certificate_unknown_element", "certificate_invalid_string",
    "error_message_encountered", "too_many_subject_alternative_names", "invalid_ssl_record",
};
constexpr std::string_view kDns[] = {
    "malformed_data", "not_request", "not_response", "z_flag_set", "invalid_opcode", "name_too_long",
    "infinite_loop", "too_many_labels", "invalid_additionals", "invalid_authorities", "unsolicited_response",
    "state_memcap_reached", "flooded",
};
constexpr std::string_view kSmb[] = {
    "internal_error", "malformed_data", "record_overflow", "malformed_ntlmssp_request",
    "malformed_ntlmssp_response", "duplicate_negotiate", "negotiate_malformed_dialects", "file_overlap",
    "request_to_client", "response_to_server", "read_request_too_large", "read_response_too_large",
    "write_request_too_large", "negotiate_max_read_size_too_large", "negotiate_max_write_size_too_large",
    "write_queue_size_exceeded", "write_queue_cnt_exceeded", "read_queue_size_exceeded", "read_queue_cnt_exceeded",
    "too_many_transactions",
};
constexpr std::string_view kHttp2[] = {
    "invalid_frame_header", "invalid_client_magic", "invalid_frame_data", "invalid_header", "invalid_frame_length",
    "extra_header_data", "long_frame_data", "stream_id_reuse", "invalid_http1_settings", "failed_decompression",
    "invalid_range", "header_integer_overflow", "too_many_streams", "authority_host_mismatch", "userinfo_in_uri",
    "reassembly_limit_reached", "dns_request_too_long", "dns_response_too_long", "data_stream_reopen",
};
constexpr std::string_view kSmtp[] = {
    "invalid_reply", "unable_to_match_reply_with_request", "max_command_line_len_exceeded",
    "max_reply_line_len_exceeded", "invalid_pipelined_sequence", "bdat_chunk_len_exceeded",
    "no_server_welcome_message", "tls_rejected", "data_command_rejected", "failed_protocol_change",
    "unparsable_content", "truncated_line", "mime_parse_failed", "mime_malformed_msg", "mime_invalid_base64",
    "mime_invalid_qp", "mime_long_line", "mime_long_enc_line", "mime_long_header_name", "mime_long_header_value",
    "mime_boundary_too_long", "mime_long_filename", "duplicate_fields",
};
constexpr std::string_view kFtp[] = {"request_command_too_long", "response_command_too_long", "too_many_transactions"};
constexpr std::string_view kSsh[] = {"invalid_banner", "long_banner", "invalid_record"};
constexpr std::string_view kSip[] = {"incomplete_data", "invalid_data"};
constexpr std::string_view kKrb5[] = {"malformed_data", "weak_encryption"};
constexpr std::string_view kSnmp[] = {"malformed_data", "unknown_security_model", "version_mismatch"};
constexpr std::string_view kQuic[] = {"failed_decrypt", "error_on_data", "crypto_frag_too_long", "too_many_events"};
constexpr std::string_view kDhcp[] = {"malformed_options", "truncated_options"};
constexpr std::string_view kDnp3[] = {
    "flooded", "len_too_small", "bad_link_crc", "bad_transport_crc", "malformed", "unknown_object",
    "too_many_points", "too_many_objects", "too_long_reassembly",
};
constexpr std::string_view kEnip[] = {"too_many_transactions", "invalid_pdu"};
constexpr std::string_view kIke[] = {
    "malformed_data", "weak_crypto_enc", "weak_crypto_prf", "weak_crypto_auth", "weak_crypto_dh",
    "weak_crypto_nodh", "weak_crypto_noauth", "no_encryption", "invalid_proposal", "unknown_proposal",
    "payload_extra_data", "multiple_server_proposal", "missing_encryption", "weak_crypto_integ",
};
constexpr std::string_view kModbus[] = {
    "invalid_protocol_id", "unsolicited_response", "invalid_length", "invalid_unit_identifier",
    "invalid_function_code", "invalid_value", "invalid_exception_code", "value_mismatch", "flooded",
};
constexpr std::string_view kMqtt[] = {
    "missing_connect", "missing_publish", "missing_subscribe", "missing_unsubscribe", "double_connect",
    "unintroduced_message", "invalid_qos_level", "missing_msg_id", "unassigned_msg_type", "too_many_transactions",
    "malformed_traffic",
};
constexpr std::string_view kNfs[] = {"malformed_data", "too_many_transactions", "unsupported_version"};
constexpr std::string_view kNtp[] = {"malformed_data", "not_request", "not_response"};
constexpr std::string_view kRfb[] = {
    "malformed_message", "unimplemented_security_type", "unknown_security_result", "confused_state",
};
constexpr std::string_view kPgsql[] = {
    "too_many_transactions", "malformed_request", "malformed_response", "invalid_length", "too_many_responses",
};
constexpr std::string_view kLdap[] = {"too_many_transactions", "invalid_data", "request_not_found"};
constexpr std::string_view kWebsocket[] = {"skip_end_of_payload", "reassembly_limit_reached"};
constexpr std::string_view kImap[] = {"too_many_transactions", "invalid_data", "request_not_found", "too_many_headers"};
constexpr std::string_view kPop3[] = {
    "too_many_transactions", "request_too_long", "incorrect_argument_count", "unknown_command", "response_too_long",
};
constexpr std::string_view kBittorrentDht[] = {"malformed_packet"};
constexpr std::string_view kMdns[] = {
    "malformed_data", "not_request", "not_response", "z_flag_set", "invalid_opcode", "name_too_long",
    "infinite_loop", "too_many_labels", "invalid_additionals", "invalid_authorities",
};
// File decoders' events (SWF decompression), named file.NO_MEMORY and so on in rules.
constexpr std::string_view kFile[] = {
    "no_memory", "invalid_swf_length", "invalid_swf_version", "z_data_error", "z_stream_error", "z_buf_error",
    "z_unknown_error", "lzma_io_error", "lzma_header_too_short_error", "lzma_decoder_error", "lzma_memlimit_error",
    "lzma_xz_error", "lzma_unknown_error",
};

constexpr AppLayerEventProtocol kProtocols[] = {
    {"http", kHttp},       {"tls", kTls},         {"dns", kDns},       {"smb", kSmb},
    {"http2", kHttp2},     {"smtp", kSmtp},       {"ftp", kFtp},       {"ssh", kSsh},
    {"sip", kSip},         {"krb5", kKrb5},       {"snmp", kSnmp},     {"quic", kQuic},
    {"dhcp", kDhcp},       {"dnp3", kDnp3},       {"enip", kEnip},     {"ike", kIke},
    {"ikev2", kIke},       {"modbus", kModbus},   {"mqtt", kMqtt},     {"nfs", kNfs},
    {"ntp", kNtp},         {"rfb", kRfb},         {"pgsql", kPgsql},   {"ldap", kLdap},
    {"websocket", kWebsocket}, {"imap", kImap},   {"pop3", kPop3},     {"bittorrent-dht", kBittorrentDht},
    {"mdns", kMdns},       {"file", kFile},
};

constexpr std::string_view kDetection[] = {
    "applayer_mismatch_protocol_both_directions", "applayer_wrong_direction_first_data",
    "applayer_detect_protocol_only_one_direction", "applayer_proto_detection_skipped",
    "applayer_no_tls_after_starttls", "applayer_unexpected_protocol",
};

}  // namespace

std::span<const AppLayerEventProtocol> appLayerEventProtocols() { return kProtocols; }

std::span<const std::string_view> appLayerDetectionEvents() { return kDetection; }

const AppLayerEventProtocol* findAppLayerEventProtocol(std::string_view protocol) {
  for (const AppLayerEventProtocol& p : kProtocols) {
    if (p.protocol == protocol) return &p;
  }
  return nullptr;
}

bool isAppLayerEventName(std::string_view protocol, std::string_view name) {
  const AppLayerEventProtocol* p = findAppLayerEventProtocol(protocol);
  return p && std::find(p->names.begin(), p->names.end(), name) != p->names.end();
}

bool isAppLayerDetectionEvent(std::string_view name) {
  return std::find(std::begin(kDetection), std::end(kDetection), name) != std::end(kDetection);
}

}  // namespace mamori
