#pragma once
// App-layer frames (Suricata 7's `frame` keyword): the PDUs, or parts of them, that a parser
// cuts its stream or datagrams into, which rules inspect as buffers of their own
// (`frame:dns.pdu; content:...`). A parser opts in by reporting each frame's bytes to its
// AppFrameSink as it parses them; the table below names the frame types. Adding a type is a
// row here and a report in its parser: the flow table, the worker loop, AppParsers' dispatch
// and detection do not change (detection takes each row as a buffer, rules/app_frames.h).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "capture/direction.h"

namespace mamori {

struct AppFrameType {
  std::string_view name;      // as `frame:` names it, "<app_proto>.<frame>"
  std::string_view protocol;  // the app_proto whose parser reports it
};

// A frame type is its row's index.
namespace app_frame {
inline constexpr uint8_t kDnsPdu = 0, kHttp2Hdr = 1, kHttp2Data = 2, kHttp2Pdu = 3;
}  // namespace app_frame

inline constexpr AppFrameType kAppFrameTypes[] = {
    {"dns.pdu", "dns"},       // a DNS message (over TCP, without its 2-byte length)
    {"http2.hdr", "http2"},   // an HTTP/2 frame's 9-byte header
    {"http2.data", "http2"},  // its payload (padding included, as sent)
    {"http2.pdu", "http2"},   // header and payload
};
inline constexpr size_t kAppFrameTypeCount = std::size(kAppFrameTypes);
static_assert(kAppFrameTypes[app_frame::kHttp2Pdu].name == "http2.pdu", "app_frame ids follow the table");

// Where a parser reports its frames: the bytes are valid during the call only.
class AppFrameSink {
 public:
  virtual ~AppFrameSink() = default;
  // Whether frames of `type` are inspected at all: a parser that has to gather a frame's bytes
  // (an HTTP/2 DATA frame streams through) asks first, and gathers nothing otherwise.
  virtual bool wantsFrame(uint8_t type) const = 0;
  virtual void onFrame(Direction dir, uint8_t type, const uint8_t* data, size_t len) = 0;
};

}  // namespace mamori
