#pragma once
// One signature as loaded from a rule file: header compiled to matchers, options
// decoded. Produced by RuleParser, consumed by detect's SignatureDatabase; it knows
// nothing about Hyperscan or packets beyond addresses, ports and protocol numbers.
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/address_matcher.h"
#include "rules/port_matcher.h"

namespace mamori {

enum class RuleAction : uint8_t { Alert, Pass, Drop, Reject, RejectSrc, RejectDst, RejectBoth };
const char* ruleActionName(RuleAction action);  // as written in rules: "alert", "rejectsrc", ...

enum class RuleDirection : uint8_t {
  Forward,        // ->  source to destination only
  Bidirectional,  // <>  either way round
};

struct RuleProtocol {
  std::string name;              // as written: "tcp", "icmp", "http", ...
  std::bitset<256> ip_protocols; // IP protocol numbers the rule can see
  uint8_t ip_version = 0;        // 0: both; 4 or 6 for "ipv4" / "ipv6" rules
  // An application protocol ("http", "dns", ...): the rule applies only to flows where
  // that protocol was identified, so it needs app-layer detection, not just a transport.
  bool app_layer = false;

  bool matches(uint8_t version, uint8_t proto) const {
    return (ip_version == 0 || ip_version == version) && ip_protocols.test(proto);
  }
};

struct ContentMatch {
  std::string bytes;     // after |hex| and escape decoding
  bool nocase = false;
  bool negated = false;  // content:!"..." : the rule needs it absent
};

struct Rule {
  RuleAction action = RuleAction::Alert;
  RuleProtocol protocol;
  AddressMatcher source, destination;
  PortMatcher source_ports, destination_ports;
  RuleDirection direction = RuleDirection::Forward;

  std::string msg;
  uint32_t gid = 1, sid = 0, rev = 0;
  std::string classtype;  // shortname; empty when the rule has none
  std::string category;   // the classtype's description (EVE alert.category)
  int priority = 3;       // effective: priority: option, else the classtype's, else 3
  std::vector<std::string> references;  // "url,example.com/x", kept as written
  std::vector<std::string> metadata;    // each metadata option's text, as written

  std::vector<ContentMatch> contents;  // in rule order

  std::string file;  // where the rule came from, for messages
  uint32_t line = 0;
  std::string text;  // the rule as written, continuation lines joined
};

}  // namespace mamori
