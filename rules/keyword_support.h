#pragma once
// What RuleParser's keyword handlers share: the option being applied, the rule being
// built, and the small parsers every keyword's value needs. Internal to rules/.
//
// Adding a keyword is one handler and one table row in the file of its family
// (info_keywords, payload_keywords, packet_keywords, flow_keywords, app_keywords,
// app_event_keywords, engine_event_keywords, file_keywords).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/classification.h"
#include "rules/rule.h"

namespace mamori::keywords {

// A failure at an offset of the logical rule text.
struct ParseFailure {
  size_t offset = 0;
  std::string reason;
};

struct RawOption {
  std::string_view name;
  std::string_view value;  // trimmed
  size_t name_offset = 0;
  size_t value_offset = 0;
  bool has_value = false;
};

struct OptionContext {
  Rule& rule;
  const ClassificationTable& classes;
  bool explicit_priority = false;
  ParseFailure failure;

  bool fail(size_t offset, std::string reason) {
    failure = {offset, std::move(reason)};
    return false;
  }
  // A chain of payload keywords: -1 the payload, else an index into rule.app_buffers
  // (app) or rule.header_buffers.
  struct ChainRef {
    int buffer = -1;
    bool app = false;
    bool base64 = false;  // rule.base64_data
  };
  // The sticky buffer in force.
  ChainRef current;
  // Where the last content went, as modifiers after a legacy modifier (content:"x";
  // http_uri; nocase;) or uricontent still apply to it; index -1 while there is none.
  ChainRef last_content_chain;
  int last_content = -1;

  std::vector<PayloadMatch>& chainOf(ChainRef ref) {
    if (ref.base64) return rule.base64_data;
    if (ref.buffer < 0) return rule.payload;
    return ref.app ? rule.app_buffers[ref.buffer].matches : rule.header_buffers[ref.buffer].matches;
  }
  // Where payload keywords go: the chain of the sticky buffer in force.
  std::vector<PayloadMatch>& chain() { return chainOf(current); }
  // Appends a content to `ref`'s chain and makes it the one modifiers apply to.
  void addContent(ChainRef ref, ContentMatch content);
  // The content a modifier (nocase, depth, ...) applies to: the sticky buffer's last
  // one, or on the payload the last one anywhere.
  ContentMatch* lastContent();
  // The app buffer `id`'s entry: a buffer named twice in a rule is one chain, continued
  // (one per side when a '=>' rule names both sides of it).
  ChainRef appBuffer(AppBufferId id, BufferSide side = BufferSide::Unnamed);
  // Index of a byte_extract / byte_math variable, -1 when the rule has none by that name.
  int variable(std::string_view name) const;
  // False, with a failure naming `o`, once base64_data is in force: as in Suricata, no
  // keyword moves the rule to another buffer after it.
  bool mayLeaveChain(const RawOption& o);

  // Where keywords that are checked once the whole rule is read stood, for their column.
  size_t base64_decode_at = SIZE_MAX, base64_data_at = SIZE_MAX;
  std::vector<std::pair<int, size_t>> absent_at{};  // app buffer index, offset of its `absent`
  // The datasets of the rule set being read: the first rule naming one defines it.
  DatasetRegistry* datasets = nullptr;
  // The IP reputation iprep reads, loaded on first use.
  ReputationSource* reputation = nullptr;
};

enum class ValueRule : uint8_t { Required, Forbidden, Optional };

struct KeywordSpec {
  ValueRule value;
  bool (*apply)(OptionContext&, const RawOption&);
};

using KeywordTable = std::unordered_map<std::string_view, KeywordSpec>;

void addInfoKeywords(KeywordTable& table);
void addPayloadKeywords(KeywordTable& table);
void addPacketKeywords(KeywordTable& table);
void addFlowKeywords(KeywordTable& table);
void addAppKeywords(KeywordTable& table);
void addAppEventKeywords(KeywordTable& table);  // app_event_keywords.cpp
void addEngineEventKeywords(KeywordTable& table);
void addFileKeywords(KeywordTable& table);
void addDatasetKeywords(KeywordTable& table);  // dataset_keywords.cpp
// Checks that need the whole rule (a keyword's use depends on what follows it); false
// with ctx.failure set.
bool finishPayloadKeywords(OptionContext& ctx);
bool finishAppKeywords(OptionContext& ctx);

// Transform keywords (transform_keywords.cpp): each name with its value rule, and the
// parser of one into its Transform (false with ctx's failure set).
struct TransformKeyword {
  std::string_view name;
  ValueRule value;
};
std::span<const TransformKeyword> transformKeywords();
bool parseTransform(OptionContext& ctx, const RawOption& o, Transform& out);

// True when `name` belongs to an app-layer parser's keywords (http2.*, smb.*, filename,
// ...); those not in the keyword table are refused with that reason.
bool isAppLayerKeyword(std::string_view name);

// One comma-separated item of an option value, trimmed, with its offset in the rule.
struct ValueItem {
  std::string_view text;
  size_t offset;
};
std::vector<ValueItem> splitItems(std::string_view value, size_t offset, char separator = ',');

// The value `text` names in a table of (name, value) rows; nullopt when none does.
template <typename T, size_t N>
std::optional<T> lookup(const std::pair<std::string_view, T> (&table)[N], std::string_view text) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

// content's value: [!]"text|48 45 58|text"; false with `failure` set.
bool parseContent(std::string_view value, size_t offset, ContentMatch& out, ParseFailure& failure);

bool isSpace(char c);
std::string_view trim(std::string_view s);
bool parseUint32(std::string_view text, uint32_t& out);
// Decimal, or hexadecimal with 0x; an optional leading '-'.
bool parseInt64(std::string_view text, int64_t& out);
// Suricata's integer comparison syntax; values above `max` are refused.
bool parseNumericTest(std::string_view text, uint64_t max, NumericTest& out);
// A literal number, or the name of a variable set by an earlier byte_extract / byte_math.
bool parseRuleValue(OptionContext& ctx, const ValueItem& item, std::string_view what, RuleValue& out);

// Strips the quotes of a "..." value (optional, as Suricata allows for msg) and undoes
// \" \; \\ \: ; any other backslash stays as written.
bool unquoteText(std::string_view value, size_t offset, std::string& out, ParseFailure& failure);

}  // namespace mamori::keywords
