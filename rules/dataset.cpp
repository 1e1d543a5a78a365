#include "rules/dataset.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "capture/ip_address.h"
#include "rules/base64_decode.h"
#include "rules/bounded_file.h"

namespace mamori {
namespace {

constexpr std::pair<std::string_view, Dataset::Type> kTypes[] = {
    {"string", Dataset::Type::String}, {"md5", Dataset::Type::Md5},   {"sha256", Dataset::Type::Sha256},
    {"ipv4", Dataset::Type::Ipv4},     {"ip", Dataset::Type::Ip},
};

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool hexToBytes(std::string_view hex, size_t bytes, std::string& out) {
  if (hex.size() != bytes * 2) return false;
  out.resize(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    uint8_t v = 0;
    auto [end, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
    if (ec != std::errc{} || end != hex.data() + 2 * i + 2) return false;
    out[i] = static_cast<char>(v);
  }
  return true;
}

// A value as the file writes it, in the form buffers are compared in; the reason when
// it is not one.
const char* decodeValue(Dataset::Type type, std::string_view text, std::string& out) {
  switch (type) {
    case Dataset::Type::String:
      if (!base64Decode(Transform::FromBase64::Mode::Strict, text, out)) return "not base64";
      return nullptr;
    case Dataset::Type::Md5: return hexToBytes(text, 16, out) ? nullptr : "not a 32-digit hex MD5";
    case Dataset::Type::Sha256: return hexToBytes(text, 32, out) ? nullptr : "not a 64-digit hex SHA-256";
    case Dataset::Type::Ipv4:
    case Dataset::Type::Ip: {
      IpAddress a;
      if (!IpAddress::parse(std::string(text), a)) return "not an IP address";
      if (type == Dataset::Type::Ipv4 && a.family != 4) return "not an IPv4 address";
      out.assign(reinterpret_cast<const char*>(a.bytes.data()), a.size());
      return nullptr;
    }
  }
  return "unknown type";
}

}  // namespace

std::optional<Dataset::Type> Dataset::typeNamed(std::string_view name) {
  for (const auto& [n, t] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}

const char* Dataset::typeName(Type type) {
  for (const auto& [n, t] : kTypes) {
    if (t == type) return n.data();
  }
  return "?";
}

std::shared_ptr<Dataset> Dataset::load(std::string name, Type type, bool reputation, const std::string& path,
                                       std::string& error) {
  auto set = std::make_shared<Dataset>();
  set->name_ = std::move(name);
  set->type_ = type;
  set->has_reputation_ = reputation;
  set->path_ = path;
  if (path.empty()) return set;
  BoundedFile file = readBoundedFile(path, kMaxFileBytes);
  if (!file.error.empty()) {
    error = path + ":0: " + file.error;
    return nullptr;
  }
  std::string_view text = file.text;
  std::string value;
  for (size_t line_no = 1; !text.empty(); ++line_no) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = trimmed(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty() || line.front() == '#') continue;
    uint32_t rep = 0;
    if (reputation) {
      const size_t comma = line.rfind(',');
      const std::string_view rep_text = comma == std::string_view::npos ? "" : trimmed(line.substr(comma + 1));
      auto [p, ec] = std::from_chars(rep_text.data(), rep_text.data() + rep_text.size(), rep);
      if (rep_text.empty() || ec != std::errc{} || p != rep_text.data() + rep_text.size()) {
        error = path + ":" + std::to_string(line_no) + ": not VALUE,REPUTATION (a whole number)";
        return nullptr;
      }
      line = trimmed(line.substr(0, comma));
    }
    if (const char* why = decodeValue(type, line, value)) {
      error = path + ":" + std::to_string(line_no) + ": " + why + " (dataset " + set->name_ + ", type " +
              typeName(type) + ")";
      return nullptr;
    }
    set->values_.emplace_back(value, rep);
  }
  // On a value listed twice the first line's reputation stands.
  std::stable_sort(set->values_.begin(), set->values_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  set->values_.erase(std::unique(set->values_.begin(), set->values_.end(),
                                 [](const auto& a, const auto& b) { return a.first == b.first; }),
                     set->values_.end());
  return set;
}

std::optional<uint32_t> Dataset::reputation(std::string_view value) const {
  auto it = std::lower_bound(values_.begin(), values_.end(), value,
                             [](const auto& entry, std::string_view v) { return std::string_view(entry.first) < v; });
  if (it == values_.end() || it->first != value) return std::nullopt;
  return it->second;
}

bool Dataset::contains(std::string_view value) const { return reputation(value).has_value(); }

std::shared_ptr<const Dataset> DatasetRegistry::get(const std::string& name, const Definition& definition,
                                                    std::string& error) {
  for (const auto& set : sets_) {
    if (set->name() != name) continue;
    if (definition.type && *definition.type != set->type()) {
      error = "dataset '" + name + "' is of type " + Dataset::typeName(set->type()) + ", not " +
              Dataset::typeName(*definition.type);
    } else if (!definition.load.empty() && definition.load != set->path()) {
      error = "dataset '" + name + "' loads " + (set->path().empty() ? "no file" : set->path()) + ", not " +
              definition.load;
    } else if (definition.reputation != set->hasReputation()) {
      error = "'" + name + "' is used both as a dataset and as a datarep";
    } else if (definition.max_added && *definition.max_added != set->maxAdded()) {
      error = "dataset '" + name + "' has another memcap / hashsize already";
    } else {
      return set;
    }
    return nullptr;
  }
  if (!definition.type) {
    error = "dataset '" + name + "' needs a type (string, md5, sha256, ipv4, ip) where it is first named";
    return nullptr;
  }
  auto set = Dataset::load(name, *definition.type, definition.reputation, definition.load, error);
  if (!set) return nullptr;
  set->id_ = static_cast<uint32_t>(sets_.size());
  if (definition.max_added) set->max_added_ = *definition.max_added;
  sets_.push_back(set);
  return set;
}

}  // namespace mamori
