#include "auth/address_text.h"

namespace mamori {

std::string plainAddress(const std::string& address) {
  const std::string mapped = "::ffff:";
  if (address.rfind(mapped, 0) == 0 && address.find('.') != std::string::npos) return address.substr(mapped.size());
  return address;
}

std::string printableEndpoint(const std::string& endpoint) {
  const std::string mapped = "tcp://[::ffff:";
  const size_t close = endpoint.find("]:");
  if (endpoint.rfind(mapped, 0) != 0 || close == std::string::npos) return endpoint;
  return "tcp://" + endpoint.substr(mapped.size(), close - mapped.size()) + endpoint.substr(close + 1);
}

}  // namespace mamori
