#pragma once
// The Public Suffix List (publicsuffix.org) for the domain and tld transforms: which
// trailing labels of a name are a public suffix ("co.uk", "io"), so that the registrable
// domain is that suffix and one label more. Loaded once, at rule load, and shared
// read-only by every worker; lookups allocate nothing.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace mamori {

class PublicSuffixList {
 public:
  // Debian's copy (package publicsuffix).
  static constexpr const char* kSystemPath = "/usr/share/publicsuffix/public_suffix_list.dat";

  // The list in the file's format: one rule a line, "*." wildcards, "!" exceptions, "//"
  // comments.
  explicit PublicSuffixList(std::string text);
  // The system's list, read on first use; nullptr when it cannot be read.
  static std::shared_ptr<const PublicSuffixList> system();

  // The public suffix ending `name` (an unlisted top-level label is one, as the list's
  // implicit "*" rule says); empty for an empty name.
  std::string_view suffix(std::string_view name) const;
  // The suffix and the label before it; nullopt when `name` is a public suffix itself.
  std::optional<std::string_view> domain(std::string_view name) const;

 private:
  std::string text_;
  std::unordered_set<std::string_view> rules_, wildcards_, exceptions_;
};

}  // namespace mamori
