#pragma once
// A pcre option's regular expression, compiled once at load with PCRE2 (JIT where the
// platform has it) and shared read-only by every worker; each worker matches with its
// own RegexMatchData, so matching allocates nothing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;

namespace mamori {

class RuleRegex {
 public:
  // nullptr with `error` set (and `error_offset` into the pattern) when PCRE2 refuses it.
  static std::shared_ptr<const RuleRegex> compile(std::string_view pattern, uint32_t pcre2_options,
                                                  std::string& error, size_t& error_offset);
  ~RuleRegex();
  RuleRegex(const RuleRegex&) = delete;
  RuleRegex& operator=(const RuleRegex&) = delete;

  uint32_t captureCount() const { return captures_; }

 private:
  RuleRegex() = default;
  pcre2_real_code_8* code_ = nullptr;
  uint32_t captures_ = 0;
  bool jit_ = false;
  friend class RegexMatchData;
};

// Per-worker match data, big enough for any regex of a rule set.
class RegexMatchData {
 public:
  explicit RegexMatchData(uint32_t max_captures);
  ~RegexMatchData();
  RegexMatchData(const RegexMatchData&) = delete;
  RegexMatchData& operator=(const RegexMatchData&) = delete;

  // Searches subject[start..length) (lookbehind may see before `start`). On a match,
  // `match_start` / `match_end` are offsets into subject.
  bool search(const RuleRegex& regex, const uint8_t* subject, size_t length, size_t start,
              size_t& match_start, size_t& match_end);
  // After a successful search: where capture `group` matched; false when it took no part
  // (or this match data has no room for it).
  bool group(uint32_t group, size_t& start, size_t& end) const;

 private:
  pcre2_real_match_data_8* data_ = nullptr;
};

}  // namespace mamori
