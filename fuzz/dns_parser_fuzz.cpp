// Fuzz target: DNS messages, over UDP and over TCP. A record with tag bit 2 set is one UDP
// datagram, parsed alone; the others are TCP stream data or gaps (stream_records.h) cut
// into messages by a DnsTcpFramer per direction. One DnsParser serves everything, as one
// serves a worker, so state left by one message meets the next.
#include <cstring>
#include <memory>

#include "applayer/dns_parser.h"
#include "applayer/dns_tcp_framer.h"
#include "fuzz/fuzz_input.h"

namespace {

using namespace mamori;

void parse(DnsParser& parser, DnsMessage& message, const uint8_t* data, size_t len) {
  // The message in a buffer of its own size, so reading past it is an overflow.
  auto copy = std::make_unique<uint8_t[]>(len ? len : 1);
  if (len) std::memcpy(copy.get(), data, len);
  parser.parse(copy.get(), len, message);
  volatile size_t n = 0;
  for (const DnsQuery& q : message.queries) n = n + q.rrname.size();
  for (const auto* section : {&message.answers, &message.authorities, &message.additionals})
    for (const DnsRecord& r : *section) n = n + r.rrname.size() + r.rdata.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static DnsParser parser;
  static DnsMessage message;
  DnsTcpFramer framers[2];
  fuzz::FuzzInput in(data, size);
  fuzz::FuzzRecord r;
  while (in.next(r)) {
    DnsTcpFramer& framer = framers[r.tag & 1];
    if (r.tag & 4) {
      parse(parser, message, r.data, r.len);
    } else if (r.tag & 2) {
      framer.gap();
    } else {
      auto chunk = std::make_unique<uint8_t[]>(r.len ? r.len : 1);
      if (r.len) std::memcpy(chunk.get(), r.data, r.len);
      framer.feed(chunk.get(), r.len, [&](const uint8_t* msg, size_t n) { parse(parser, message, msg, n); });
    }
  }
  return 0;
}
