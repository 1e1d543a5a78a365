#pragma once
// Dataset: a named set of values that dataset / datarep rules test a sticky buffer
// against, as Suricata's datasets: typed (`string`, `md5`, `sha256`, `ipv4`, `ip`), each
// value with a reputation for datarep, filled from a file when the rules load and shared
// by every rule that names it (and every worker, read-only). What rules add at run time
// (`dataset:set`) is each worker's own (detect/dataset_overlay.h).
//
// File formats are Suricata's: one value a line; `string` values in base64, `md5` and
// `sha256` in hex, addresses as text; a datarep file has `VALUE,REPUTATION` lines. A
// file larger than kMaxFileBytes is refused, not read.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mamori {

class Dataset {
 public:
  enum class Type : uint8_t { String, Md5, Sha256, Ipv4, Ip };
  static constexpr size_t kMaxFileBytes = size_t{256} << 20;
  static constexpr uint32_t kDefaultMaxAdded = 65536;

  static std::optional<Type> typeNamed(std::string_view name);
  static const char* typeName(Type type);

  // `path` empty: no values until rules add some. Null with `error` set to "PATH:LINE:
  // reason" (line 0 for the file as a whole) when the file or a line is bad.
  static std::shared_ptr<Dataset> load(std::string name, Type type, bool reputation, const std::string& path,
                                       std::string& error);

  // `value` as the inspected buffer holds it: raw bytes; 16 / 32 binary bytes for md5 /
  // sha256; 4 for ipv4; 16 for ip (an IPv4 address as 4 bytes too).
  bool contains(std::string_view value) const;
  std::optional<uint32_t> reputation(std::string_view value) const;

  const std::string& name() const { return name_; }
  Type type() const { return type_; }
  bool hasReputation() const { return has_reputation_; }
  const std::string& path() const { return path_; }
  size_t size() const { return values_.size(); }
  // Index among the datasets of one rule set, for per-worker state.
  uint32_t id() const { return id_; }
  // How many values each worker may add at run time (memcap / hashsize options).
  uint32_t maxAdded() const { return max_added_; }

 private:
  friend class DatasetRegistry;
  std::string name_;
  Type type_ = Type::String;
  bool has_reputation_ = false;
  std::string path_;
  uint32_t id_ = 0;
  uint32_t max_added_ = kDefaultMaxAdded;
  std::vector<std::pair<std::string, uint32_t>> values_;  // sorted by value; reputation 0 for sets
};

// The datasets of one rule set by name: the first rule naming one defines it (type, file,
// limits); later rules may repeat the same definition or leave it out.
class DatasetRegistry {
 public:
  struct Definition {
    std::optional<Dataset::Type> type;
    std::string load;         // file path, already resolved; empty: none
    bool reputation = false;  // datarep
    std::optional<uint32_t> max_added;
  };
  // Null with `error` when the definition disagrees with an earlier one or the file is bad.
  std::shared_ptr<const Dataset> get(const std::string& name, const Definition& definition, std::string& error);
  size_t size() const { return sets_.size(); }

 private:
  std::vector<std::shared_ptr<Dataset>> sets_;
};

}  // namespace mamori
