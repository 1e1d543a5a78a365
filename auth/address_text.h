#pragma once
// How addresses and endpoints read in logs and messages. A ZeroMQ socket with IPv6 on
// reports an IPv4 peer as ::ffff:192.0.2.1 and an IPv4 bind as tcp://[::ffff:127.0.0.1]:5556;
// operators wrote, and clients without IPv6 connect to, the plain IPv4 forms.
#include <string>

namespace mamori {

// "::ffff:192.0.2.1" -> "192.0.2.1"; anything else unchanged.
std::string plainAddress(const std::string& address);
// "tcp://[::ffff:127.0.0.1]:5556" -> "tcp://127.0.0.1:5556"; anything else unchanged.
std::string printableEndpoint(const std::string& endpoint);

}  // namespace mamori
