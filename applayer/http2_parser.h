#pragma once
// HTTP/2 parsing of one TCP flow (RFC 9113): a connection that starts with the client
// preface (prior knowledge), or an HTTP/1.1 one upgraded to h2c by a 101. Each stream is one
// transaction, reported to an HttpSink as HttpParser reports HTTP/1's, its header blocks
// filling the same fields the way Suricata maps HTTP/2 onto its http.* buffers: :method,
// :path, :authority (host), :status, every header (pseudo-headers first) as "name: value"
// lines and names, DATA as the bodies (up to the HTTP body depths).
//
// Why nghttp2's HPACK inflater with a frame reader of our own, rather than nghttp2's
// session API: a session is one endpoint; it keeps its own state machine and flow control,
// and tears the connection down at the first protocol error. A sensor reads both endpoints
// at once, must go on past whatever they send (counting it, raising Suricata's http2.*
// events), and has to bound every buffer itself. HPACK is the part that has to agree with
// the peers bit for bit, and the inflater is that part alone.
//
// Each side's frames of a stream are recorded on its transaction for the http2.* keywords
// (Http2FrameValues); a frame of the connection (stream 0) goes to the sink on its own, as
// Suricata's one-frame transactions. With an AppFrameSink the frames are reported as the
// http2.hdr / http2.data / http2.pdu frames (applayer/app_frame.h). With a FileTracker each
// side's DATA of a stream is a file, named by Content-Disposition or the :path's path, as
// HttpParser names HTTP/1's.
//
// Bounds: frames other than DATA are buffered up to max_header_block; header blocks
// (HEADERS + CONTINUATION) up to max_header_block, decoded lists to max_header_list bytes
// and max_headers fields; HPACK's dynamic table to min(what SETTINGS announce,
// max_table_size); open streams to max_streams (more are counted and not reported).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "applayer/app_frame.h"
#include "applayer/app_layer_event.h"
#include "applayer/file_tracker.h"
#include "applayer/http2_frame_reader.h"
#include "applayer/http2_parser_counters.h"
#include "applayer/http_sink.h"
#include "applayer/http_transaction.h"
#include "capture/direction.h"

struct nghttp2_hd_inflater;

namespace mamori {

class Http2Parser final : Http2FrameSink {
 public:
  struct Config {
    size_t request_body_depth = 4096;
    size_t response_body_depth = 4096;
    size_t max_header_block = 64 << 10;
    size_t max_header_list = 64 << 10;
    uint32_t max_headers = 1024;
    uint32_t max_streams = 128;
    uint32_t max_table_size = 64 << 10;
  };

  // `first_id`: the flow's next transaction id (after its HTTP/1 ones, on an upgrade).
  // `files` (the worker's) and `frames` may be null, and must outlive the parser.
  Http2Parser(const Config& config, uint64_t first_id, FileTracker* files = nullptr, AppFrameSink* frames = nullptr);
  ~Http2Parser() override;
  Http2Parser(const Http2Parser&) = delete;
  Http2Parser& operator=(const Http2Parser&) = delete;

  // An h2c upgrade: stream 1's request is `request`, the HTTP/1 one that asked for it,
  // already reported; its response comes in HTTP/2. Before any data.
  void upgradeFrom(const HttpTransaction& request);
  void onData(Direction dir, const uint8_t* data, size_t len, HttpSink& sink);
  void onGap(Direction dir);
  // Reports every stream not yet reported, once, as HttpParser::onEnd does.
  void onEnd(HttpSink& sink);
  // Events of the connection no stream was reported with since (a bad preface, frames on
  // stream 0): the caller raises them on the flow.
  AppLayerEventSet takeConnectionEvents();

  const Http2ParserCounters& counters() const { return counters_; }

 private:
  struct Stream {
    uint32_t id = 0;
    HttpTransaction tx;
    bool request_headers = false, request_done = false, request_reported = false;
    bool response_headers = false, response_done = false;
    // Each side's body as a file ([0] the request's); refused once the tracker said no.
    FileTracker::Handle file[2] = {FileTracker::kNone, FileTracker::kNone};
    bool file_refused[2] = {false, false};
  };
  struct Side {
    Http2FrameReader reader;
    nghttp2_hd_inflater* inflater = nullptr;
    bool hpack_failed = false;
    uint32_t max_frame = 16384;  // SETTINGS_MAX_FRAME_SIZE the other side announced
    // A header block waiting for its CONTINUATION frames.
    std::string block;
    uint32_t block_stream = 0;
    uint32_t block_promised = 0;  // PUSH_PROMISE's promised stream; 0 for HEADERS
    bool block_open = false, block_end_stream = false, block_cut = false;
    bool block_continued = false;  // CONTINUATION frames came
    int block_weight = -1;         // HEADERS' priority weight; -1 without the flag
    explicit Side(size_t max_buffered) : reader(max_buffered) {}
  };

  void onFrame(const Http2FrameHeader& h, const uint8_t* payload, size_t len) override;
  void onDataStart(const Http2FrameHeader& h) override;
  void onData(const Http2FrameHeader& h, const uint8_t* data, size_t len) override;
  void onDataEnd(const Http2FrameHeader& h) override;
  void onOversized(const Http2FrameHeader& h) override;
  void onBadPadding(const Http2FrameHeader& h) override;
  bool gatherData() override;
  void onRawFrame(const Http2FrameHeader& h, const uint8_t* bytes, size_t len) override;

  void onHeadersFrame(const Http2FrameHeader& h, const uint8_t* p, size_t len, bool promise);
  void onContinuation(const Http2FrameHeader& h, const uint8_t* p, size_t len);
  void onSettings(const Http2FrameHeader& h, const uint8_t* p, size_t len);
  void endBlock();
  bool decodeBlock(Side& side);
  void readSizeUpdates(std::string_view block);
  void applyHeaders(Stream& s, bool request);
  void fillRequest(Stream& s);
  void fillResponse(Stream& s);
  Stream* find(uint32_t id);
  Stream* open(uint32_t id);
  void finishSide(Stream& s, bool request);
  void reportRequest(Stream& s);
  void close(Stream& s);
  // The values the frame's sender records: on its stream's transaction, or, for stream 0,
  // the connection's one-frame transaction, reported here.
  Http2FrameValues* frameValues(const Http2FrameHeader& h);
  void reportConnectionFrame();
  void openFile(Stream& s, int side);
  void closeFiles(Stream& s);
  void raiseOn(Stream* s, AppLayerEvent e);
  void malformed(Stream* s, AppLayerEvent e);
  Side& side(Direction dir) { return *sides_[static_cast<int>(dir)]; }

  const Config config_;
  uint64_t next_id_;
  std::unique_ptr<Side> sides_[2];
  Direction dir_ = Direction::ToServer;  // of the data being read
  HttpSink* sink_ = nullptr;             // during onData / onEnd
  std::vector<std::unique_ptr<Stream>> streams_;  // open ones, up to max_streams
  std::vector<std::unique_ptr<Stream>> spare_;    // closed, for reuse
  uint32_t last_client_stream_ = 0;
  std::vector<std::pair<std::string, std::string>> headers_;  // the block just decoded
  size_t header_bytes_ = 0;
  AppLayerEventSet connection_events_;
  FileTracker* files_;
  AppFrameSink* frames_;
  uint32_t flow_files_ = 0;  // files this flow opened, against the tracker's per-flow limit
  HttpTransaction connection_frame_;  // the body of a connection frame's report
  std::string size_updates_;  // of the block just decoded, Http2FrameValues::size_updates' way
  Http2ParserCounters counters_;
};

}  // namespace mamori
