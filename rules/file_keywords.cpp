// Keywords on the files a flow carries (Suricata's file keywords): filename, fileext and
// filemagic (contents of the file.name / file.magic buffers, as Suricata turns them
// into: nocase, fileext anchored at the end after a '.'), filesize, the hash lists of
// filemd5 / filesha1 / filesha256, and filestore.
#include <cctype>
#include <filesystem>

#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

// filename:[!]"x" is file.name; content:[!]"x"; nocase. fileext:"pdf" the same with
// ".pdf" and endswith. filemagic:"x" is file.magic; content:"x"; nocase.
bool applyFileContent(OptionContext& ctx, const RawOption& o) {
  if (!ctx.mayLeaveChain(o)) return false;
  ContentMatch content;
  if (!parseContent(o.value, o.value_offset, content, ctx.failure)) return false;
  content.nocase = true;
  AppBufferId id = AppBufferId::FileName;
  if (o.name == "fileext") {
    if (content.bytes.find('.') != std::string::npos) {
      return ctx.fail(o.value_offset, "fileext takes the extension without its '.'");
    }
    content.bytes.insert(content.bytes.begin(), '.');
    content.endswith = true;
  } else if (o.name == "filemagic") {
    id = AppBufferId::FileMagic;
  }
  ctx.addContent(ctx.appBuffer(id), std::move(content));
  return true;
}

// filesize:100, >1MB, 1KB<>2KB: KB, MB and GB are powers of 1024, as Suricata's are.
bool applyFilesize(OptionContext& ctx, const RawOption& o) {
  std::string text;
  std::string_view v = o.value;
  for (size_t i = 0; i < v.size();) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) {
      text.push_back(v[i++]);
      continue;
    }
    size_t end = i;
    uint64_t n = 0;
    while (end < v.size() && std::isdigit(static_cast<unsigned char>(v[end]))) {
      if (n > (UINT64_MAX >> 31)) return ctx.fail(o.value_offset + i, "filesize value too large");
      n = n * 10 + static_cast<uint64_t>(v[end++] - '0');
    }
    static constexpr std::pair<std::string_view, int> kUnits[] = {{"kb", 10}, {"mb", 20}, {"gb", 30}};
    for (const auto& [unit, shift] : kUnits) {
      if (end + 2 <= v.size() && std::tolower(static_cast<unsigned char>(v[end])) == unit[0] &&
          std::tolower(static_cast<unsigned char>(v[end + 1])) == unit[1]) {
        n <<= shift;
        end += 2;
        break;
      }
    }
    text += std::to_string(n);
    i = end;
  }
  NumericTest test;
  if (!parseNumericTest(text, INT64_MAX, test)) {
    return ctx.fail(o.value_offset, "invalid filesize '" + std::string(o.value) + "'");
  }
  ctx.rule.files.sizes.push_back(test);
  return true;
}

// filemd5:[!]LIST: LIST relative to the rule file's folder (or absolute), read now.
bool applyFileHash(OptionContext& ctx, const RawOption& o) {
  static constexpr std::pair<std::string_view, size_t> kLengths[] = {
      {"filemd5", 32}, {"filesha1", 40}, {"filesha256", 64}};
  FileHashTest test;
  std::string_view name = o.value;
  if (name.front() == '!') {
    test.negated = true;
    name = trim(name.substr(1));
  }
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  if (name.empty()) return ctx.fail(o.value_offset, std::string(o.name) + " needs a list file");
  std::filesystem::path path(name);
  if (path.is_relative() && !ctx.rule.file.empty()) path = std::filesystem::path(ctx.rule.file).parent_path() / path;
  std::string error;
  test.list = HashList::load(path.string(), *lookup(kLengths, o.name), error);
  if (!test.list) return ctx.fail(o.value_offset, std::string(o.name) + ": " + error);
  ctx.rule.files.hashes.push_back(std::move(test));
  return true;
}

// filestore[:direction[,scope]].
bool applyFilestore(OptionContext& ctx, const RawOption& o) {
  using Action = FileStoreAction;
  static constexpr std::pair<std::string_view, Action::Direction> kDirections[] = {
      {"request", Action::Direction::ToServer},  {"to_server", Action::Direction::ToServer},
      {"response", Action::Direction::ToClient}, {"to_client", Action::Direction::ToClient},
      {"both", Action::Direction::Both}};
  static constexpr std::pair<std::string_view, Action::Scope> kScopes[] = {
      {"file", Action::Scope::File}, {"tx", Action::Scope::Tx}, {"ssn", Action::Scope::Flow},
      {"flow", Action::Scope::Flow}};
  if (ctx.rule.files.store) return ctx.fail(o.name_offset, "filestore given twice");
  Action action;
  if (o.has_value) {
    std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
    if (items.size() > 2) return ctx.fail(o.value_offset, "filestore takes a direction and a scope");
    const auto direction = lookup(kDirections, items[0].text);
    if (!direction) return ctx.fail(items[0].offset, "invalid filestore direction '" + std::string(items[0].text) + "'");
    action.direction = *direction;
    if (items.size() == 2) {
      const auto scope = lookup(kScopes, items[1].text);
      if (!scope) return ctx.fail(items[1].offset, "invalid filestore scope '" + std::string(items[1].text) + "'");
      action.scope = *scope;
    }
  }
  ctx.rule.files.store = action;
  return true;
}

}  // namespace

void addFileKeywords(KeywordTable& table) {
  table.insert({
      {"filename", {ValueRule::Required, applyFileContent}},
      {"fileext", {ValueRule::Required, applyFileContent}},
      {"filemagic", {ValueRule::Required, applyFileContent}},
      {"filesize", {ValueRule::Required, applyFilesize}},
      {"filemd5", {ValueRule::Required, applyFileHash}},
      {"filesha1", {ValueRule::Required, applyFileHash}},
      {"filesha256", {ValueRule::Required, applyFileHash}},
      {"filestore", {ValueRule::Optional, applyFilestore}},
  });
}

}  // namespace mamori::keywords
