#pragma once
// The project's rule: anything that listens off loopback authenticates its peer. This
// tells which ZeroMQ bind endpoints stay on this machine: tcp:// on 127.0.0.0/8, [::1]
// or localhost, and ipc:// and inproc://. Everything else (tcp://*, 0.0.0.0, another
// address, an interface name, other transports) is taken to be reachable from outside.
#include <string_view>

namespace mamori {

bool isLoopbackEndpoint(std::string_view endpoint);

}  // namespace mamori
