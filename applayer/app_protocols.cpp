#include "applayer/app_protocols.h"

namespace mamori {

std::vector<std::unique_ptr<AppProtocol>> makeAppProtocols() {
  std::vector<std::unique_ptr<AppProtocol>> protocols;
  return protocols;
}

}  // namespace mamori
