#include "rules/public_suffix_list.h"

#include <fstream>
#include <sstream>

namespace mamori {

PublicSuffixList::PublicSuffixList(std::string text) : text_(std::move(text)) {
  std::string_view all = text_;
  while (!all.empty()) {
    const size_t end = all.find('\n');
    std::string_view line = all.substr(0, end);
    all.remove_prefix(end == std::string_view::npos ? all.size() : end + 1);
    // A rule is the line's first word.
    line = line.substr(0, line.find_first_of(" \t\r"));
    if (line.empty() || line.starts_with("//")) continue;
    if (line.starts_with("!")) {
      exceptions_.insert(line.substr(1));
    } else if (line.starts_with("*.")) {
      wildcards_.insert(line.substr(2));
    } else {
      rules_.insert(line);
    }
  }
}

std::shared_ptr<const PublicSuffixList> PublicSuffixList::system() {
  static const std::shared_ptr<const PublicSuffixList> list = []() -> std::shared_ptr<const PublicSuffixList> {
    std::ifstream in(kSystemPath, std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream text;
    text << in.rdbuf();
    return std::make_shared<const PublicSuffixList>(text.str());
  }();
  return list;
}

std::string_view PublicSuffixList::suffix(std::string_view name) const {
  // Candidates from the whole name down to its last label; the first (longest) listed
  // one wins, an exception giving up its own first label.
  for (size_t start = 0; start < name.size();) {
    const std::string_view candidate = name.substr(start);
    const size_t dot = candidate.find('.');
    if (exceptions_.contains(candidate)) {
      return dot == std::string_view::npos ? std::string_view{} : candidate.substr(dot + 1);
    }
    if (rules_.contains(candidate)) return candidate;
    if (dot != std::string_view::npos && wildcards_.contains(candidate.substr(dot + 1))) return candidate;
    if (dot == std::string_view::npos) return candidate;
    start += dot + 1;
  }
  return {};
}

std::optional<std::string_view> PublicSuffixList::domain(std::string_view name) const {
  const std::string_view public_suffix = suffix(name);
  if (public_suffix.empty() || public_suffix.size() + 1 >= name.size()) return std::nullopt;
  const std::string_view head = name.substr(0, name.size() - public_suffix.size() - 1);
  const size_t dot = head.rfind('.');
  return name.substr(dot == std::string_view::npos ? 0 : dot + 1);
}

}  // namespace mamori
