#include "detect/signature_database.h"

#include <hs/hs.h>

#include <algorithm>

namespace mamori {
namespace {

PreparedContent prepare(const ContentMatch& content) {
  PreparedContent p{content.bytes, content.nocase, content.negated};
  if (p.nocase) {
    for (char& c : p.bytes) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
    }
  }
  return p;
}

Signature makeSignature(Rule rule) {
  Signature s;
  for (size_t i = 0; i < rule.contents.size(); ++i) {
    const ContentMatch& c = rule.contents[i];
    s.contents.push_back(prepare(c));
    // Longest wins; on a tie the earlier one, so the choice is stable across loads.
    if (!c.negated && (s.fast_pattern < 0 || c.bytes.size() > rule.contents[s.fast_pattern].bytes.size())) {
      s.fast_pattern = static_cast<int>(i);
    }
  }
  s.needs_payload = !rule.contents.empty() || rule.protocol.app_layer;
  s.rule = std::move(rule);
  return s;
}

}  // namespace

SignatureDatabase::~SignatureDatabase() { hs_free_database(patterns_); }

std::shared_ptr<const SignatureDatabase> SignatureDatabase::build(std::vector<Rule> rules,
                                                                  std::vector<RuleError>& errors) {
  std::shared_ptr<SignatureDatabase> db(new SignatureDatabase());
  db->signatures_.reserve(rules.size());
  for (Rule& rule : rules) db->signatures_.push_back(makeSignature(std::move(rule)));

  // A literal Hyperscan refuses is reported against its rule, which is dropped, and the
  // database is compiled again without it: one bad rule must not cost the rule set.
  for (;;) {
    std::vector<const char*> literals;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags, ids;
    for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
      const Signature& s = db->signatures_[i];
      if (s.fast_pattern < 0) continue;
      const ContentMatch& c = s.rule.contents[s.fast_pattern];
      literals.push_back(c.bytes.data());
      lengths.push_back(c.bytes.size());
      flags.push_back(HS_FLAG_SINGLEMATCH | (c.nocase ? HS_FLAG_CASELESS : 0u));
      ids.push_back(i);
    }
    if (literals.empty()) break;

    hs_database_t* compiled = nullptr;
    hs_compile_error_t* compile_error = nullptr;
    hs_error_t rc = hs_compile_lit_multi(literals.data(), flags.data(), ids.data(), lengths.data(),
                                         static_cast<unsigned>(literals.size()), HS_MODE_BLOCK,
                                         nullptr, &compiled, &compile_error);
    if (rc == HS_SUCCESS) {
      db->patterns_ = compiled;
      db->pattern_count_ = literals.size();
      break;
    }
    std::string message = compile_error && compile_error->message ? compile_error->message : "unknown error";
    int expression = compile_error ? compile_error->expression : -1;
    hs_free_compile_error(compile_error);
    if (expression < 0 || static_cast<size_t>(expression) >= ids.size()) {
      errors.push_back({"", 0, 0, 0, "cannot build the pattern database: " + message});
      return nullptr;
    }
    auto bad = db->signatures_.begin() + ids[expression];
    errors.push_back({bad->rule.file, bad->rule.line, 1, bad->rule.sid,
                      "fast pattern refused by Hyperscan: " + message});
    db->signatures_.erase(bad);
  }

  for (uint32_t i = 0; i < db->signatures_.size(); ++i) {
    const Signature& s = db->signatures_[i];
    if (s.fast_pattern >= 0) continue;
    for (unsigned proto = 0; proto < 256; ++proto) {
      if (s.rule.protocol.ip_protocols.test(proto)) db->unprefiltered_[proto].push_back(i);
    }
  }
  return db;
}

}  // namespace mamori
