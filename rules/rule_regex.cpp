#include "rules/rule_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace mamori {

std::shared_ptr<const RuleRegex> RuleRegex::compile(std::string_view pattern, uint32_t pcre2_options,
                                                    std::string& error, size_t& error_offset) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                       pcre2_options, &code, &offset, nullptr);
  if (!compiled) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    error = reinterpret_cast<const char*>(message);
    error_offset = offset;
    return nullptr;
  }
  std::shared_ptr<RuleRegex> regex(new RuleRegex());
  regex->code_ = compiled;
  pcre2_pattern_info(compiled, PCRE2_INFO_CAPTURECOUNT, &regex->captures_);
  // Without JIT (an unsupported CPU) the interpreter gives the same answers, slower.
  regex->jit_ = pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
  return regex;
}

RuleRegex::~RuleRegex() { pcre2_code_free(code_); }

RegexMatchData::RegexMatchData(uint32_t max_captures)
    : data_(pcre2_match_data_create(max_captures + 1, nullptr)) {}

RegexMatchData::~RegexMatchData() { pcre2_match_data_free(data_); }

bool RegexMatchData::search(const RuleRegex& regex, const uint8_t* subject, size_t length,
                            size_t start, size_t& match_start, size_t& match_end) {
  if (start > length) return false;
  int rc = regex.jit_ ? pcre2_jit_match(regex.code_, subject, length, start, 0, data_, nullptr)
                      : pcre2_match(regex.code_, subject, length, start, 0, data_, nullptr);
  // Fewer ovector pairs than groups (rc == 0) still carries the whole match in pair 0.
  if (rc < 0) return false;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_);
  match_start = ovector[0];
  match_end = ovector[1];
  return true;
}

bool RegexMatchData::group(uint32_t group, size_t& start, size_t& end) const {
  if (group >= pcre2_get_ovector_count(data_)) return false;
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_);
  if (ovector[2 * group] == PCRE2_UNSET) return false;
  start = ovector[2 * group];
  end = ovector[2 * group + 1];
  return true;
}

}  // namespace mamori
