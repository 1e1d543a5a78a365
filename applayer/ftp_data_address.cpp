#include "applayer/ftp_data_address.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace mamori {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number of at most `most` at `text[at]`, moving `at` past it.
std::optional<uint32_t> number(std::string_view text, size_t& at, uint32_t most) {
  if (at >= text.size() || !isDigit(text[at])) return std::nullopt;
  uint32_t value = 0;
  for (; at < text.size() && isDigit(text[at]); ++at) {
    value = value * 10 + static_cast<uint32_t>(text[at] - '0');
    if (value > most) return std::nullopt;
  }
  return value;
}

// Six comma-separated numbers from `at`: four address bytes and the port's two.
std::optional<FtpDataAddress> hostPortAt(std::string_view text, size_t at) {
  std::array<uint8_t, 6> parts{};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      while (at < text.size() && text[at] == ' ') ++at;
      if (at >= text.size() || text[at] != ',') return std::nullopt;
      ++at;
      while (at < text.size() && text[at] == ' ') ++at;
    }
    const std::optional<uint32_t> n = number(text, at, 255);
    if (!n) return std::nullopt;
    parts[i] = static_cast<uint8_t>(*n);
  }
  FtpDataAddress out;
  out.address = IpAddress::v4(parts.data());
  out.port = static_cast<uint16_t>(parts[4] << 8 | parts[5]);
  return out;
}

}  // namespace

std::optional<FtpDataAddress> parseFtpHostPort(std::string_view text, bool anywhere) {
  size_t at = 0;
  while (at < text.size() && text[at] == ' ') ++at;
  if (!anywhere) return hostPortAt(text, at);
  for (; at < text.size(); ++at) {
    if (!isDigit(text[at]) || (at > 0 && isDigit(text[at - 1]))) continue;
    if (auto found = hostPortAt(text, at)) return found;
  }
  return std::nullopt;
}

std::optional<FtpDataAddress> parseFtpEprt(std::string_view arg) {
  while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
  if (arg.size() < 4 || arg[0] < 33 || arg[0] > 126) return std::nullopt;
  const char d = arg[0];
  const size_t proto_end = arg.find(d, 1);
  if (proto_end == std::string_view::npos) return std::nullopt;
  const std::string_view proto = arg.substr(1, proto_end - 1);
  const size_t addr_end = arg.find(d, proto_end + 1);
  if (addr_end == std::string_view::npos) return std::nullopt;
  const std::string_view addr = arg.substr(proto_end + 1, addr_end - proto_end - 1);
  size_t at = addr_end + 1;
  const std::optional<uint32_t> port = number(arg, at, 65535);
  if (!port || at >= arg.size() || arg[at] != d) return std::nullopt;
  std::array<char, 64> text{};
  if (addr.size() >= text.size()) return std::nullopt;
  std::memcpy(text.data(), addr.data(), addr.size());
  std::array<uint8_t, 16> bytes{};
  FtpDataAddress out;
  if (proto == "1" && inet_pton(AF_INET, text.data(), bytes.data()) == 1) {
    out.address = IpAddress::v4(bytes.data());
  } else if (proto == "2" && inet_pton(AF_INET6, text.data(), bytes.data()) == 1) {
    out.address = IpAddress::v6(bytes.data());
  } else {
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(*port);
  return out;
}

std::optional<FtpDataAddress> parseFtpEpsvReply(std::string_view text) {
  const size_t open = text.find('(');
  if (open == std::string_view::npos || text.size() < open + 6) return std::nullopt;
  const char d = text[open + 1];
  if (text[open + 2] != d || text[open + 3] != d) return std::nullopt;
  size_t at = open + 4;
  const std::optional<uint32_t> port = number(text, at, 65535);
  if (!port || at >= text.size() || text[at] != d) return std::nullopt;
  FtpDataAddress out;
  out.port = static_cast<uint16_t>(*port);
  return out;
}

}  // namespace mamori
