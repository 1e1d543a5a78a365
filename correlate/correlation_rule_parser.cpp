#include "correlate/correlation_rule_parser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>

#include <yaml-cpp/depthguard.h>

#include "correlate/yaml_documents.h"
#include "rules/bounded_file.h"

namespace mamori {

namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& key, const std::string& why) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  throw CorrelationRuleError(where + ": " + (key.empty() ? "" : key + ": ") + why);
}

// A key not given leaves its node default-constructed, which yaml-cpp calls defined.
bool present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

int lineOf(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key,
                       const std::string& why) {
  fail(file, lineOf(node), key, why);
}

// A mapping key's text; a key that is itself a list or a mapping ("? [a]") is an error at its line.
std::string keyText(const std::string& file, const YAML::Node& key_node, const std::string& at) {
  if (!key_node.IsScalar()) fail(file, key_node, at, "a key must be a plain name");
  return key_node.as<std::string>();
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) fail(file, node, key, "expected a value");
  return node.as<std::string>();
}

std::vector<std::string> scalarList(const std::string& file, const YAML::Node& node, const std::string& key) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.as<std::string>());
  } else if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(scalar(file, item, key));
  } else {
    fail(file, node, key, "expected a value or a list of values");
  }
  if (out.empty()) fail(file, node, key, "expected at least one value");
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sigma's descriptive keys: accepted, not used.
const std::set<std::string> kInformational = {"id",     "status",   "description",    "author",  "date",
                                              "modified", "references", "falsepositives", "license", "related",
                                              "fields", "logsource", "scope", "taxonomy"};

void checkField(const std::string& file, const YAML::Node& node, const std::string& key, const std::string& name) {
  if (!CorrelationEvent::knownField(name)) {
    fail(file, node, key, "unknown field '" + name + "' (see docs/correlation.md for the fields events have)");
  }
}

uint64_t count(const std::string& file, const YAML::Node& node, const std::string& key) {
  const std::string text = scalar(file, node, key);
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
      text.size() > 18) {
    fail(file, node, key, "expected a whole number, got '" + text + "'");
  }
  return static_cast<uint64_t>(std::stoull(text));
}

TimeUs timespan(const std::string& file, const YAML::Node& node, const std::string& key) {
  const std::string text = scalar(file, node, key);
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  static const std::map<std::string, int64_t> kUnits = {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 604800}};
  auto u = kUnits.find(unit);
  if (digits == 0 || digits > 9 || u == kUnits.end()) {
    fail(file, node, key, "bad timespan '" + text + "' (a number and s, m, h, d or w: 30s, 15m, 1h)");
  }
  const int64_t n = std::stoll(text.substr(0, digits));
  if (n == 0) fail(file, node, key, "timespan must be more than 0");
  return n * u->second * 1'000'000;
}

int severity(const std::string& file, const YAML::Node& node) {
  static const std::map<std::string, int> kLevels = {
      {"critical", 1}, {"high", 2}, {"medium", 3}, {"low", 4}, {"informational", 4}};
  const std::string level = scalar(file, node, "level");
  auto it = kLevels.find(level);
  if (it == kLevels.end()) fail(file, node, "level", "unknown level '" + level + "' (informational, low, medium, high, critical)");
  return it->second;
}

// attack.* tags into ATT&CK ids; other namespaces (cve., detection., ...) pass untouched.
void attackTags(const std::string& file, const YAML::Node& tags, CorrelationRule& rule) {
  static const std::map<std::string, std::string> kTactics = {
      {"reconnaissance", "TA0043"},       {"resource_development", "TA0042"}, {"initial_access", "TA0001"},
      {"execution", "TA0002"},            {"persistence", "TA0003"},          {"privilege_escalation", "TA0004"},
      {"defense_evasion", "TA0005"},      {"credential_access", "TA0006"},    {"discovery", "TA0007"},
      {"lateral_movement", "TA0008"},     {"collection", "TA0009"},           {"exfiltration", "TA0010"},
      {"command_and_control", "TA0011"},  {"impact", "TA0040"}};
  if (!tags.IsSequence()) fail(file, tags, "tags", "expected a list");
  for (const auto& node : tags) {
    const std::string tag = lower(scalar(file, node, "tags"));
    rule.tags.push_back(tag);
    if (!tag.starts_with("attack.")) continue;
    std::string id = tag.substr(7);
    std::replace(id.begin(), id.end(), '-', '_');
    auto digitsFrom = [&](size_t at) {
      return id.size() > at && std::all_of(id.begin() + at, id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
    };
    if (id.starts_with("ta") && digitsFrom(2)) {
      rule.tactics.push_back("TA" + id.substr(2));
    } else if (id.starts_with("t") && digitsFrom(1)) {
      rule.techniques.push_back("T" + id.substr(1));
    } else if (auto t = kTactics.find(id); t != kTactics.end()) {
      rule.tactics.push_back(t->second);
    } else if (!((id.starts_with("g") || id.starts_with("s")) && digitsFrom(1))) {
      fail(file, node, "tags", "unknown ATT&CK tag '" + tag + "' (a tactic name, taNNNN, tNNNN, gNNNN or sNNNN)");
    }
  }
  for (auto* ids : {&rule.tactics, &rule.techniques}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
}

FieldTest fieldTest(const std::string& file, const YAML::Node& key_node, const YAML::Node& value,
                    const std::string& path, uint32_t& max_captures) {
  static const std::map<std::string, FieldTest::Op> kOps = {
      {"contains", FieldTest::Op::Contains}, {"startswith", FieldTest::Op::StartsWith},
      {"endswith", FieldTest::Op::EndsWith}, {"re", FieldTest::Op::Regex},
      {"cidr", FieldTest::Op::Cidr},         {"gt", FieldTest::Op::Gt},
      {"gte", FieldTest::Op::Gte},           {"lt", FieldTest::Op::Lt},
      {"lte", FieldTest::Op::Lte}};
  const std::string key = keyText(file, key_node, path);
  FieldTest test;
  size_t bar = key.find('|');
  test.field = key.substr(0, bar);
  checkField(file, key_node, path, test.field);
  bool has_op = false;
  while (bar != std::string::npos) {
    const size_t next = key.find('|', bar + 1);
    const std::string modifier = key.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1);
    bar = next;
    if (modifier == "all") {
      test.all = true;
      continue;
    }
    auto op = kOps.find(modifier);
    if (op == kOps.end()) {
      fail(file, key_node, path,
           "unknown modifier '" + modifier + "' (contains, startswith, endswith, re, cidr, gt, gte, lt, lte, all)");
    }
    if (has_op) fail(file, key_node, path, "one value modifier at most ('" + modifier + "' is a second)");
    has_op = true;
    test.op = op->second;
  }
  if (value.IsNull()) {
    if (has_op || test.all) fail(file, value, path, "null (field absent) takes no modifier");
    test.op = FieldTest::Op::Absent;
    return test;
  }
  test.values = scalarList(file, value, path);
  switch (test.op) {
    case FieldTest::Op::Equals:
    case FieldTest::Op::Contains:
    case FieldTest::Op::StartsWith:
    case FieldTest::Op::EndsWith:
      for (std::string& v : test.values) v = lower(std::move(v));
      break;
    case FieldTest::Op::Regex:
      for (const std::string& v : test.values) {
        std::string error;
        size_t offset = 0;
        auto regex = RuleRegex::compile(v, 0, error, offset);
        if (!regex) fail(file, value, path, "bad regular expression '" + v + "': " + error);
        max_captures = std::max(max_captures, regex->captureCount());
        test.regexes.push_back(std::move(regex));
      }
      break;
    case FieldTest::Op::Cidr: {
      std::string expression = "[";
      for (const std::string& v : test.values) {
        if (v.empty() || v.find_first_of("$[]!, ") != std::string::npos) {
          fail(file, value, path, "bad network '" + v + "' (an address or address/prefix)");
        }
        expression += (expression.size() > 1 ? "," : "") + v;
      }
      expression += "]";
      static const RuleVariables kNoVariables;
      ExpressionError error;
      if (!AddressMatcher::compile(expression, kNoVariables, test.networks, error)) {
        fail(file, value, path, "bad network in '" + expression + "'");
      }
      if (test.all && test.values.size() > 1) fail(file, value, path, "cidr|all cannot hold: an address is in one network");
      break;
    }
    case FieldTest::Op::Gt:
    case FieldTest::Op::Gte:
    case FieldTest::Op::Lt:
    case FieldTest::Op::Lte:
      for (const std::string& v : test.values) {
        char* end = nullptr;
        const double n = std::strtod(v.c_str(), &end);
        if (v.empty() || end != v.c_str() + v.size()) fail(file, value, path, "expected a number, got '" + v + "'");
        test.numbers.push_back(n);
      }
      break;
    case FieldTest::Op::Absent: break;
  }
  return test;
}

Selection selection(const std::string& file, const std::string& name, const YAML::Node& node, const std::string& path,
                    uint32_t& max_captures) {
  Selection s;
  s.name = name;
  auto alternative = [&](const YAML::Node& map, const std::string& at) {
    if (!map.IsMap()) fail(file, map, at, "expected a mapping of field: value (keyword lists are not supported)");
    if (map.size() == 0) fail(file, map, at, "empty selection");
    std::vector<FieldTest> tests;
    for (const auto& kv : map) tests.push_back(fieldTest(file, kv.first, kv.second, at + "." + keyText(file, kv.first, at), max_captures));
    s.alternatives.push_back(std::move(tests));
  };
  if (node.IsSequence()) {
    if (node.size() == 0) fail(file, node, path, "empty selection");
    for (const auto& item : node) alternative(item, path);
  } else {
    alternative(node, path);
  }
  return s;
}

// The detection condition: `or` below `and` below `not`, parentheses, and Sigma's
// "1 of PATTERN" / "all of PATTERN" / "... of them" (PATTERN may end in *).
class ConditionParser {
 public:
  ConditionParser(const std::string& file, const YAML::Node& node, const std::vector<Selection>& selections)
      : file_(file), node_(node), selections_(selections) {
    const std::string text = node.as<std::string>();
    size_t i = 0;
    while (i < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
      } else if (text[i] == '(' || text[i] == ')') {
        tokens_.emplace_back(1, text[i++]);
      } else {
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != '(' && text[j] != ')') ++j;
        tokens_.push_back(text.substr(i, j - i));
        i = j;
      }
    }
  }

  ConditionNode parse() {
    if (tokens_.empty()) error("empty condition");
    ConditionNode root = orExpr();
    if (pos_ != tokens_.size()) error("unexpected '" + tokens_[pos_] + "'");
    return root;
  }

 private:
  [[noreturn]] void error(const std::string& why) { fail(file_, node_, "detection.condition", why); }
  const std::string* peek() const { return pos_ < tokens_.size() ? &tokens_[pos_] : nullptr; }
  bool accept(const char* word) {
    if (peek() && lower(*peek()) == word) {
      ++pos_;
      return true;
    }
    return false;
  }

  ConditionNode joined(ConditionNode::Kind kind, const char* word, ConditionNode (ConditionParser::*next)()) {
    ConditionNode first = (this->*next)();
    if (!peek() || lower(*peek()) != word) return first;
    ConditionNode node;
    node.kind = kind;
    node.children.push_back(std::move(first));
    while (accept(word)) node.children.push_back((this->*next)());
    return node;
  }
  ConditionNode orExpr() { return joined(ConditionNode::Kind::Or, "or", &ConditionParser::andExpr); }
  ConditionNode andExpr() { return joined(ConditionNode::Kind::And, "and", &ConditionParser::notExpr); }

  // Parentheses and `not`s nest the parse, the evaluation and the tree's destruction, each
  // by recursion: a hostile rule file nested tens of thousands deep would overflow the stack.
  static constexpr int kMaxDepth = 64;
  struct Nested {
    explicit Nested(ConditionParser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth) parser.error("nested more than " + std::to_string(kMaxDepth) + " deep");
    }
    ~Nested() { --parser.depth_; }
    ConditionParser& parser;
  };

  ConditionNode notExpr() {
    if (accept("not")) {
      Nested nested(*this);
      ConditionNode node;
      node.kind = ConditionNode::Kind::Not;
      node.children.push_back(notExpr());
      return node;
    }
    return primary();
  }

  ConditionNode primary() {
    const std::string* token = peek();
    if (!token) error("the condition ends too early");
    if (*token == "(") {
      ++pos_;
      Nested nested(*this);
      ConditionNode inner = orExpr();
      if (!accept(")")) error("missing ')'");
      return inner;
    }
    const std::string word = *token;
    ++pos_;
    if ((word == "1" || lower(word) == "all") && accept("of")) {
      ConditionNode node;
      node.kind = word == "1" ? ConditionNode::Kind::AnyOf : ConditionNode::Kind::AllOf;
      const std::string* pattern = peek();
      if (!pattern || *pattern == "(" || *pattern == ")") error("'" + word + " of' needs a name, a name* or 'them'");
      ++pos_;
      const bool them = lower(*pattern) == "them";
      const bool prefix = pattern->ends_with('*');
      const std::string stem = prefix ? pattern->substr(0, pattern->size() - 1) : *pattern;
      for (size_t i = 0; i < selections_.size(); ++i) {
        const std::string& name = selections_[i].name;
        if (them || (prefix ? name.starts_with(stem) : name == stem)) node.selections.push_back(i);
      }
      if (node.selections.empty()) error("no selection matches '" + *pattern + "'");
      return node;
    }
    for (size_t i = 0; i < selections_.size(); ++i) {
      if (selections_[i].name == word) {
        ConditionNode node;
        node.selections.push_back(i);
        return node;
      }
    }
    error("unknown selection '" + word + "'");
  }

  const std::string& file_;
  const YAML::Node& node_;
  const std::vector<Selection>& selections_;
  std::vector<std::string> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

CountCondition countCondition(const std::string& file, const YAML::Node& node, CorrelationType type,
                              std::string& field) {
  if (!node.IsMap()) fail(file, node, "correlation.condition", "expected a mapping (gte: 10)");
  CountCondition c;
  bool any = false;
  for (const auto& kv : node) {
    const std::string name = keyText(file, kv.first, "correlation.condition");
    const std::string key = "correlation.condition." + name;
    if (name == "field") {
      if (type != CorrelationType::ValueCount) fail(file, kv.first, key, "only value_count counts a field");
      field = scalar(file, kv.second, key);
      checkField(file, kv.second, key, field);
      continue;
    }
    if (name == "max-jitter") {
      if (type != CorrelationType::EventCount) fail(file, kv.first, key, "max-jitter is for event_count only");
      const std::string text = scalar(file, kv.second, key);
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || v < 0) {
        fail(file, kv.second, key, "expected a number >= 0 (the gaps' standard deviation / their mean)");
      }
      c.max_jitter = v;
      continue;
    }
    if (name == "range") {
      const std::string text = scalar(file, kv.second, key);
      const size_t dots = text.find("..");
      if (dots == std::string::npos) fail(file, kv.second, key, "expected MIN..MAX, got '" + text + "'");
      auto bound = [&](const std::string& t) {
        if (t.empty() || t.size() > 18 || !std::all_of(t.begin(), t.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
          fail(file, kv.second, key, "expected MIN..MAX of whole numbers, got '" + text + "'");
        }
        return static_cast<uint64_t>(std::stoull(t));
      };
      c.min = std::max(c.min, bound(text.substr(0, dots)));
      c.max = std::min(c.max, bound(text.substr(dots + 2)));
      any = true;
      continue;
    }
    const uint64_t n = [&] {
      if (name == "gt" || name == "gte" || name == "lt" || name == "lte" || name == "eq") return count(file, kv.second, key);
      fail(file, kv.first, key, "unknown condition (gt, gte, lt, lte, eq, range, field, max-jitter)");
    }();
    any = true;
    if (name == "gt") c.min = std::max(c.min, n + 1);
    if (name == "gte") c.min = std::max(c.min, n);
    if (name == "lt") {
      if (n == 0) fail(file, kv.second, "correlation.condition", "can never hold: a count is never below 0");
      c.max = std::min(c.max, n - 1);
    }
    if (name == "lte") c.max = std::min(c.max, n);
    if (name == "eq") {
      c.min = std::max(c.min, n);
      c.max = std::min(c.max, n);
    }
  }
  if (!any) fail(file, node, "correlation.condition", "needs a comparison (gt, gte, lt, lte, eq or range)");
  if (c.min > c.max) {
    fail(file, node, "correlation.condition",
         "can never hold: needs a count >= " + std::to_string(c.min) + " and <= " + std::to_string(c.max));
  }
  if (c.max_jitter && c.min < 3) {
    fail(file, node, "correlation.condition", "max-jitter needs at least 3 events (gte: 3 or more) to measure gaps");
  }
  return c;
}

}  // namespace

void CorrelationRuleParser::addPath(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) addPath(file);
    return;
  }
  BoundedFile read = readBoundedFile(path, kMaxFileBytes);
  if (!read.error.empty()) throw CorrelationRuleError(path + ": correlation rule file: " + read.error);
  addText(read.text, path);
}

void CorrelationRuleParser::addText(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> docs;
  try {
    docs = loadYamlDocuments(text);
  } catch (const YAML::DeepRecursion& e) {
    fail(file, e.mark.line + 1, "", "nested deeper than " + std::to_string(e.depth() - 1) + " levels");
  } catch (const YAML::ParserException& e) {
    fail(file, e.mark.line + 1, "", e.msg);
  }
  for (const auto& doc : docs) addDocument(doc, file);
}

void CorrelationRuleParser::addDocument(const YAML::Node& doc, const std::string& file) {
  if (doc.IsNull()) return;  // an empty document, as after a trailing ---
  if (!doc.IsMap()) fail(file, doc, "(document)", "expected a mapping (a rule)");
  const bool detection = doc["detection"].IsDefined(), correlation = doc["correlation"].IsDefined();
  if (detection && correlation) fail(file, doc, "(document)", "a rule has either detection or correlation, not both");
  if (!detection && !correlation) fail(file, doc, "(document)", "a rule needs detection or correlation");
  if (detection) {
    addBase(doc, file);
  } else {
    addCorrelation(doc, file);
  }
}

void CorrelationRuleParser::claimName(const std::string& name, const std::string& file, int line) {
  for (const auto& [known, where] : names_) {
    if (known == name) fail(file, line, "name", "'" + name + "' is already the name of the rule at " + where);
  }
  names_.emplace_back(name, file + ":" + std::to_string(line));
}

void CorrelationRuleParser::addBase(const YAML::Node& doc, const std::string& file) {
  BaseRule rule;
  rule.file = file;
  rule.line = lineOf(doc);
  YAML::Node detection, name_node;
  for (const auto& kv : doc) {
    const std::string key = keyText(file, kv.first, "(document)");
    if (key == "name") {
      rule.name = scalar(file, kv.second, key);
      name_node = kv.second;
    } else if (key == "title") {
      rule.title = scalar(file, kv.second, key);
    } else if (key == "detection") {
      detection = kv.second;
    } else if (key == "level") {
      severity(file, kv.second);
    } else if (key == "tags") {
      CorrelationRule ignored;
      attackTags(file, kv.second, ignored);
    } else if (!kInformational.count(key)) {
      fail(file, kv.first, key, "unknown key");
    }
  }
  if (rule.name.empty()) fail(file, doc, "name", "a base rule needs a name, for correlations to refer to it");
  claimName(rule.name, file, lineOf(name_node));
  if (!detection.IsMap()) fail(file, detection, "detection", "expected a mapping of selections and a condition");
  YAML::Node condition;
  for (const auto& kv : detection) {
    const std::string key = keyText(file, kv.first, "detection");
    if (key == "condition") {
      condition = kv.second;
      continue;
    }
    if (key == "timeframe") fail(file, kv.first, "detection.timeframe", "use a correlation rule's timespan");
    rule.selections.push_back(selection(file, key, kv.second, "detection." + key, max_regex_captures_));
  }
  if (!present(condition)) fail(file, detection, "detection.condition", "missing");
  if (!condition.IsScalar()) fail(file, condition, "detection.condition", "expected one condition expression");
  if (rule.selections.empty()) fail(file, detection, "detection", "needs at least one selection");
  rule.condition = ConditionParser(file, condition, rule.selections).parse();
  base_.push_back(std::move(rule));
}

void CorrelationRuleParser::addCorrelation(const YAML::Node& doc, const std::string& file) {
  Pending p;
  CorrelationRule& rule = p.rule;
  rule.file = file;
  rule.line = lineOf(doc);
  YAML::Node correlation, id_node, name_node;
  std::string id;
  for (const auto& kv : doc) {
    const std::string key = keyText(file, kv.first, "(document)");
    if (key == "name") {
      rule.name = scalar(file, kv.second, key);
      name_node = kv.second;
    } else if (key == "id") {
      id = scalar(file, kv.second, key);
      id_node = kv.second;
    } else if (key == "title") {
      rule.title = scalar(file, kv.second, key);
    } else if (key == "level") {
      rule.severity = severity(file, kv.second);
    } else if (key == "tags") {
      attackTags(file, kv.second, rule);
    } else if (key == "generate") {
      rule.generate = kv.second.as<bool>(false);
    } else if (key == "correlation") {
      correlation = kv.second;
    } else if (!kInformational.count(key)) {
      fail(file, kv.first, key, "unknown key");
    }
  }
  if (rule.name.empty()) {
    rule.name = id;
    name_node = id_node;
  }
  if (rule.name.empty()) fail(file, doc, "name", "a correlation rule needs a name (or an id)");
  if (rule.title.empty()) rule.title = rule.name;
  claimName(rule.name, file, lineOf(name_node));
  if (!correlation.IsMap()) fail(file, correlation, "correlation", "expected a mapping");

  YAML::Node type, rules, condition, timespan_node, group_by, aliases;
  for (const auto& kv : correlation) {
    const std::string key = keyText(file, kv.first, "correlation");
    const std::string path = "correlation." + key;
    if (key == "type") {
      type = kv.second;
    } else if (key == "rules") {
      rules = kv.second;
    } else if (key == "group-by") {
      group_by = kv.second;
    } else if (key == "timespan") {
      timespan_node = kv.second;
    } else if (key == "condition") {
      condition = kv.second;
    } else if (key == "aliases") {
      aliases = kv.second;
    } else if (key == "field") {
      rule.field = scalar(file, kv.second, path);
      checkField(file, kv.second, path, rule.field);
    } else if (key == "generate") {
      rule.generate = kv.second.as<bool>(false);
    } else {
      fail(file, kv.first, path, "unknown key (type, rules, group-by, timespan, condition, field, aliases, generate)");
    }
  }
  static const std::map<std::string, CorrelationType> kTypes = {{"event_count", CorrelationType::EventCount},
                                                                 {"value_count", CorrelationType::ValueCount},
                                                                 {"temporal", CorrelationType::Temporal},
                                                                 {"temporal_ordered", CorrelationType::TemporalOrdered}};
  if (!present(type)) fail(file, correlation, "correlation.type", "missing");
  const std::string type_name = scalar(file, type, "correlation.type");
  auto t = kTypes.find(type_name);
  if (t == kTypes.end()) {
    fail(file, type, "correlation.type",
         "unknown type '" + type_name + "' (event_count, value_count, temporal, temporal_ordered)");
  }
  rule.type = t->second;
  const bool temporal = rule.type == CorrelationType::Temporal || rule.type == CorrelationType::TemporalOrdered;

  if (!present(rules)) fail(file, correlation, "correlation.rules", "missing");
  for (const std::string& name : scalarList(file, rules, "correlation.rules")) {
    rule.inputs.push_back({false, 0, name});
  }
  if (rules.IsSequence()) {
    for (const auto& item : rules) p.input_lines.push_back(lineOf(item));
  } else {
    p.input_lines.push_back(lineOf(rules));
  }
  for (size_t i = 0; i < rule.inputs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (rule.inputs[j].name == rule.inputs[i].name) {
        fail(file, p.input_lines[i], "correlation.rules", "'" + rule.inputs[i].name + "' is listed twice");
      }
    }
  }
  if (temporal && rule.inputs.size() > 32) fail(file, rules, "correlation.rules", "at most 32 rules");
  if (temporal && rule.inputs.size() < 2) fail(file, rules, "correlation.rules", type_name + " needs at least two rules");

  if (!present(timespan_node)) fail(file, correlation, "correlation.timespan", "missing");
  rule.timespan = timespan(file, timespan_node, "correlation.timespan");

  if (present(aliases)) {
    if (!aliases.IsMap()) fail(file, aliases, "correlation.aliases", "expected alias: {rule: field, ...}");
    for (const auto& a : aliases) {
      const std::string alias = keyText(file, a.first, "correlation.aliases");
      const std::string path = "correlation.aliases." + alias;
      if (CorrelationEvent::knownField(alias)) fail(file, a.first, path, "an alias cannot have a field's name");
      if (!a.second.IsMap()) fail(file, a.second, path, "expected rule: field pairs");
      for (const auto& m : a.second) {
        const std::string rule_name = keyText(file, m.first, path);
        const std::string field = scalar(file, m.second, path + "." + rule_name);
        checkField(file, m.second, path + "." + rule_name, field);
        if (std::none_of(rule.inputs.begin(), rule.inputs.end(), [&](const auto& in) { return in.name == rule_name; })) {
          fail(file, m.first, path, "'" + rule_name + "' is not one of this correlation's rules");
        }
        rule.aliases[alias][rule_name] = field;
      }
      for (const auto& input : rule.inputs) {
        if (!rule.aliases[alias].count(input.name)) {
          fail(file, a.second, path, "names no field for rule '" + input.name + "'");
        }
      }
    }
  }

  if (present(group_by)) {
    p.group_by_line = lineOf(group_by);
    for (const std::string& g : scalarList(file, group_by, "correlation.group-by")) {
      if (!rule.aliases.count(g)) checkField(file, group_by, "correlation.group-by", g);
      rule.group_by.push_back(g);
    }
  } else if (temporal) {
    fail(file, correlation, "correlation.group-by",
         type_name + " needs group-by: events of different rules correlate only through fields they share");
  }

  if (present(condition)) {
    rule.condition = countCondition(file, condition, rule.type, rule.field);
  } else if (temporal) {
    rule.condition.min = rule.inputs.size();  // every rule, as Sigma's default
  } else {
    fail(file, correlation, "correlation.condition", type_name + " needs a condition (gte: 10)");
  }
  if (temporal && rule.condition.min > rule.inputs.size()) {
    fail(file, condition, "correlation.condition",
         "can never hold: " + std::to_string(rule.inputs.size()) + " rules cannot give " +
             std::to_string(rule.condition.min) + " distinct ones");
  }
  if (temporal && rule.condition.min == 0) fail(file, condition, "correlation.condition", "holds without any event");
  if (rule.type == CorrelationType::ValueCount && rule.field.empty()) {
    fail(file, present(condition) ? condition : correlation, "correlation.condition.field",
         "value_count needs the field whose distinct values it counts");
  }
  if (rule.type != CorrelationType::ValueCount && !rule.field.empty()) {
    fail(file, correlation, "correlation.field", "only value_count counts a field");
  }
  correlations_.push_back(std::move(p));
}

CorrelationRuleSet CorrelationRuleParser::finish() {
  std::map<std::string, size_t> base_index, correlation_index;
  for (size_t i = 0; i < base_.size(); ++i) base_index[base_[i].name] = i;
  for (size_t i = 0; i < correlations_.size(); ++i) correlation_index[correlations_[i].rule.name] = i;

  for (Pending& p : correlations_) {
    for (size_t i = 0; i < p.rule.inputs.size(); ++i) {
      auto& input = p.rule.inputs[i];
      if (auto b = base_index.find(input.name); b != base_index.end()) {
        input.index = b->second;
      } else if (auto c = correlation_index.find(input.name); c != correlation_index.end()) {
        input.correlation = true;
        input.index = c->second;
      } else {
        fail(p.rule.file, p.input_lines[i], "correlation.rules", "no rule is named '" + input.name + "'");
      }
    }
  }

  // Depth-first, in file order: each correlation after those it reads; a rule met again
  // while still on the path closes a cycle.
  enum class Mark : uint8_t { None, OnPath, Done };
  std::vector<Mark> marks(correlations_.size(), Mark::None);
  std::vector<size_t> order, new_index(correlations_.size());
  std::vector<std::string> path;
  std::function<void(size_t)> visit = [&](size_t c) {
    Pending& p = correlations_[c];
    marks[c] = Mark::OnPath;
    path.push_back(p.rule.name);
    for (size_t i = 0; i < p.rule.inputs.size(); ++i) {
      const auto& input = p.rule.inputs[i];
      if (!input.correlation) continue;
      if (marks[input.index] == Mark::OnPath) {
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), input.name);
        for (; from != path.end(); ++from) cycle += *from + " -> ";
        fail(p.rule.file, p.input_lines[i], "correlation.rules", "cycle: " + cycle + input.name);
      }
      if (marks[input.index] == Mark::None) visit(input.index);
    }
    path.pop_back();
    marks[c] = Mark::Done;
    new_index[c] = order.size();
    order.push_back(c);
  };
  for (size_t c = 0; c < correlations_.size(); ++c) {
    if (marks[c] == Mark::None) visit(c);
  }

  // A correlation's matches carry its group-by fields only: a rule reading them can group
  // by nothing else.
  for (Pending& p : correlations_) {
    for (size_t i = 0; i < p.rule.inputs.size(); ++i) {
      const auto& input = p.rule.inputs[i];
      if (!input.correlation) continue;
      const CorrelationRule& source = correlations_[input.index].rule;
      for (const std::string& g : p.rule.group_by) {
        const std::string& field = p.rule.resolve(g, i);
        if (std::find(source.group_by.begin(), source.group_by.end(), field) == source.group_by.end()) {
          fail(p.rule.file, p.group_by_line, "correlation.group-by",
               "'" + field + "' is not a group-by field of '" + source.name + "', so its matches do not carry it");
        }
      }
    }
  }

  CorrelationRuleSet set;
  set.base = std::move(base_);
  set.max_regex_captures = max_regex_captures_;
  for (size_t c : order) {
    CorrelationRule rule = std::move(correlations_[c].rule);
    for (auto& input : rule.inputs) {
      if (input.correlation) input.index = new_index[input.index];
    }
    set.correlations.push_back(std::move(rule));
  }
  base_.clear();
  correlations_.clear();
  names_.clear();
  return set;
}

}  // namespace mamori
