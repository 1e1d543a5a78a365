#pragma once
// IpReputation: the IP reputation iprep rules read, as Suricata's: a categories file
// ("ID,SHORTNAME,DESCRIPTION" lines, ids 1-60) and reputation files ("ADDRESS[/PREFIX],
// CATEGORY_ID,SCORE" lines, scores 0-127), named by the configuration
// (reputation-categories-file, default-reputation-path, reputation-files) and read when
// the rules load, so a rule reload rereads them. An address takes a category's score from
// the most specific network listing it in that category (a host entry over a /24). Immutable once loaded, shared
// by the rules and workers. A file larger than kMaxFileBytes is refused, not read.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "capture/ip_address.h"

namespace mamori {

struct ReputationFiles {
  std::string categories;          // empty: iprep rules are refused
  std::vector<std::string> lists;  // resolved paths
};

class IpReputation {
 public:
  static constexpr size_t kMaxFileBytes = size_t{256} << 20;
  static constexpr int kMaxCategory = 60;

  // Null with `error` set to "PATH:LINE: reason" (line 0 for the file as a whole).
  static std::shared_ptr<const IpReputation> load(const ReputationFiles& files, std::string& error);

  // The category's id by its short name; nullopt when the categories file has none.
  std::optional<uint8_t> category(const std::string& short_name) const;
  // The score `address` has in `category`, from the most specific network listing it.
  std::optional<uint8_t> score(const IpAddress& address, uint8_t category) const;
  size_t entries() const { return entries_; }

 private:
  struct Key {
    std::array<uint8_t, 16> bytes;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  using Scores = std::map<uint8_t, uint8_t>;  // category -> score
  // Per family (v4, v6) and prefix length, most specific first.
  struct Networks {
    uint8_t prefix;
    std::unordered_map<Key, Scores, KeyHash> by_network;
  };
  void add(const IpAddress& network, uint8_t prefix, uint8_t category, uint8_t score);
  static Key masked(const IpAddress& a, uint8_t prefix);

  std::map<std::string, uint8_t> categories_;
  std::vector<Networks> v4_, v6_;
  size_t entries_ = 0;
};

// The reputation of one rule set: loaded from the files when its first iprep rule is read,
// so that rule sets without iprep need no files; a load error fails every iprep rule.
class ReputationSource {
 public:
  explicit ReputationSource(ReputationFiles files) : files_(std::move(files)) {}
  std::shared_ptr<const IpReputation> get(std::string& error);

 private:
  ReputationFiles files_;
  bool loaded_ = false;
  std::shared_ptr<const IpReputation> table_;
  std::string error_;
};

}  // namespace mamori
