#pragma once
// One direction of an HTTP/2 connection cut into frames (RFC 9113 section 4), with bounded
// memory: a frame's 9-byte header, then its payload. DATA payloads are handed on as they
// arrive, their padding removed, and never buffered (a stream may carry gigabytes) unless
// the sink gathers them for frame inspection, then only their first `max_buffered` bytes;
// every other frame is buffered whole up to `max_buffered` bytes, and one longer is skipped
// and reported. A client's direction first checks the 24-byte connection preface.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

struct Http2FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream = 0;
};

namespace http2 {
enum FrameType : uint8_t {
  kData = 0, kHeaders = 1, kPriority = 2, kRstStream = 3, kSettings = 4, kPushPromise = 5, kPing = 6,
  kGoaway = 7, kWindowUpdate = 8, kContinuation = 9,
};
enum Flag : uint8_t { kEndStream = 0x1, kAck = 0x1, kEndHeaders = 0x4, kPadded = 0x8, kPriorityFlag = 0x20 };
constexpr std::string_view kClientPreface{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24};
}  // namespace http2

class Http2FrameSink {
 public:
  virtual ~Http2FrameSink() = default;
  // A whole non-DATA frame (its padding still in: the type decides where it is).
  virtual void onFrame(const Http2FrameHeader& h, const uint8_t* payload, size_t len) = 0;
  // A DATA frame begins; then its data, in pieces; then its end (END_STREAM in h.flags).
  virtual void onDataStart(const Http2FrameHeader& h) = 0;
  virtual void onData(const Http2FrameHeader& h, const uint8_t* data, size_t len) = 0;
  virtual void onDataEnd(const Http2FrameHeader& h) = 0;
  // A frame longer than the reader buffers, skipped; or a DATA frame whose padding is
  // longer than it (its data are dropped).
  virtual void onOversized(const Http2FrameHeader& h) = 0;
  virtual void onBadPadding(const Http2FrameHeader& h) = 0;
  // Each frame once read, as sent: its 9-byte header, then its payload (padding included)
  // up to the reader's buffer: a frame skipped as oversized has its header alone, and a DATA
  // frame has its payload only when gatherData() said so at its start.
  virtual bool gatherData() { return false; }
  virtual void onRawFrame(const Http2FrameHeader& h, const uint8_t* bytes, size_t len) = 0;
};

class Http2FrameReader {
 public:
  explicit Http2FrameReader(size_t max_buffered) : max_buffered_(max_buffered) {}

  // The client's side starts with the preface; the server's (and a client's after an
  // h2c upgrade's 101, when it sends the preface too) does not.
  void expectPreface() { preface_at_ = 0; }
  // Consumes `len` bytes; false once the direction is lost (a preface that does not
  // match, or a gap): later bytes are ignored.
  bool feed(const uint8_t* data, size_t len, Http2FrameSink& sink);
  // Bytes are missing: the frame boundaries cannot be found again.
  void lose() { lost_ = true; }
  bool lost() const { return lost_; }
  bool badPreface() const { return bad_preface_; }
  size_t bufferedCapacity() const { return payload_.capacity(); }

 private:
  enum class State : uint8_t { Header, Buffer, Skip, DataPad, Data, DataPadding };
  void startFrame(Http2FrameSink& sink);

  size_t max_buffered_;
  size_t preface_at_ = http2::kClientPreface.size();  // preface bytes checked so far
  bool lost_ = false, bad_preface_ = false;
  State state_ = State::Header;
  uint8_t header_[9] = {};
  size_t header_len_ = 0;
  Http2FrameHeader frame_;
  uint32_t left_ = 0;      // payload bytes of the frame still to come (data, then padding)
  uint32_t padding_ = 0;   // of a DATA frame: padding after its data
  // A buffered frame's header and payload so far; a gathered DATA frame's, up to max_buffered_
  // bytes of payload.
  std::string payload_;
  bool gathering_ = false;
  void gather(const uint8_t* data, size_t n);
};

}  // namespace mamori
