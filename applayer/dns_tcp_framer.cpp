#include "applayer/dns_tcp_framer.h"

namespace mamori {

void DnsTcpFramer::gap() {
  if (prefix_have_ || need_ || skip_) ++counters_.partials_dropped;
  prefix_have_ = 0;
  skip_ = 0;
  need_ = 0;
  have_ = 0;
}

}  // namespace mamori
