// dataset and datarep: a sticky buffer's value tested against a named set or reputation
// list (rules/dataset.h), with Suricata's syntax:
//   dataset:set|unset|isset|isnotset,NAME[, type T][, load FILE][, memcap SIZE][, hashsize N]
//   datarep:NAME,>|<|>=|<=|==,VALUE[, type T][, load FILE][, memcap SIZE][, hashsize N]
// FILE is relative to the rule file's folder (or absolute) and read when the rules load.
// `save` and `state` (which write files) are refused, as Suricata does unless told to
// allow writes; JSON formats are not supported.
#include <filesystem>

#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

// Each value a worker adds at run time is charged this much against memcap.
constexpr uint64_t kBytesPerAddedValue = 128;

// "64mb", "512 kb", "1gb", "4096": bytes.
bool parseSize(std::string_view text, uint64_t& out) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  int64_t n = 0;
  if (digits == 0 || !parseInt64(text.substr(0, digits), n)) return false;
  std::string unit(trim(text.substr(digits)));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1}, {"b", 1}, {"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024ull * 1024 * 1024}};
  const auto scale = lookup(kUnits, unit);
  if (!scale) return false;
  out = static_cast<uint64_t>(n) * *scale;
  return true;
}

// The options after the command and name (dataset) or after the value (datarep).
bool parseDefinition(OptionContext& ctx, const std::vector<ValueItem>& items, size_t from,
                     DatasetRegistry::Definition& def) {
  for (size_t i = from; i < items.size(); ++i) {
    const std::string_view item = items[i].text;
    const size_t space = item.find_first_of(" \t");
    const std::string_view key = item.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? "" : trim(item.substr(space));
    const size_t at = items[i].offset;
    if (value.empty()) return ctx.fail(at, "dataset option '" + std::string(key) + "' needs a value");
    if (key == "type") {
      def.type = Dataset::typeNamed(value);
      if (!def.type) return ctx.fail(at, "unknown dataset type '" + std::string(value) + "' (string, md5, sha256, ipv4, ip)");
    } else if (key == "load") {
      std::filesystem::path path(value);
      if (path.is_relative() && !ctx.rule.file.empty()) path = std::filesystem::path(ctx.rule.file).parent_path() / path;
      def.load = path.lexically_normal().string();
    } else if (key == "memcap") {
      uint64_t bytes = 0;
      if (!parseSize(value, bytes) || bytes < kBytesPerAddedValue) {
        return ctx.fail(at, "invalid dataset memcap '" + std::string(value) + "'");
      }
      def.max_added = static_cast<uint32_t>(std::min<uint64_t>(bytes / kBytesPerAddedValue, UINT32_MAX));
    } else if (key == "hashsize") {
      uint32_t buckets = 0;
      if (!parseUint32(value, buckets)) return ctx.fail(at, "invalid dataset hashsize '" + std::string(value) + "'");
    } else if (key == "save" || key == "state") {
      return ctx.fail(at, "dataset '" + std::string(key) + "' writes a file, which mamori does not allow (use load)");
    } else if (key == "format" && value != "csv") {
      return ctx.fail(at, "dataset format '" + std::string(value) + "' is not supported (csv only)");
    } else if (key != "format") {
      return ctx.fail(at, "unknown dataset option '" + std::string(key) + "'");
    }
  }
  return true;
}

bool addTest(OptionContext& ctx, const RawOption& o, const std::string& name, const DatasetRegistry::Definition& def,
             DatasetTest test) {
  if (ctx.current.buffer < 0 || ctx.current.base64) {
    return ctx.fail(o.name_offset, std::string(o.name) + " needs a sticky buffer before it (the value it tests)");
  }
  std::string error;
  test.set = ctx.datasets->get(name, def, error);
  if (!test.set) return ctx.fail(o.value_offset, error);
  ctx.chain().emplace_back(std::move(test));
  return true;
}

bool applyDataset(OptionContext& ctx, const RawOption& o) {
  static constexpr std::pair<std::string_view, DatasetTest::Cmd> kCommands[] = {
      {"set", DatasetTest::Cmd::Set},
      {"unset", DatasetTest::Cmd::Unset},
      {"isset", DatasetTest::Cmd::IsSet},
      {"isnotset", DatasetTest::Cmd::IsNotSet},
  };
  const std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  const auto cmd = lookup(kCommands, items[0].text);
  if (!cmd) return ctx.fail(items[0].offset, "invalid dataset command '" + std::string(items[0].text) + "' (set, unset, isset, isnotset)");
  if (items.size() < 2 || items[1].text.empty()) return ctx.fail(o.value_offset, "dataset needs a name after its command");
  DatasetRegistry::Definition def;
  if (!parseDefinition(ctx, items, 2, def)) return false;
  DatasetTest test;
  test.cmd = *cmd;
  return addTest(ctx, o, std::string(items[1].text), def, std::move(test));
}

bool applyDatarep(OptionContext& ctx, const RawOption& o) {
  static constexpr std::pair<std::string_view, NumericTest::Op> kOps[] = {
      {">", NumericTest::Op::Gt}, {"<", NumericTest::Op::Lt},   {">=", NumericTest::Op::Ge},
      {"<=", NumericTest::Op::Le}, {"==", NumericTest::Op::Eq},
  };
  const std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 3) return ctx.fail(o.value_offset, "datarep needs NAME, an operator and a value");
  const auto op = lookup(kOps, items[1].text);
  if (!op) return ctx.fail(items[1].offset, "invalid datarep operator '" + std::string(items[1].text) + "' (>, <, >=, <=, ==)");
  uint32_t value = 0;
  if (!parseUint32(items[2].text, value)) return ctx.fail(items[2].offset, "invalid datarep value '" + std::string(items[2].text) + "'");
  DatasetRegistry::Definition def;
  def.reputation = true;
  if (!parseDefinition(ctx, items, 3, def)) return false;
  DatasetTest test;
  test.cmd = DatasetTest::Cmd::Reputation;
  test.reputation.op = *op;
  test.reputation.a = value;
  return addTest(ctx, o, std::string(items[0].text), def, std::move(test));
}

}  // namespace

void addDatasetKeywords(KeywordTable& table) {
  table.insert({
      {"dataset", {ValueRule::Required, applyDataset}},
      {"datarep", {ValueRule::Required, applyDatarep}},
  });
}

}  // namespace mamori::keywords
