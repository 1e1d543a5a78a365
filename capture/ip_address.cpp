#include "capture/ip_address.h"

#include <arpa/inet.h>

namespace mamori {

bool IpAddress::parse(const std::string& text, IpAddress& out) {
  IpAddress a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.family = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.family = 6;
  } else {
    return false;
  }
  out = a;
  return true;
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (family == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (family == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

}  // namespace mamori
