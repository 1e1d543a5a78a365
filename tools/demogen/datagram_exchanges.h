#pragma once
// Request/reply exchanges that need no connection: a DNS lookup, an NTP poll, a ping.
// Each writes its packets into the capture and returns when its last one was seen.
#include <string>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/dns_message.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

Micros dnsLookup(CaptureFile& capture, Rng& rng, Host& client, Host& resolver, Micros at, const std::string& name,
                 DnsType type, const std::vector<DnsRecord>& answers, Micros resolveTime);
Micros ntpPoll(CaptureFile& capture, Rng& rng, Host& client, Host& server, Micros at);
// Windows ping: 32 bytes of the alphabet, one request a second. A target that is down or
// drops echo requests leaves them `unanswered`.
Micros ping(CaptureFile& capture, Rng& rng, Host& client, Host& target, Micros at, int count,
            bool unanswered = false);

}  // namespace mamori::demogen
