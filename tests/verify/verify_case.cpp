#include "tests/verify/verify_case.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;

namespace mamori::test {
namespace {

// Issue 3's keyword list, as its "rules/: the language" section names them.
const std::set<std::string>& issue3Keywords() {
  static const std::set<std::string> k = {
      "msg", "sid", "rev", "gid", "classtype", "priority", "reference", "metadata", "target",
      "content", "nocase", "depth", "offset", "distance", "within", "startswith", "endswith",
      "fast_pattern", "isdataat", "bsize", "dsize", "pcre", "flow", "flowbits", "flowint",
      "threshold", "detection_filter", "byte_test", "byte_jump", "byte_extract", "byte_math",
      "noalert", "sameip", "ttl", "ip_proto", "itype", "icode", "icmp_id", "icmp_seq", "flags",
      "tcp.flags", "seq", "ack", "window", "fragbits", "fragoffset", "app-layer-protocol",
      "to_lowercase", "strip_whitespace", "dotprefix", "url_decode", "xor", "from_base64"};
  return k;
}

// Rule-header protocols mamori matches without an app-layer parser.
const std::set<std::string>& packetProtocols() {
  static const std::set<std::string> p = {"ip",      "ipv4", "ipv6",       "tcp", "udp",   "icmp",
                                          "icmpv4",  "icmpv6", "tcp-pkt", "tcp-stream", "sctp",
                                          "pkthdr",  "arp",  "ether"};
  return p;
}

// Protocols whose parsers own a keyword family: "http.uri", "http_uri", "dns_query", "ja3.hash".
const std::set<std::string>& appLayerFamilies() {
  static const std::set<std::string> f = {
      "http", "http1", "http2", "dns",  "doh2",  "tls",  "ja3",  "ja3s", "ja4",  "ssh",  "smb",
      "dce",  "dcerpc", "sip",  "sdp",  "krb5",  "ldap", "ftp",  "ftpdata", "websocket", "enip",
      "cip",  "smtp", "email", "quic", "mqtt",  "rfb",  "snmp", "dhcp", "nfs",  "tftp", "rdp",
      "modbus", "dnp3", "ike", "pgsql", "file", "mdns", "bittorrent"};
  return f;
}

// App-layer keywords whose names carry no protocol prefix.
const std::set<std::string>& appLayerKeywords() {
  static const std::set<std::string> k = {"filename",  "fileext", "filestore", "filesize", "filemagic",
                                          "app-layer-event", "urilen", "frame"};
  return k;
}

bool appLayerKeyword(const std::string& k) {
  if (appLayerKeywords().count(k)) return true;
  return appLayerFamilies().count(k.substr(0, k.find_first_of("._"))) > 0;
}

std::vector<std::string> strings(const rapidjson::Value& doc, const char* key) {
  std::vector<std::string> out;
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray())
    if (v.IsString()) out.emplace_back(v.GetString());
  return out;
}

VerifyCase loadCase(const fs::path& root, const fs::path& expected_json) {
  VerifyCase c;
  c.dir = expected_json.parent_path().string();
  c.name = fs::relative(expected_json.parent_path(), root).generic_string();
  rapidjson::Document doc;
  std::string text = readFile(expected_json.string());
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return c;  // no expectations: the case then fails visibly
  if (auto it = doc.FindMember("alerts"); it != doc.MemberEnd() && it->value.IsArray()) {
    for (const auto& a : it->value.GetArray())
      c.alerts.push_back({a["sid"].GetUint(), a["count"].GetInt64()});
  }
  c.keywords = strings(doc, "rule_keywords");
  c.protocols = strings(doc, "app_protocols");
  c.suricata_args = strings(doc, "suricata_args");
  if (auto it = doc.FindMember("min_version"); it != doc.MemberEnd() && it->value.IsString())
    c.min_version = it->value.GetString();
  return c;
}

}  // namespace

const char* categoryName(CaseCategory c) {
  switch (c) {
    case CaseCategory::Issue3Keywords: return "issue-3 keywords only";
    case CaseCategory::AppLayer: return "needs the app layer";
    case CaseCategory::OtherKeywords: return "needs keywords beyond issue 3";
  }
  return "";
}

CaseCategory VerifyCase::category() const {
  bool app = std::any_of(keywords.begin(), keywords.end(), appLayerKeyword) ||
             std::any_of(protocols.begin(), protocols.end(),
                         [](const std::string& p) { return !packetProtocols().count(p); });
  if (app) return CaseCategory::AppLayer;
  return beyondIssue3().empty() ? CaseCategory::Issue3Keywords : CaseCategory::OtherKeywords;
}

bool VerifyCase::usesHttpDnsTlsBuffers() const {
  static const std::set<std::string> families = {"http", "dns", "tls", "ja3", "ja3s"};
  const bool http = std::find(protocols.begin(), protocols.end(), "http") != protocols.end();
  return std::any_of(keywords.begin(), keywords.end(), [&](const std::string& k) {
    if (k == "urilen" || k == "uricontent") return true;
    if (k == "file_data" || k == "file.data") return http;  // else it is another protocol's file
    return families.count(k.substr(0, k.find_first_of("._"))) > 0;
  });
}

std::vector<std::string> VerifyCase::beyondIssue3() const {
  std::vector<std::string> out;
  for (const auto& p : protocols)
    if (!packetProtocols().count(p)) out.push_back("protocol " + p);
  for (const auto& k : keywords)
    if (!issue3Keywords().count(k)) out.push_back(k);
  return out;
}

std::vector<std::string> VerifyCase::unmodelledSettings() const {
  std::vector<std::string> out;
  // Checksums are never validated on capture files, which is what `-k none` asks for.
  for (const auto& a : suricata_args)
    if (a != "-k none") out.push_back(a);
  return out;
}

void PrintTo(const VerifyCase& c, std::ostream* os) { *os << c.name; }

std::vector<VerifyCase> discoverCases(const std::string& root) {
  std::vector<VerifyCase> out;
  if (!fs::is_directory(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().filename() == "expected.json") out.push_back(loadCase(root, e.path()));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string testName(const std::string& case_name) {
  std::string out = case_name;
  for (char& ch : out)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return out;
}

}  // namespace mamori::test
