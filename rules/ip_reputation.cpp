#include "rules/ip_reputation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "rules/bounded_file.h"

namespace mamori {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The comma-separated fields of a line, trimmed.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t comma = line.find(',');
    out.push_back(trimmed(line.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

bool number(std::string_view text, int max, int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && p == text.data() + text.size() && out >= 0 && out <= max;
}

// Calls f(line_no, line) for each line that is not blank or a '#' comment; stops at the
// first f that returns a reason, which becomes "PATH:LINE: reason".
template <typename F>
bool eachLine(const std::string& path, std::string& error, F&& f) {
  BoundedFile file = readBoundedFile(path, IpReputation::kMaxFileBytes);
  if (!file.error.empty()) {
    error = path + ":0: " + file.error;
    return false;
  }
  std::string_view text = file.text;
  for (size_t line_no = 1; !text.empty(); ++line_no) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = trimmed(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty() || line.front() == '#') continue;
    if (const std::string why = f(line); !why.empty()) {
      error = path + ":" + std::to_string(line_no) + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace

size_t IpReputation::KeyHash::operator()(const Key& k) const {
  return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size()));
}

IpReputation::Key IpReputation::masked(const IpAddress& a, uint8_t prefix) {
  Key k{};
  for (size_t i = 0; i < a.size(); ++i) {
    const int bits = std::clamp(static_cast<int>(prefix) - static_cast<int>(i) * 8, 0, 8);
    k.bytes[i] = static_cast<uint8_t>(a.bytes[i] & (0xff00 >> bits));
  }
  return k;
}

void IpReputation::add(const IpAddress& network, uint8_t prefix, uint8_t category, uint8_t score) {
  auto& by_prefix = network.family == 4 ? v4_ : v6_;
  auto it = std::find_if(by_prefix.begin(), by_prefix.end(), [&](const Networks& n) { return n.prefix == prefix; });
  if (it == by_prefix.end()) {
    by_prefix.push_back({prefix, {}});
    std::sort(by_prefix.begin(), by_prefix.end(), [](const Networks& a, const Networks& b) { return a.prefix > b.prefix; });
    it = std::find_if(by_prefix.begin(), by_prefix.end(), [&](const Networks& n) { return n.prefix == prefix; });
  }
  auto [slot, added] = it->by_network[masked(network, prefix)].insert_or_assign(category, score);
  entries_ += added;
}

std::shared_ptr<const IpReputation> IpReputation::load(const ReputationFiles& files, std::string& error) {
  auto rep = std::make_shared<IpReputation>();
  if (files.categories.empty()) {
    error = "iprep needs reputation-categories-file in the configuration";
    return nullptr;
  }
  const bool categories_ok = eachLine(files.categories, error, [&](std::string_view line) -> std::string {
    const auto f = fields(line);
    int id = 0;
    if (f.size() < 2 || !number(f[0], kMaxCategory, id) || id == 0 || f[1].empty()) {
      return "not ID,SHORTNAME,DESCRIPTION with an id of 1-" + std::to_string(kMaxCategory);
    }
    rep->categories_[std::string(f[1])] = static_cast<uint8_t>(id);
    return "";
  });
  if (!categories_ok) return nullptr;
  for (const std::string& path : files.lists) {
    const bool ok = eachLine(path, error, [&](std::string_view line) -> std::string {
      const auto f = fields(line);
      int category = 0, score = 0;
      if (f.size() != 3 || !number(f[1], kMaxCategory, category) || !number(f[2], 127, score)) {
        return "not ADDRESS[/PREFIX],CATEGORY,SCORE (score 0-127)";
      }
      const auto known = std::find_if(rep->categories_.begin(), rep->categories_.end(),
                                      [&](const auto& c) { return c.second == category; });
      if (known == rep->categories_.end()) return "category " + std::to_string(category) + " is not in the categories file";
      const std::string_view address = f[0].substr(0, f[0].find('/'));
      IpAddress a;
      if (!IpAddress::parse(std::string(address), a)) return "not an IP address: '" + std::string(address) + "'";
      const int max_prefix = a.family == 4 ? 32 : 128;
      int prefix = max_prefix;
      if (address.size() < f[0].size() && !number(f[0].substr(address.size() + 1), max_prefix, prefix)) {
        return "bad prefix length in '" + std::string(f[0]) + "'";
      }
      rep->add(a, static_cast<uint8_t>(prefix), static_cast<uint8_t>(category), static_cast<uint8_t>(score));
      return "";
    });
    if (!ok) return nullptr;
  }
  return rep;
}

std::optional<uint8_t> IpReputation::category(const std::string& short_name) const {
  auto it = categories_.find(short_name);
  if (it == categories_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint8_t> IpReputation::score(const IpAddress& address, uint8_t category) const {
  for (const Networks& n : address.family == 4 ? v4_ : v6_) {
    auto it = n.by_network.find(masked(address, n.prefix));
    if (it == n.by_network.end()) continue;
    auto s = it->second.find(category);
    if (s != it->second.end()) return s->second;
  }
  return std::nullopt;
}

std::shared_ptr<const IpReputation> ReputationSource::get(std::string& error) {
  if (!loaded_) {
    table_ = IpReputation::load(files_, error_);
    loaded_ = true;
  }
  if (!table_) error = error_;
  return table_;
}

}  // namespace mamori
