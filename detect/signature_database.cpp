#include "detect/signature_database.h"

#include <hs/hs.h>

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

// The bytes a signature's fast pattern puts into the prefilter.
std::string_view fastPatternBytes(const Signature& s) {
  const auto& c = std::get<ContentMatch>(s.rule.payload[s.fast_pattern]);
  std::string_view bytes = c.bytes;
  return c.chop_length ? bytes.substr(c.chop_offset, c.chop_length) : bytes;
}

// Few enough addresses that traffic rarely touches them: at most a /16 worth of IPv4 and
// a /64 worth of IPv6. $HOME_NET (RFC 1918) and "any" are far larger.
bool isShortList(const AddressMatcher& side) {
  return !side.isAny() && side.v4().size() <= (uint32_t{1} << 16) &&
         side.v6().size() <= (AddressMatcher::V6{1} << 64);
}

struct LiteralDatabase {
  hs_database_t* database = nullptr;  // nullptr when no signature of the set has a fast pattern
  size_t count = 0;
  std::string message;  // set when Hyperscan refused
  int refused = -1;     // the signature whose literal it refused; -1 when none was named
};

// One block-mode literal database of the fast patterns of the stream signatures, or of
// the others; Hyperscan ids are signature indexes.
LiteralDatabase compileLiterals(const std::vector<Signature>& signatures, bool stream, const HsDatabaseCache* cache) {
  std::vector<const char*> literals;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids;
  for (uint32_t i = 0; i < signatures.size(); ++i) {
    const Signature& s = signatures[i];
    if (s.fast_pattern < 0 || s.stream != stream) continue;
    std::string_view bytes = fastPatternBytes(s);
    literals.push_back(bytes.data());
    lengths.push_back(bytes.size());
    bool nocase = std::get<ContentMatch>(s.rule.payload[s.fast_pattern]).nocase;
    flags.push_back(HS_FLAG_SINGLEMATCH | (nocase ? HS_FLAG_CASELESS : 0u));
    ids.push_back(i);
  }
  LiteralDatabase out;
  if (literals.empty()) return out;
  HsDatabaseCache::Key key;
  key.add(uint64_t{HS_MODE_BLOCK});
  for (size_t i = 0; i < literals.size(); ++i) {
    key.add(std::string_view(literals[i], lengths[i])).add(flags[i]).add(ids[i]);
  }
  if (cache && (out.database = cache->load(key))) {
    out.count = literals.size();
    return out;
  }
  hs_compile_error_t* compile_error = nullptr;
  hs_error_t rc = hs_compile_lit_multi(literals.data(), flags.data(), ids.data(), lengths.data(),
                                       static_cast<unsigned>(literals.size()), HS_MODE_BLOCK, nullptr,
                                       &out.database, &compile_error);
  if (rc == HS_SUCCESS) {
    out.count = literals.size();
    if (cache) cache->store(key, out.database);
    return out;
  }
  out.message = compile_error && compile_error->message ? compile_error->message : "unknown error";
  int expression = compile_error ? compile_error->expression : -1;
  hs_free_compile_error(compile_error);
  if (expression >= 0 && static_cast<size_t>(expression) < ids.size()) out.refused = static_cast<int>(ids[expression]);
  return out;
}

}  // namespace

SignatureDatabase::~SignatureDatabase() {
  hs_free_database(packet_patterns_);
  hs_free_database(stream_patterns_);
}

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
    LiteralDatabase packet = compileLiterals(db->signatures_, false, cache);
    LiteralDatabase stream = packet.refused < 0 && packet.message.empty() ? compileLiterals(db->signatures_, true, cache)
                                                                          : LiteralDatabase{};
    if (packet.message.empty() && stream.message.empty()) {
      db->packet_patterns_ = packet.database;
      db->stream_patterns_ = stream.database;
      db->pattern_count_ = packet.count + stream.count;
      break;
    }
    hs_free_database(packet.database);
    hs_free_database(stream.database);
    const LiteralDatabase& failed = packet.message.empty() ? stream : packet;
    if (failed.refused < 0) {
      errors.push_back({"", 0, 0, 0, "cannot build the pattern database: " + failed.message});
      return nullptr;
    }
    auto bad = db->signatures_.begin() + failed.refused;
    errors.push_back({bad->rule.file, bad->rule.line, 1, bad->rule.sid,
                      "fast pattern refused by Hyperscan: " + failed.message});
    db->signatures_.erase(bad);
  }

  db->assignIds();
  db->listUnprefiltered();
  return db;
}

void SignatureDatabase::listUnprefiltered() {
  for (uint32_t i = 0; i < signatures_.size(); ++i) {
    const Signature& s = signatures_[i];
    if (s.fast_pattern >= 0) continue;
    const AddressMatcher* key = nullptr;
    for (const AddressMatcher* side : {&s.rule.source, &s.rule.destination}) {
      if (isShortList(*side)) key = side;
    }
    if (key) {
      address_indexed_.add(i, *key);
      continue;
    }
    for (unsigned proto = 0; proto < 256; ++proto) {
      if (s.rule.protocol.ip_protocols.test(proto)) unprefiltered_[proto].push_back(i);
    }
  }
  address_indexed_.build();
}

}  // namespace mamori
