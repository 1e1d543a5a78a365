#include "rules/rule.h"

namespace mamori {

const char* ruleActionName(RuleAction action) {
  switch (action) {
    case RuleAction::Alert: return "alert";
    case RuleAction::Pass: return "pass";
    case RuleAction::Drop: return "drop";
    case RuleAction::Reject: return "reject";
    case RuleAction::RejectSrc: return "rejectsrc";
    case RuleAction::RejectDst: return "rejectdst";
    case RuleAction::RejectBoth: return "rejectboth";
  }
  return "alert";
}

const char* appBufferName(AppBufferId id) {
  static constexpr const char* kNames[kAppBufferCount] = {
      "http.uri", "http.uri.raw", "http.method", "http.host", "http.host.raw", "http.user_agent", "http.header",
      "http.header.raw", "http.header_names", "http.cookie", "http.content_type", "http.content_len",
      "http.request_body", "http.response_body", "file.data", "http.stat_code", "http.stat_msg", "http.protocol",
      "http.request_line", "http.response_line", "http.start", "http.referer", "http.accept", "http.accept_lang",
      "http.accept_enc", "http.connection", "http.location", "http.server", "dns.query", "tls.sni",
      "tls.cert_subject", "tls.cert_issuer", "tls.cert_serial", "tls.cert_fingerprint", "tls.certs", "ja3.hash",
      "ja3.string", "ja3s.hash", "ja3s.string", "ssh.proto", "ssh.software", "tls.version",
  };
  const size_t i = static_cast<size_t>(id);
  return i < kAppBufferCount ? kNames[i] : "";
}

}  // namespace mamori
