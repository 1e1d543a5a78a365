#pragma once
// One suricata-verify case from ../shared/corpus/suricata-verify: its inputs, the alert counts
// Suricata raised, and which part of mamori's work it exercises, read from expected.json.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace mamori::test {

// What a case needs from mamori, so pass rates can be read against what issue 3 promises.
enum class CaseCategory {
  Issue3Keywords,  // every rule keyword is in issue 3's list and no rule names an app-layer protocol
  AppLayer,        // a rule uses an app-layer sticky buffer, keyword or header protocol
  OtherKeywords,   // no app layer, but keywords beyond issue 3 (decode-event, ipv4.hdr, ...)
};
const char* categoryName(CaseCategory c);

struct ExpectedAlerts {
  uint32_t sid = 0;
  int64_t count = 0;  // 0: the rule must not fire
};

struct VerifyCase {
  std::string name;  // path below suricata-verify's tests/, may hold one '/'
  std::string dir;
  std::vector<ExpectedAlerts> alerts;
  std::vector<std::string> keywords;
  std::vector<std::string> protocols;
  std::vector<std::string> suricata_args;
  std::string min_version;  // empty when the test has none

  std::string pcap() const { return dir + "/input.pcap"; }
  std::string rules() const { return dir + "/test.rules"; }

  CaseCategory category() const;
  // A rule inspects an HTTP, DNS or TLS buffer (http.*, http_* modifiers, urilen, dns.*,
  // tls.*, ja3*, and file.data on HTTP): issue 4's measure of the rule buffers.
  bool usesHttpDnsTlsBuffers() const;
  // The keywords and header protocols that put the case outside issue 3, for failure reasons.
  std::vector<std::string> beyondIssue3() const;
  // Suricata settings the test ran with that mamori has no equivalent of.
  std::vector<std::string> unmodelledSettings() const;
};

// GoogleTest prints a case by its name.
void PrintTo(const VerifyCase& c, std::ostream* os);

// Every case below `root`, sorted by name; empty when the corpus is missing.
std::vector<VerifyCase> discoverCases(const std::string& root);

// A GoogleTest-safe name for a case ("ipv6-evasion/frag-01" -> "ipv6_evasion_frag_01").
std::string testName(const std::string& case_name);

}  // namespace mamori::test
