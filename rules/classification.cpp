#include "rules/classification.h"

#include <charconv>

namespace mamori {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

ClassificationTable ClassificationTable::suricataDefaults() {
  static const Classification kDefaults[] = {
      {"not-suspicious", "Not Suspicious Traffic", 3},
      {"unknown", "Unknown Traffic", 3},
      {"bad-unknown", "Potentially Bad Traffic", 2},
      {"attempted-recon", "Attempted Information Leak", 2},
      {"successful-recon-limited", "Information Leak", 2},
      {"successful-recon-largescale", "Large Scale Information Leak", 2},
      {"attempted-dos", "Attempted Denial of Service", 2},
      {"successful-dos", "Denial of Service", 2},
      {"attempted-user", "Attempted User Privilege Gain", 1},
      {"unsuccessful-user", "Unsuccessful User Privilege Gain", 1},
      {"successful-user", "Successful User Privilege Gain", 1},
      {"attempted-admin", "Attempted Administrator Privilege Gain", 1},
      {"successful-admin", "Successful Administrator Privilege Gain", 1},
      {"rpc-portmap-decode", "Decode of an RPC Query", 2},
      {"shellcode-detect", "Executable code was detected", 1},
      {"string-detect", "A suspicious string was detected", 3},
      {"suspicious-filename-detect", "A suspicious filename was detected", 2},
      {"suspicious-login", "An attempted login using a suspicious username was detected", 2},
      {"system-call-detect", "A system call was detected", 2},
      {"tcp-connection", "A TCP connection was detected", 4},
      {"trojan-activity", "A Network Trojan was detected", 1},
      {"unusual-client-port-connection", "A client was using an unusual port", 2},
      {"network-scan", "Detection of a Network Scan", 3},
      {"denial-of-service", "Detection of a Denial of Service Attack", 2},
      {"non-standard-protocol", "Detection of a non-standard protocol or event", 2},
      {"protocol-command-decode", "Generic Protocol Command Decode", 3},
      {"web-application-activity", "access to a potentially vulnerable web application", 2},
      {"web-application-attack", "Web Application Attack", 1},
      {"misc-activity", "Misc activity", 3},
      {"misc-attack", "Misc Attack", 2},
      {"icmp-event", "Generic ICMP event", 3},
      {"inappropriate-content", "Inappropriate Content was Detected", 1},
      {"policy-violation", "Potential Corporate Privacy Violation", 1},
      {"default-login-attempt", "Attempt to login by a default username and password", 2},
      {"targeted-activity", "Targeted Malicious Activity was Detected", 1},
      {"exploit-kit", "Exploit Kit Activity Detected", 1},
      {"external-ip-check", "Device Retrieving External IP Address Detected", 2},
      {"domain-c2", "Domain Observed Used for C2 Detected", 1},
      {"pup-activity", "Possibly Unwanted Program Detected", 2},
      {"credential-theft", "Successful Credential Theft Detected", 1},
      {"social-engineering", "Possible Social Engineering Attempted", 2},
      {"coin-mining", "Crypto Currency Mining Activity Detected", 2},
      {"command-and-control", "Malware Command and Control Activity Detected", 1},
  };
  ClassificationTable table;
  for (const Classification& c : kDefaults) table.add(c);
  return table;
}

void ClassificationTable::add(Classification c) {
  std::string key = c.name;
  by_name_.insert_or_assign(std::move(key), std::move(c));
}

const Classification* ClassificationTable::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

size_t ClassificationTable::loadConfig(std::string_view text) {
  constexpr std::string_view kPrefix = "config classification:";
  size_t malformed = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, kPrefix.size()) != kPrefix) {
      ++malformed;
      continue;
    }
    std::string_view fields = line.substr(kPrefix.size());
    size_t c1 = fields.find(',');
    size_t c2 = c1 == std::string_view::npos ? c1 : fields.find(',', c1 + 1);
    if (c2 == std::string_view::npos) {
      ++malformed;
      continue;
    }
    std::string_view name = trim(fields.substr(0, c1));
    std::string_view description = trim(fields.substr(c1 + 1, c2 - c1 - 1));
    std::string_view priority_text = trim(fields.substr(c2 + 1));
    int priority = 0;
    auto [end, ec] = std::from_chars(priority_text.data(), priority_text.data() + priority_text.size(), priority);
    if (name.empty() || ec != std::errc{} || end != priority_text.data() + priority_text.size() ||
        priority < 1) {
      ++malformed;
      continue;
    }
    add({std::string(name), std::string(description), priority});
  }
  return malformed;
}

}  // namespace mamori
