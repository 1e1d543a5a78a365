#pragma once
// The app-layer events mamori's parsers raise: anomalies of one protocol's traffic (an
// unknown handshake message, a duplicate Content-Length, a DNS response sent to the server)
// and of protocol detection (the applayer_* ones), each under the name Suricata gives it,
// so `app-layer-event:tls.invalid_handshake_message` means the same here. Parsers raise
// them on the transaction they belong to (a TLS or SSH session is one transaction, a DNS
// message one, an HTTP request/response pair one); AppRecord carries them to detection.
//
// rules/app_layer_event_names.h knows every name Suricata has; this is the subset mamori
// can tell, and a rule naming another one loads but never matches.
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mamori {

enum class AppLayerEvent : uint8_t {
  // HTTP: libhtp's log messages and transaction flags, as Suricata maps them.
  HttpUnknownError, HttpGzipDecompressionFailed, HttpRequestFieldMissingColon, HttpResponseFieldMissingColon,
  HttpInvalidRequestChunkLen, HttpInvalidResponseChunkLen, HttpInvalidTransferEncodingValueInRequest,
  HttpInvalidContentLengthFieldInRequest, HttpInvalidContentLengthFieldInResponse, Http100ContinueAlreadySeen,
  HttpUnableToMatchResponseToRequest, HttpInvalidServerPortInRequest, HttpRequestFieldTooLong,
  HttpResponseFieldTooLong, HttpResponseMultipartByteranges, HttpCompressionBomb, HttpRequestHeaderInvalid,
  HttpResponseHeaderInvalid, HttpMissingHostHeader, HttpHostHeaderAmbiguous, HttpInvalidRequestFieldFolding,
  HttpInvalidResponseFieldFolding, HttpRequestServerPortTcpPortMismatch, HttpRequestUriHostInvalid,
  HttpRequestHeaderHostInvalid, HttpUriDelimNonCompliant, HttpMethodDelimNonCompliant,
  HttpRequestLineLeadingWhitespace, HttpTooManyEncodingLayers, HttpAbnormalCeHeader, HttpRequestAuthUnrecognized,
  HttpRequestHeaderRepetition, HttpResponseHeaderRepetition, HttpResponseAbnormalTransferEncoding,
  HttpResponseChunkedOldProto, HttpResponseInvalidProtocol, HttpResponseInvalidStatus, HttpRequestLineIncomplete,
  HttpRequestLineInvalid, HttpRequestBodyUnexpected, HttpLzmaMemlimitReached,
  HttpDuplicateContentLengthFieldInRequest, HttpDuplicateContentLengthFieldInResponse, HttpTooManyWarnings,
  HttpFailedProtocolChange,
  // TLS: the record layer and the clear-text handshake.
  TlsInvalidRecordVersion, TlsInvalidRecordType, TlsInvalidRecordLength, TlsInvalidHandshakeMessage,
  TlsHeartbeatMessage, TlsInvalidHeartbeatMessage, TlsOverflowHeartbeatMessage, TlsHandshakeInvalidLength,
  TlsMultipleSniExtensions, TlsInvalidSniType, TlsInvalidSniLength, TlsTooManyRecordsInPacket,
  TlsInvalidCertificate, TlsCertificateInvalidLength, TlsInvalidSslRecord,
  // DNS: one message.
  DnsMalformedData, DnsNotRequest, DnsNotResponse, DnsZFlagSet, DnsInvalidOpcode, DnsNameTooLong, DnsInfiniteLoop,
  // SSH: the banners.
  SshInvalidBanner, SshLongBanner,
  // HTTP/2: frames, header blocks and streams (Http2Parser).
  Http2InvalidFrameHeader, Http2InvalidClientMagic, Http2InvalidFrameData, Http2InvalidHeader,
  Http2InvalidFrameLength, Http2LongFrameData, Http2StreamIdReuse, Http2FailedDecompression,
  Http2TooManyStreams, Http2AuthorityHostMismatch, Http2UserinfoInUri, Http2ReassemblyLimitReached,
  // Kerberos 5: a KDC reply whose part sealed for the client uses a weak encryption type.
  Krb5WeakEncryption,
  // SMB: records that do not parse, NTLMSSP blobs that do not, a file written or read over
  // bytes already seen, per-flow state past its bounds.
  SmbMalformedData, SmbMalformedNtlmsspRequest, SmbFileOverlap, SmbRecordOverflow, SmbTooManyTransactions,
  // FTP: a command or reply line past FtpLineReader::kMaxLine, too many unanswered commands.
  FtpRequestCommandTooLong, FtpResponseCommandTooLong, FtpTooManyTransactions,
  // SMTP: commands and replies out of step, lines past their bound, a mail's MIME anomalies.
  SmtpInvalidReply, SmtpUnableToMatchReplyWithRequest, SmtpNoServerWelcomeMessage,
  SmtpTlsRejected, SmtpDataCommandRejected, SmtpTruncatedLine, SmtpMimeParseFailed, SmtpMimeInvalidBase64,
  SmtpMimeInvalidQp, SmtpMimeLongLine, SmtpMimeLongEncLine, SmtpMimeLongHeaderName, SmtpMimeLongHeaderValue,
  SmtpMimeBoundaryTooLong, SmtpMimeLongFilename,
  // EtherNet/IP: a command's payload that does not parse; more requests open than kept.
  EnipInvalidPdu, EnipTooManyTransactions,
  // Modbus: a response no request asked for; more requests open than kept.
  ModbusUnsolicitedResponse, ModbusFlooded,
  // DNP3: a link frame's header or data CRC that does not hold, a link length under 5, an
  // application fragment past the reassembly bound or too short for its header.
  Dnp3BadLinkCrc, Dnp3BadTransportCrc, Dnp3LenTooSmall, Dnp3TooLongReassembly, Dnp3Malformed,
  // DHCP: an option whose length its kind does not allow; options cut short or without END.
  DhcpMalformedOptions, DhcpTruncatedOptions,
  // SNMP: a message that does not decode; a v3 security model other than USM; a message of
  // another version than the flow's first.
  SnmpMalformedData, SnmpUnknownSecurityModel, SnmpVersionMismatch,
  // WebSocket: a frame's payload past the kept bound, a fragmented message past it.
  WebsocketSkipEndOfPayload, WebsocketReassemblyLimitReached,
  // MQTT: messages out of the session's order, a bad QoS or message id, a reserved type, too
  // many open transactions, bytes that are not MQTT.
  MqttMissingConnect, MqttMissingPublish, MqttMissingSubscribe, MqttMissingUnsubscribe, MqttDoubleConnect,
  MqttUnintroducedMessage, MqttInvalidQosLevel, MqttMissingMsgId, MqttUnassignedMsgType, MqttTooManyTransactions,
  MqttMalformedTraffic,
  // QUIC: an Initial packet that does not decrypt, frames that do not parse, a handshake
  // whose CRYPTO data reaches past the reassembly bound.
  QuicFailedDecrypt, QuicErrorOnData, QuicCryptoFragTooLong,
  // Protocol detection, on the flow.
  ApplayerWrongDirectionFirstData, ApplayerMismatchProtocolBothDirections,
  Count
};
constexpr size_t kAppLayerEventCount = static_cast<size_t>(AppLayerEvent::Count);

using AppLayerEventSet = std::bitset<kAppLayerEventCount>;

inline void raise(AppLayerEventSet& set, AppLayerEvent e) { set.set(static_cast<size_t>(e)); }
inline bool raised(const AppLayerEventSet& set, AppLayerEvent e) { return set.test(static_cast<size_t>(e)); }

// As rules write it: protocol "tls" and name "invalid_handshake_message"; the detection
// events have protocol "" and names "applayer_...".
struct AppLayerEventName {
  std::string_view protocol;
  std::string_view name;
};
AppLayerEventName appLayerEventName(AppLayerEvent e);
// The event a rule's protocol and (lower-case) name mean, if mamori raises it.
std::optional<AppLayerEvent> findAppLayerEvent(std::string_view protocol, std::string_view name);

}  // namespace mamori
