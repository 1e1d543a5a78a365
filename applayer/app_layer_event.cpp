#include "applayer/app_layer_event.h"

#include <array>

namespace mamori {
namespace {

using E = AppLayerEvent;

constexpr std::array<AppLayerEventName, kAppLayerEventCount> kNames = {{
    {"http", "unknown_error"},
    {"http", "gzip_decompression_failed"},
    {"http", "request_field_missing_colon"},
    {"http", "response_field_missing_colon"},
    {"http", "invalid_request_chunk_len"},
    {"http", "invalid_response_chunk_len"},
    {"http", "invalid_transfer_encoding_value_in_request"},
    {"http", "invalid_content_length_field_in_request"},
    {"http", "invalid_content_length_field_in_response"},
    {"http", "100_continue_already_seen"},
    {"http", "unable_to_match_response_to_request"},
    {"http", "invalid_server_port_in_request"},
    {"http", "request_field_too_long"},
    {"http", "response_field_too_long"},
    {"http", "response_multipart_byteranges"},
    {"http", "compression_bomb"},
    {"http", "request_header_invalid"},
    {"http", "response_header_invalid"},
    {"http", "missing_host_header"},
    {"http", "host_header_ambiguous"},
    {"http", "invalid_request_field_folding"},
    {"http", "invalid_response_field_folding"},
    {"http", "request_server_port_tcp_port_mismatch"},
    {"http", "request_uri_host_invalid"},
    {"http", "request_header_host_invalid"},
    {"http", "uri_delim_non_compliant"},
    {"http", "method_delim_non_compliant"},
    {"http", "request_line_leading_whitespace"},
    {"http", "too_many_encoding_layers"},
    {"http", "abnormal_ce_header"},
    {"http", "request_auth_unrecognized"},
    {"http", "request_header_repetition"},
    {"http", "response_header_repetition"},
    {"http", "response_abnormal_transfer_encoding"},
    {"http", "response_chunked_old_proto"},
    {"http", "response_invalid_protocol"},
    {"http", "response_invalid_status"},
    {"http", "request_line_incomplete"},
    {"http", "request_line_invalid"},
    {"http", "request_body_unexpected"},
    {"http", "lzma_memlimit_reached"},
    {"http", "duplicate_content_length_field_in_request"},
    {"http", "duplicate_content_length_field_in_response"},
    {"http", "too_many_warnings"},
    {"http", "failed_protocol_change"},
    {"tls", "invalid_record_version"},
    {"tls", "invalid_record_type"},
    {"tls", "invalid_record_length"},
    {"tls", "invalid_handshake_message"},
    {"tls", "heartbeat_message"},
    {"tls", "invalid_heartbeat_message"},
    {"tls", "overflow_heartbeat_message"},
    {"tls", "handshake_invalid_length"},
    {"tls", "multiple_sni_extensions"},
    {"tls", "invalid_sni_type"},
    {"tls", "invalid_sni_length"},
    {"tls", "too_many_records_in_packet"},
    {"tls", "invalid_certificate"},
    {"tls", "certificate_invalid_length"},
    {"tls", "invalid_ssl_record"},
    {"dns", "malformed_data"},
    {"dns", "not_request"},
    {"dns", "not_response"},
    {"dns", "z_flag_set"},
    {"dns", "invalid_opcode"},
    {"dns", "name_too_long"},
    {"dns", "infinite_loop"},
    {"ssh", "invalid_banner"},
    {"ssh", "long_banner"},
    {"http2", "invalid_frame_header"},
    {"http2", "invalid_client_magic"},
    {"http2", "invalid_frame_data"},
    {"http2", "invalid_header"},
    {"http2", "invalid_frame_length"},
    {"http2", "long_frame_data"},
    {"http2", "stream_id_reuse"},
    {"http2", "failed_decompression"},
    {"http2", "too_many_streams"},
    {"http2", "authority_host_mismatch"},
    {"http2", "userinfo_in_uri"},
    {"http2", "reassembly_limit_reached"},
    {"krb5", "weak_encryption"},
    {"smb", "malformed_data"},
    {"smb", "malformed_ntlmssp_request"},
    {"smb", "file_overlap"},
    {"smb", "record_overflow"},
    {"smb", "too_many_transactions"},
    {"ftp", "request_command_too_long"},
    {"ftp", "response_command_too_long"},
    {"ftp", "too_many_transactions"},
    {"smtp", "invalid_reply"},
    {"smtp", "unable_to_match_reply_with_request"},
    {"smtp", "no_server_welcome_message"},
    {"smtp", "tls_rejected"},
    {"smtp", "data_command_rejected"},
    {"smtp", "truncated_line"},
    {"smtp", "mime_parse_failed"},
    {"smtp", "mime_invalid_base64"},
    {"smtp", "mime_invalid_qp"},
    {"smtp", "mime_long_line"},
    {"smtp", "mime_long_enc_line"},
    {"smtp", "mime_long_header_name"},
    {"smtp", "mime_long_header_value"},
    {"smtp", "mime_boundary_too_long"},
    {"smtp", "mime_long_filename"},
    {"enip", "invalid_pdu"},
    {"enip", "too_many_transactions"},
    {"modbus", "unsolicited_response"},
    {"modbus", "flooded"},
    {"dnp3", "bad_link_crc"},
    {"dnp3", "bad_transport_crc"},
    {"dnp3", "len_too_small"},
    {"dnp3", "too_long_reassembly"},
    {"dnp3", "malformed"},
    {"dhcp", "malformed_options"},
    {"dhcp", "truncated_options"},
    {"snmp", "malformed_data"},
    {"snmp", "unknown_security_model"},
    {"snmp", "version_mismatch"},
    {"websocket", "skip_end_of_payload"},
    {"websocket", "reassembly_limit_reached"},
    {"mqtt", "missing_connect"},
    {"mqtt", "missing_publish"},
    {"mqtt", "missing_subscribe"},
    {"mqtt", "missing_unsubscribe"},
    {"mqtt", "double_connect"},
    {"mqtt", "unintroduced_message"},
    {"mqtt", "invalid_qos_level"},
    {"mqtt", "missing_msg_id"},
    {"mqtt", "unassigned_msg_type"},
    {"mqtt", "too_many_transactions"},
    {"mqtt", "malformed_traffic"},
    {"quic", "failed_decrypt"},
    {"quic", "error_on_data"},
    {"quic", "crypto_frag_too_long"},
    {"", "applayer_wrong_direction_first_data"},
    {"", "applayer_mismatch_protocol_both_directions"},
}};

// The table is in enum order; a few spot checks keep an insertion in one from going
// unnoticed in the other.
static_assert(kNames[static_cast<size_t>(E::HttpTooManyWarnings)].name == "too_many_warnings");
static_assert(kNames[static_cast<size_t>(E::TlsInvalidSslRecord)].name == "invalid_ssl_record");
static_assert(kNames[static_cast<size_t>(E::DnsInfiniteLoop)].name == "infinite_loop");
static_assert(kNames[static_cast<size_t>(E::SshLongBanner)].name == "long_banner");
static_assert(kNames[static_cast<size_t>(E::Http2ReassemblyLimitReached)].name == "reassembly_limit_reached");
static_assert(kNames[static_cast<size_t>(E::SmtpMimeLongFilename)].name == "mime_long_filename");
static_assert(kNames.back().name == "applayer_mismatch_protocol_both_directions");

}  // namespace

AppLayerEventName appLayerEventName(AppLayerEvent e) { return kNames[static_cast<size_t>(e)]; }

std::optional<AppLayerEvent> findAppLayerEvent(std::string_view protocol, std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i].protocol == protocol && kNames[i].name == name) return static_cast<AppLayerEvent>(i);
  }
  return std::nullopt;
}

}  // namespace mamori
