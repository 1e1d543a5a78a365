#pragma once
// The grammar address and port expressions share in a rule header:
//
//   expr  := '!'? term
//   term  := 'any' | '$' NAME | '[' item (',' item)* ']' | literal
//   item  := '!'? term
//
// A list is the union of its positive items (everything when it has none) minus the
// union of its negated items, as in Suricata: [10.0.0.0/8,!10.1.0.0/16] is 10/8 without
// 10.1/16, and [!80] is every port but 80. `Set` is the compiled set type; `Syntax` says
// how to read one literal and where variables live. Internal to rules/.
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expression_error.h"

namespace mamori::detail {

// Bounds recursion on hostile input like "[[[[[..." or long variable chains.
constexpr int kMaxExpressionDepth = 64;

template <typename Set, typename Syntax>
class GroupExpressionParser {
 public:
  GroupExpressionParser(std::string_view text, const Syntax& syntax,
                        std::vector<std::string>& expanding, int depth)
      : text_(text), syntax_(syntax), expanding_(expanding), depth_(depth) {}

  bool parse(Set& out, ExpressionError& error) {
    skipSpace();
    if (pos_ == text_.size()) return fail(pos_, "empty expression");
    bool negate = consume('!');
    Set set = term();
    if (!failed_) {
      skipSpace();
      if (pos_ != text_.size()) fail(pos_, "unexpected '" + std::string(1, text_[pos_]) + "'");
    }
    if (failed_) {
      error = error_;
      return false;
    }
    out = negate ? set.complement() : std::move(set);
    return true;
  }

 private:
  Set term() {
    skipSpace();
    if (pos_ == text_.size()) return failed(pos_, "missing value");
    if (depth_ >= kMaxExpressionDepth) return failed(pos_, "expression nested too deeply");
    if (text_[pos_] == '[') return list();
    size_t start = pos_;
    while (pos_ < text_.size() && !isDelimiter(text_[pos_])) ++pos_;
    std::string_view token = text_.substr(start, pos_ - start);
    if (token.empty()) return failed(start, "unexpected '" + std::string(1, text_[start]) + "'");
    if (token == "any") return Set::full();
    if (token[0] == '$') return variable(token.substr(1), start);
    Set set;
    std::string reason;
    if (!syntax_.parseLiteral(token, set, reason)) return failed(start, reason);
    return set;
  }

  Set list() {
    size_t open = pos_++;
    Set positives, negatives;
    bool any_positive = false;
    for (;;) {
      skipSpace();
      bool negated = consume('!');
      ++depth_;
      Set item = term();
      --depth_;
      if (failed_) return Set{};
      if (negated) {
        negatives.unite(item);
      } else {
        positives.unite(item);
        any_positive = true;
      }
      skipSpace();
      if (consume(',')) continue;
      if (consume(']')) break;
      return failed(pos_ == text_.size() ? open : pos_,
                    pos_ == text_.size() ? "unterminated '['" : "expected ',' or ']'");
    }
    return (any_positive ? positives : Set::full()).subtract(negatives);
  }

  Set variable(std::string_view name, size_t at) {
    std::string key(name);
    const std::string* value = syntax_.lookupVariable(key);
    if (!value) return failed(at, "unknown variable '$" + key + "'");
    for (const std::string& active : expanding_) {
      if (active == key) return failed(at, "variable '$" + key + "' refers to itself");
    }
    expanding_.push_back(key);
    GroupExpressionParser inner(*value, syntax_, expanding_, depth_ + 1);
    Set set;
    ExpressionError inner_error;
    bool ok = inner.parse(set, inner_error);
    expanding_.pop_back();
    if (!ok) return failed(at, "in '$" + key + "': " + inner_error.reason);
    return set;
  }

  static bool isDelimiter(char c) {
    return c == ',' || c == ']' || c == '[' || std::isspace(static_cast<unsigned char>(c));
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool fail(size_t at, std::string reason) {
    if (!failed_) {
      failed_ = true;
      error_ = {at, std::move(reason)};
    }
    return false;
  }
  Set failed(size_t at, std::string reason) {
    fail(at, std::move(reason));
    return Set{};
  }

  std::string_view text_;
  const Syntax& syntax_;
  std::vector<std::string>& expanding_;
  int depth_;
  size_t pos_ = 0;
  bool failed_ = false;
  ExpressionError error_;
};

template <typename Set, typename Syntax>
bool parseGroupExpression(std::string_view text, const Syntax& syntax, Set& out,
                          ExpressionError& error) {
  std::vector<std::string> expanding;
  GroupExpressionParser<Set, Syntax> parser(text, syntax, expanding, 0);
  if (!parser.parse(out, error)) return false;
  if (out.empty()) {
    error = {0, "expression matches nothing"};
    return false;
  }
  return true;
}

}  // namespace mamori::detail
