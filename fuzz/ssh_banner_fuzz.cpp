// Fuzz target: the SSH identification lines, one SshBannerReader per direction fed that
// direction's stream (stream_records.h); a gap ends what the direction can still say.
#include "applayer/ssh_banner_reader.h"
#include "fuzz/stream_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  SshBannerReader readers[2];
  SshSession session;
  bool gapped[2] = {false, false};
  fuzz::forEachStreamRecord(
      data, size,
      [&](Direction dir, const uint8_t* p, size_t n) {
        const int d = static_cast<int>(dir);
        if (gapped[d] || readers[d].state() != SshBannerReader::State::Reading) return;
        readers[d].feed(p, n, d == 0 ? session.client : session.server);
      },
      [&](Direction dir, size_t) { gapped[static_cast<int>(dir)] = true; });
  volatile size_t n = session.client.proto.size() + session.client.software.size() + session.server.software.size();
  (void)n;
  return 0;
}
