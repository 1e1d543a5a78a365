#include "rules/hash_list.h"

#include <algorithm>
#include <cctype>

#include "rules/bounded_file.h"

namespace mamori {

std::shared_ptr<const HashList> HashList::load(const std::string& path, size_t hex_length, std::string& error) {
  BoundedFile file = readBoundedFile(path, kMaxFileBytes);
  if (!file.error.empty()) {
    error = path + ":0: " + file.error;
    return nullptr;
  }
  return parse(file.text, path, hex_length, error);
}

std::shared_ptr<const HashList> HashList::parse(std::string_view text, const std::string& name, size_t hex_length,
                                                std::string& error) {
  auto list = std::make_shared<HashList>();
  list->path_ = name;
  list->hex_length_ = hex_length;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const bool hex = line.size() >= hex_length &&
                     std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(hex_length),
                                 [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    const bool ends = line.size() == hex_length || std::isspace(static_cast<unsigned char>(line[hex_length]));
    if (!hex || !ends) {
      error = name + ":" + std::to_string(line_no) + ": not a " + std::to_string(hex_length) +
              "-digit hex hash at the start of the line";
      return nullptr;
    }
    std::string hash(line.substr(0, hex_length));
    for (char& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    list->hashes_.push_back(std::move(hash));
  }
  std::sort(list->hashes_.begin(), list->hashes_.end());
  list->hashes_.erase(std::unique(list->hashes_.begin(), list->hashes_.end()), list->hashes_.end());
  return list;
}

bool HashList::contains(std::string_view hex) const {
  if (hex.size() != hex_length_) return false;
  std::string lower(hex);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::binary_search(hashes_.begin(), hashes_.end(), lower);
}

}  // namespace mamori
