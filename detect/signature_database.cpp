#include "detect/signature_database.h"


#include <algorithm>
#include <unordered_map>

namespace mamori {
namespace {

void lowerCase(std::string& bytes) {
  for (char& c : bytes) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
}

// Every chain of payload keywords of a rule: the payload's and each header buffer's.
template <typename RuleRef, typename F>
void forEachMatch(RuleRef& rule, F&& f) {
  for (auto& m : rule.payload) f(m);
  for (auto& h : rule.header_buffers) {
    for (auto& m : h.matches) f(m);
  }
}

Signature makeSignature(Rule rule) {
  Signature s;
  forEachMatch(rule, [](PayloadMatch& m) {
    if (auto* c = std::get_if<ContentMatch>(&m); c && c->nocase) lowerCase(c->bytes);
  });
  // Only payload contents feed the prefilter; header buffers are small and verified.
  size_t best_length = 0;
  bool explicit_choice = false;
  for (size_t i = 0; i < rule.payload.size(); ++i) {
    auto* c = std::get_if<ContentMatch>(&rule.payload[i]);
    if (!c || c->negated || explicit_choice) continue;
    // `fast_pattern` wins; otherwise longest, the earlier on a tie, so the choice is
    // stable across loads.
    if (c->fast_pattern || c->bytes.size() > best_length) {
      s.fast_pattern = static_cast<int>(i);
      best_length = c->bytes.size();
      explicit_choice = c->fast_pattern;
    }
  }
  s.needs_payload = !rule.payload.empty() || rule.protocol.app_layer;
  for (const FlowbitOp& op : rule.flowbits) {
    s.writes_flow_state |= op.cmd == FlowbitOp::Cmd::Set || op.cmd == FlowbitOp::Cmd::Unset ||
                           op.cmd == FlowbitOp::Cmd::Toggle;
  }
  for (const FlowintOp& op : rule.flowints) s.writes_flow_state |= op.modifies();
  s.stream = rule.protocol.ip_protocols.test(6) && !rule.payload.empty() && rule.header_buffers.empty() &&
             !rule.header.dsize && !rule.flow.no_stream && rule.protocol.name != "tcp-pkt";
  s.rule = std::move(rule);
  return s;
}

// Few enough addresses that traffic rarely touches them: at most a /16 worth of IPv4 and
// a /64 worth of IPv6. $HOME_NET (RFC 1918) and "any" are far larger.
bool isShortList(const AddressMatcher& side) {
  return !side.isAny() && side.v4().size() <= (uint32_t{1} << 16) &&
         side.v6().size() <= (AddressMatcher::V6{1} << 64);
}

}  // namespace

std::string_view Signature::fastPatternBytes() const {
  const auto& c = std::get<ContentMatch>(rule.payload[fast_pattern]);
  std::string_view bytes = c.bytes;
  return c.chop_length ? bytes.substr(c.chop_offset, c.chop_length) : bytes;
}

bool Signature::fastPatternNocase() const { return std::get<ContentMatch>(rule.payload[fast_pattern]).nocase; }

SignatureDatabase::~SignatureDatabase() = default;

void SignatureDatabase::assignIds() {
  std::unordered_map<std::string, uint32_t> flowbits, flowints;
  auto id = [](std::unordered_map<std::string, uint32_t>& ids, const std::string& name) {
    return ids.try_emplace(name, static_cast<uint32_t>(ids.size())).first->second;
  };
  for (Signature& s : signatures_) {
    for (const FlowbitOp& op : s.rule.flowbits) {
      std::vector<uint32_t>& ids = s.flowbit_ids.emplace_back();
      for (const std::string& name : op.names) ids.push_back(id(flowbits, name));
    }
    for (const FlowintOp& op : s.rule.flowints) {
      s.flowint_ids.emplace_back(id(flowints, op.name),
                                 op.value_name.empty() ? -1 : static_cast<int>(id(flowints, op.value_name)));
    }
    if (s.rule.threshold || s.rule.detection_filter) s.threshold_id = static_cast<int>(threshold_count_++);
    if (s.stream) {
      for (const PayloadMatch& m : s.rule.payload) {
        if (const auto* c = std::get_if<ContentMatch>(&m)) stream_lookback_ = std::max(stream_lookback_, c->bytes.size());
      }
    }
    max_variables_ = std::max(max_variables_, s.rule.variables.size());
    forEachMatch(s.rule, [&](const PayloadMatch& m) {
      if (const auto* pcre = std::get_if<PcreMatch>(&m)) {
        max_regex_captures_ = std::max(max_regex_captures_, pcre->regex->captureCount());
      }
    });
  }
  flowbit_count_ = flowbits.size();
  flowint_count_ = flowints.size();
}

std::shared_ptr<const SignatureDatabase> SignatureDatabase::build(std::vector<Rule> rules,
                                                                  std::vector<RuleError>& errors,
                                                                  const HsDatabaseCache* cache) {
  std::shared_ptr<SignatureDatabase> db(new SignatureDatabase());
  db->signatures_.reserve(rules.size());
  for (Rule& rule : rules) db->signatures_.push_back(makeSignature(std::move(rule)));

  // A literal Hyperscan refuses is reported against its rule, which is dropped, and the
  // databases are compiled again without it: one bad rule must not cost the rule set.
  for (;;) {
    std::vector<uint32_t> members[2];  // of the packet and of the stream groups
    std::vector<const AddressMatcher*> sides;
    for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
      const Signature& s = db->signatures_[i];
      if (db->addressIndexed(s)) continue;
      members[s.stream].push_back(i);
      sides.push_back(&s.rule.source);
      sides.push_back(&s.rule.destination);
    }
    db->address_classes_ = AddressClasses(sides);
    SignatureGroups::Refusal refusal;
    if (db->kinds_[0].groups.build(db->signatures_, members[0], db->address_classes_, cache, refusal) &&
        db->kinds_[1].groups.build(db->signatures_, members[1], db->address_classes_, cache, refusal)) {
      break;
    }
    if (refusal.signature < 0) {
      errors.push_back({"", 0, 0, 0, "cannot build the pattern database: " + refusal.message});
      return nullptr;
    }
    auto bad = db->signatures_.begin() + refusal.signature;
    errors.push_back({bad->rule.file, bad->rule.line, 1, bad->rule.sid,
                      "fast pattern refused by Hyperscan: " + refusal.message});
    db->signatures_.erase(bad);
  }
  for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
    const Signature& s = db->signatures_[i];
    db->pattern_count_ += s.fast_pattern >= 0;
    if (const AddressMatcher* key = db->addressIndexed(s)) db->kinds_[s.stream].by_address.add(i, *key);
  }
  for (Kind& kind : db->kinds_) kind.by_address.build();
  db->assignIds();
  return db;
}

const AddressMatcher* SignatureDatabase::addressIndexed(const Signature& s) {
  if (s.fast_pattern >= 0) return nullptr;
  const AddressMatcher* key = nullptr;
  for (const AddressMatcher* side : {&s.rule.source, &s.rule.destination}) {
    if (isShortList(*side)) key = side;
  }
  return key;
}

}  // namespace mamori
