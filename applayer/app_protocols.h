#pragma once
// The app-layer protocol plug-ins a worker runs (applayer/app_protocol.h), in the order
// their probes are asked: the one list a new protocol is added to.
#include <memory>
#include <vector>

#include "applayer/app_protocol.h"
#include "applayer/app_protocol_limits.h"

namespace mamori {

std::vector<std::unique_ptr<AppProtocol>> makeAppProtocols(const AppProtocolLimits& limits = {});

}  // namespace mamori
