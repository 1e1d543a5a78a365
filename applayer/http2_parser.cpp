#include "applayer/http2_parser.h"

#include "applayer/http_file_headers.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mamori {
namespace {

using E = AppLayerEvent;

std::string_view view(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

uint32_t be32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

char lowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lowerChar(x) == lowerChar(y); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lowerChar(c);
  return out;
}

// An authority's host as http.host has it: without user info and port, lower-cased.
std::string hostOf(std::string_view authority) {
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    authority = authority.substr(0, authority.find(']') + 1);
  } else if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
    authority = authority.substr(0, colon);
  }
  return lower(authority);
}

int64_t contentLength(std::string_view value) {
  int64_t n = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  return ec == std::errc() && end == value.data() + value.size() && n >= 0 ? n : -1;
}

std::string mediaType(std::string_view value) { return lower(value.substr(0, value.find(';'))); }

// RFC 9113 section 8.2.1: field names are lower-case tokens; a pseudo-header is ':' and one.
bool validName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if ((c == ':' && i == 0) || c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        (c > 0x20 && c < 0x7f && !std::strchr("\"(),/:;<=>?@[\\]{}ABCDEFGHIJKLMNOPQRSTUVWXYZ", c))) {
      continue;
    }
    return false;
  }
  return true;
}

void appendBody(std::string& body, const uint8_t* data, size_t len, size_t depth, uint64_t& truncated) {
  const size_t room = depth > body.size() ? depth - body.size() : 0;
  if (len > room && room + body.size() == depth) ++truncated;
  body.append(reinterpret_cast<const char*>(data), std::min(len, room));
}

}  // namespace

Http2Parser::Http2Parser(const Config& config, uint64_t first_id, FileTracker* files, AppFrameSink* frames)
    : config_(config), next_id_(first_id), files_(files), frames_(frames) {
  for (int d = 0; d < 2; ++d) {
    sides_[d] = std::make_unique<Side>(config_.max_header_block);
    if (nghttp2_hd_inflate_new(&sides_[d]->inflater) != 0) sides_[d]->hpack_failed = true;
  }
  side(Direction::ToServer).reader.expectPreface();
}

Http2Parser::~Http2Parser() {
  for (auto& s : sides_) {
    if (s->inflater) nghttp2_hd_inflate_del(s->inflater);
  }
}

void Http2Parser::upgradeFrom(const HttpTransaction& request) {
  Stream* s = open(1);
  if (!s) return;
  const uint64_t id = s->tx.id;
  s->tx = request;
  s->tx.id = id;
  s->tx.http2_stream = 1;
  s->tx.protocol = s->tx.response_protocol = "HTTP/2";
  s->tx.events.reset();
  s->tx.new_events.reset();
  s->request_headers = s->request_done = s->request_reported = true;
  last_client_stream_ = 1;
}

AppLayerEventSet Http2Parser::takeConnectionEvents() {
  const AppLayerEventSet events = connection_events_;
  connection_events_.reset();
  return events;
}

void Http2Parser::onData(Direction dir, const uint8_t* data, size_t len, HttpSink& sink) {
  Side& s = side(dir);
  dir_ = dir;
  sink_ = &sink;
  if (!s.reader.feed(data, len, *this)) {
    counters_.bytes_ignored += len;
    if (s.reader.badPreface() && !raised(connection_events_, E::Http2InvalidClientMagic)) {
      raise(connection_events_, E::Http2InvalidClientMagic);
      ++counters_.malformed_frames;
    }
  }
  sink_ = nullptr;
}

void Http2Parser::onGap(Direction dir) {
  side(dir).reader.lose();
  // What the side sends past the hole is not read: its open files miss their rest.
  for (auto& s : streams_) {
    const FileTracker::Handle h = s->file[static_cast<int>(dir)];
    if (h != FileTracker::kNone && files_->file(h).state == FileState::Open) files_->gap(h, 0);
  }
}

void Http2Parser::onEnd(HttpSink& sink) {
  sink_ = &sink;
  while (!streams_.empty()) close(*streams_.front());
  sink_ = nullptr;
}

Http2Parser::Stream* Http2Parser::find(uint32_t id) {
  for (auto& s : streams_) {
    if (s->id == id) return s.get();
  }
  return nullptr;
}

Http2Parser::Stream* Http2Parser::open(uint32_t id) {
  if (streams_.size() >= config_.max_streams) {
    ++counters_.streams_refused;
    raise(connection_events_, E::Http2TooManyStreams);
    return nullptr;
  }
  if (spare_.empty()) spare_.push_back(std::make_unique<Stream>());
  streams_.push_back(std::move(spare_.back()));
  spare_.pop_back();
  Stream& s = *streams_.back();
  s.tx.clear();
  s.tx.id = next_id_++;
  s.tx.http2_stream = id;
  s.tx.protocol = s.tx.response_protocol = "HTTP/2";
  s.id = id;
  s.request_headers = s.request_done = s.request_reported = false;
  s.response_headers = s.response_done = false;
  s.file[0] = s.file[1] = FileTracker::kNone;
  s.file_refused[0] = s.file_refused[1] = false;
  return &s;
}

// An event of a stream rides on its next report; one with no stream on the connection's.
void Http2Parser::raiseOn(Stream* s, AppLayerEvent e) {
  if (!s) {
    raise(connection_events_, e);
    return;
  }
  if (!raised(s->tx.events, e)) raise(s->tx.new_events, e);
  raise(s->tx.events, e);
}

void Http2Parser::malformed(Stream* s, AppLayerEvent e) {
  ++counters_.malformed_frames;
  raiseOn(s, e);
}

void Http2Parser::reportRequest(Stream& s) {
  if (s.request_reported) return;
  s.request_reported = true;
  s.tx.new_events |= connection_events_;
  s.tx.events |= connection_events_;
  connection_events_.reset();
  // A stream's headers are reported with its request's end: each step once, the events
  // new to it on the first.
  sink_->onRequestHeaders(s.tx);
  s.tx.new_events.reset();
  sink_->onRequest(s.tx);
}

void Http2Parser::finishSide(Stream& s, bool request) {
  (request ? s.request_done : s.response_done) = true;
  const FileTracker::Handle file = s.file[request ? 0 : 1];
  if (file != FileTracker::kNone && files_->file(file).state == FileState::Open) files_->close(file, true);
  if (request) {
    s.tx.request_complete = true;
    reportRequest(s);
  } else {
    s.tx.response_complete = true;
  }
  if (s.request_done && s.response_done) close(s);
}

// The stream ends (both sides done, reset, or the flow's end): its report, then its slot
// goes back for reuse.
void Http2Parser::close(Stream& s) {
  reportRequest(s);
  ++counters_.streams;
  s.tx.new_events |= connection_events_;
  s.tx.events |= connection_events_;
  connection_events_.reset();
  sink_->onResponseHeaders(s.tx);
  s.tx.new_events.reset();
  closeFiles(s);
  sink_->onResponse(s.tx);
  for (FileTracker::Handle& h : s.file) {
    if (h != FileTracker::kNone) sink_->onFile(s.tx, *files_, h);
    h = FileTracker::kNone;
  }
  const auto it = std::find_if(streams_.begin(), streams_.end(), [&](const auto& p) { return p.get() == &s; });
  spare_.push_back(std::move(*it));
  streams_.erase(it);
}

void Http2Parser::onOversized(const Http2FrameHeader& h) {
  ++counters_.oversized_frames;
  malformed(find(h.stream), h.length > side(dir_).max_frame ? E::Http2LongFrameData : E::Http2ReassemblyLimitReached);
}

void Http2Parser::onBadPadding(const Http2FrameHeader& h) { malformed(find(h.stream), E::Http2InvalidFrameLength); }

void Http2Parser::onDataStart(const Http2FrameHeader& h) {
  ++counters_.frames;
  if (h.stream != 0) {
    if (Http2FrameValues* values = frameValues(h)) values->addType(h.type);
  }
  Side& me = side(dir_);
  if (me.block_open) malformed(find(me.block_stream), E::Http2InvalidFrameHeader);
  if (h.stream == 0) malformed(nullptr, E::Http2InvalidFrameHeader);
  if (h.length > me.max_frame) malformed(find(h.stream), E::Http2LongFrameData);
}

void Http2Parser::onData(const Http2FrameHeader& h, const uint8_t* data, size_t len) {
  Stream* s = find(h.stream);
  if (!s) return;
  const int d = static_cast<int>(dir_);
  if (files_ && s->file[d] == FileTracker::kNone && !s->file_refused[d]) openFile(*s, d);
  if (s->file[d] != FileTracker::kNone && files_->file(s->file[d]).state == FileState::Open) {
    files_->append(s->file[d], data, len);
  }
  if (dir_ == Direction::ToServer) {
    appendBody(s->tx.request_body, data, len, config_.request_body_depth, counters_.bodies_truncated);
  } else {
    s->tx.response_body_bytes += len;
    appendBody(s->tx.response_body, data, len, config_.response_body_depth, counters_.bodies_truncated);
  }
}

void Http2Parser::onDataEnd(const Http2FrameHeader& h) {
  if (!(h.flags & http2::kEndStream)) return;
  if (Stream* s = find(h.stream)) finishSide(*s, dir_ == Direction::ToServer);
}

void Http2Parser::onFrame(const Http2FrameHeader& h, const uint8_t* p, size_t len) {
  ++counters_.frames;
  Side& me = side(dir_);
  if (me.block_open && h.type != http2::kContinuation) {
    // RFC 9113 section 6.10: nothing may come between a block's frames.
    malformed(find(me.block_stream), E::Http2InvalidFrameHeader);
    me.block_open = false;
    me.block.clear();
  }
  if (h.length > me.max_frame) malformed(find(h.stream), E::Http2LongFrameData);
  const bool on_stream = h.type == http2::kHeaders || h.type == http2::kPriority || h.type == http2::kRstStream ||
                         h.type == http2::kPushPromise || h.type == http2::kContinuation;
  const bool on_connection = h.type == http2::kSettings || h.type == http2::kPing || h.type == http2::kGoaway;
  if ((on_stream && h.stream == 0) || (on_connection && h.stream != 0)) {
    malformed(find(h.stream), E::Http2InvalidFrameHeader);
    return;
  }
  // HEADERS, PUSH_PROMISE and CONTINUATION are recorded with their block, whose stream may
  // open with it (endBlock).
  const bool block = h.type == http2::kHeaders || h.type == http2::kPushPromise || h.type == http2::kContinuation;
  Http2FrameValues* values = block ? nullptr : frameValues(h);
  if (values) values->addType(h.type);
  switch (h.type) {
    case http2::kHeaders: onHeadersFrame(h, p, len, false); break;
    case http2::kPushPromise: onHeadersFrame(h, p, len, true); break;
    case http2::kContinuation: onContinuation(h, p, len); break;
    case http2::kSettings: onSettings(h, p, len); break;
    case http2::kPriority:
      if (len != 5) malformed(find(h.stream), E::Http2InvalidFrameLength);
      else if (values) Http2FrameValues::add(values->priorities, p[4], 1);
      break;
    case http2::kRstStream:
      ++counters_.resets;
      if (len != 4) {
        malformed(find(h.stream), E::Http2InvalidFrameLength);
      } else if (Stream* s = find(h.stream)) {
        (dir_ == Direction::ToServer ? s->tx.http2_request_error : s->tx.http2_response_error) = be32(p);
        Http2FrameValues::add(values->error_codes, be32(p), 4);
        close(*s);
      }
      break;
    case http2::kPing:
      if (len != 8) malformed(nullptr, E::Http2InvalidFrameLength);
      break;
    case http2::kGoaway:
      ++counters_.goaways;
      if (len < 8) malformed(nullptr, E::Http2InvalidFrameLength);
      else Http2FrameValues::add(values->error_codes, be32(p + 4), 4);
      break;
    case http2::kWindowUpdate:
      if (len != 4) malformed(find(h.stream), E::Http2InvalidFrameLength);
      else if (values) Http2FrameValues::add(values->windows, be32(p) & 0x7fffffffu, 4);
      break;
    default: break;  // unknown types are ignored (RFC 9113 section 5.5)
  }
  if (h.stream == 0) reportConnectionFrame();
}

Http2FrameValues* Http2Parser::frameValues(const Http2FrameHeader& h) {
  const bool client = dir_ == Direction::ToServer;
  if (h.stream == 0) {
    return client ? &connection_frame_.http2_request_frames : &connection_frame_.http2_response_frames;
  }
  Stream* s = find(h.stream);
  if (!s) return nullptr;
  return client ? &s->tx.http2_request_frames : &s->tx.http2_response_frames;
}

// Suricata makes each frame of stream 0 a transaction of its own.
void Http2Parser::reportConnectionFrame() {
  sink_->onConnectionFrame(dir_, connection_frame_);
  connection_frame_.http2_request_frames.clear();
  connection_frame_.http2_response_frames.clear();
}

bool Http2Parser::gatherData() {
  return frames_ && (frames_->wantsFrame(app_frame::kHttp2Data) || frames_->wantsFrame(app_frame::kHttp2Pdu));
}

// The frame as sent, for the frame keyword: its header, its payload, both.
void Http2Parser::onRawFrame(const Http2FrameHeader& h, const uint8_t* bytes, size_t len) {
  if (!frames_) return;
  constexpr size_t kHeader = 9;
  if (frames_->wantsFrame(app_frame::kHttp2Hdr)) frames_->onFrame(dir_, app_frame::kHttp2Hdr, bytes, kHeader);
  if (len == kHeader && h.length != 0) return;  // its payload was not kept
  if (frames_->wantsFrame(app_frame::kHttp2Data)) frames_->onFrame(dir_, app_frame::kHttp2Data, bytes + kHeader, len - kHeader);
  if (frames_->wantsFrame(app_frame::kHttp2Pdu)) frames_->onFrame(dir_, app_frame::kHttp2Pdu, bytes, len);
}

// A side's body is a file named as HTTP/1's: Content-Disposition's filename, else the path
// of the request's :path (without its query).
void Http2Parser::openFile(Stream& s, int d) {
  const HttpTransaction& tx = s.tx;
  const std::string& headers = d == 0 ? tx.request_headers : tx.response_headers;
  std::string_view name;
  if (const size_t at = headers.find("content-disposition: "); at != std::string::npos && (at == 0 || headers[at - 1] == '\n')) {
    const size_t from = at + 21;
    name = dispositionFilename(std::string_view(headers).substr(from, headers.find("\r\n", from) - from));
  }
  if (name.empty()) name = std::string_view(tx.uri_raw).substr(0, tx.uri_raw.find('?'));
  const Direction dir = d == 0 ? Direction::ToServer : Direction::ToClient;
  s.file[d] = files_->open(flow_files_, tx.id, dir, name);
  if (s.file[d] == FileTracker::kNone) {
    s.file_refused[d] = true;
    return;
  }
  uint64_t start = 0, end = 0, total = 0;
  const size_t at = tx.response_headers.find("content-range: ");
  if (d == 1 && tx.status == 206 && at != std::string::npos) {
    const size_t from = at + 15;
    if (parseContentRange(std::string_view(tx.response_headers).substr(from, tx.response_headers.find("\r\n", from) - from),
                          start, end, total)) {
      TrackedFile& f = files_->file(s.file[d]);
      f.range_start = start;
      f.range_end = end;
    }
  }
}

// The stream ends: a file whose side did not finish is cut short.
void Http2Parser::closeFiles(Stream& s) {
  for (FileTracker::Handle h : s.file) {
    if (h != FileTracker::kNone && files_->file(h).state == FileState::Open) files_->close(h, false);
  }
}

void Http2Parser::onSettings(const Http2FrameHeader& h, const uint8_t* p, size_t len) {
  if (h.flags & http2::kAck) {
    if (len != 0) malformed(nullptr, E::Http2InvalidFrameLength);
    return;
  }
  if (len % 6 != 0) {
    malformed(nullptr, E::Http2InvalidFrameLength);
    return;
  }
  // What this side announces bounds what the other side sends it.
  Side& peer = side(dir_ == Direction::ToServer ? Direction::ToClient : Direction::ToServer);
  Http2FrameValues* values = frameValues(h);
  for (size_t at = 0; at < len; at += 6) {
    const uint16_t id = static_cast<uint16_t>(p[at] << 8 | p[at + 1]);
    const uint32_t value = be32(p + at + 2);
    if (values) Http2FrameValues::add(values->settings, uint64_t{id} << 32 | value, 6);
    if (id == NGHTTP2_SETTINGS_HEADER_TABLE_SIZE && peer.inflater && !peer.hpack_failed) {
      const uint32_t size = std::min(value, config_.max_table_size);
      if (nghttp2_hd_inflate_change_table_size(peer.inflater, size) != 0) peer.hpack_failed = true;
    } else if (id == NGHTTP2_SETTINGS_MAX_FRAME_SIZE) {
      if (value < 16384 || value > 16777215) malformed(nullptr, E::Http2InvalidFrameData);
      else peer.max_frame = value;
    }
  }
}

void Http2Parser::onHeadersFrame(const Http2FrameHeader& h, const uint8_t* p, size_t len, bool promise) {
  size_t at = 0, pad = 0;
  if (h.flags & http2::kPadded) {
    if (len < 1) return malformed(find(h.stream), E::Http2InvalidFrameLength);
    pad = p[0];
    at = 1;
  }
  uint32_t promised = 0;
  if (promise) {
    if (len < at + 4) return malformed(find(h.stream), E::Http2InvalidFrameLength);
    promised = be32(p + at) & 0x7fffffffu;
    at += 4;
  }
  int weight = -1;
  if (!promise && (h.flags & http2::kPriorityFlag)) {
    if (len < at + 5) return malformed(find(h.stream), E::Http2InvalidFrameLength);
    weight = p[at + 4];
    at += 5;
  }
  if (at + pad > len) return malformed(find(h.stream), E::Http2InvalidFrameLength);
  Side& me = side(dir_);
  me.block.assign(reinterpret_cast<const char*>(p + at), len - at - pad);
  me.block_stream = h.stream;
  me.block_promised = promised;
  me.block_end_stream = !promise && (h.flags & http2::kEndStream);
  me.block_cut = false;
  me.block_continued = false;
  me.block_weight = weight;
  me.block_open = true;
  if (h.flags & http2::kEndHeaders) endBlock();
}

void Http2Parser::onContinuation(const Http2FrameHeader& h, const uint8_t* p, size_t len) {
  Side& me = side(dir_);
  if (!me.block_open || h.stream != me.block_stream) return malformed(find(h.stream), E::Http2InvalidFrameHeader);
  me.block_continued = true;
  if (me.block.size() + len > config_.max_header_block) {
    // The rest of the block is lost, and with it HPACK's table for this direction.
    if (!me.block_cut) {
      ++counters_.header_limits;
      raiseOn(find(h.stream), E::Http2ReassemblyLimitReached);
    }
    me.block_cut = true;
  } else {
    me.block.append(reinterpret_cast<const char*>(p), len);
  }
  if (h.flags & http2::kEndHeaders) endBlock();
}

// A whole header block: decoded (always, to keep HPACK's table in step with the peer's),
// then given to its stream.
void Http2Parser::endBlock() {
  Side& me = side(dir_);
  me.block_open = false;
  const bool request = dir_ == Direction::ToServer || me.block_promised != 0;
  const uint32_t id = me.block_promised ? me.block_promised : me.block_stream;
  if (me.block_cut) {
    me.hpack_failed = true;
    ++counters_.hpack_errors;
  }
  const bool decoded = decodeBlock(me);
  me.block.clear();
  Stream* s = find(id);
  if (!s && request) {
    if (dir_ == Direction::ToServer) {
      if (id <= last_client_stream_ || !(id & 1)) raiseOn(nullptr, E::Http2StreamIdReuse);
      last_client_stream_ = std::max(last_client_stream_, id);
    }
    s = open(id);
  } else if (!s && (id > last_client_stream_ || !(id & 1))) {
    s = open(id);  // a response whose request went unseen
  }
  // Else a closed stream's (reset while the frame was in flight): decoded for HPACK's
  // sake, and ignored (RFC 9113 section 5.1).
  if (!s) return;
  Http2FrameValues& values = dir_ == Direction::ToServer ? s->tx.http2_request_frames : s->tx.http2_response_frames;
  values.addType(me.block_promised ? http2::kPushPromise : http2::kHeaders);
  if (me.block_continued) values.addType(http2::kContinuation);
  if (me.block_weight >= 0) Http2FrameValues::add(values.priorities, static_cast<uint64_t>(me.block_weight), 1);
  for (size_t at = 0; at + 8 <= size_updates_.size(); at += 8) {
    if (values.size_updates.size() < Http2FrameValues::kMaxValues * 8) values.size_updates.append(size_updates_, at, 8);
  }
  if (!decoded) raiseOn(s, E::Http2FailedDecompression);
  else applyHeaders(*s, request);
  if (me.block_end_stream) finishSide(*s, dir_ == Direction::ToServer);
}

bool Http2Parser::decodeBlock(Side& side) {
  headers_.clear();
  header_bytes_ = 0;
  readSizeUpdates(side.block);
  if (side.hpack_failed) return false;
  const uint8_t* in = reinterpret_cast<const uint8_t*>(side.block.data());
  size_t left = side.block.size();
  bool cut = false;
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    const ssize_t used = nghttp2_hd_inflate_hd2(side.inflater, &nv, &flags, in, left, 1);
    if (used < 0) {
      side.hpack_failed = true;
      ++counters_.hpack_errors;
      return false;
    }
    in += used;
    left -= static_cast<size_t>(used);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      if (headers_.size() < config_.max_headers && header_bytes_ + nv.namelen + nv.valuelen <= config_.max_header_list) {
        header_bytes_ += nv.namelen + nv.valuelen;
        headers_.emplace_back(std::string(view(nv.name, nv.namelen)), std::string(view(nv.value, nv.valuelen)));
      } else {
        cut = true;
      }
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(side.inflater);
      break;
    }
    if (used == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT)) break;  // nothing more to take
  }
  if (cut) {
    ++counters_.header_limits;
    raise(connection_events_, E::Http2ReassemblyLimitReached);
  }
  return true;
}

// RFC 7541 section 4.2: a block may start with dynamic table size updates ('001' and a
// 5-bit prefix integer), which nghttp2 applies without telling; http2.size_update reads them.
void Http2Parser::readSizeUpdates(std::string_view block) {
  size_updates_.clear();
  size_t at = 0;
  while (at < block.size() && (static_cast<uint8_t>(block[at]) & 0xe0) == 0x20) {
    uint64_t value = static_cast<uint8_t>(block[at++]) & 0x1f;
    if (value == 0x1f) {
      uint64_t shift = 0, more = 0x80;
      while (more && at < block.size() && shift <= 56) {
        const uint8_t b = static_cast<uint8_t>(block[at++]);
        value += uint64_t{b & 0x7fu} << shift;
        shift += 7;
        more = b & 0x80;
      }
      if (more) return;  // cut short or too long: nghttp2 refuses the block
    }
    Http2FrameValues::add(size_updates_, value, 8);
  }
}

// The decoded block as the side's headers: its first block fills them, a later one (the
// trailers, or a final response after 1xx) adds to them.
void Http2Parser::applyHeaders(Stream& s, bool request) {
  HttpTransaction& tx = s.tx;
  std::string& lines = request ? tx.request_headers : tx.response_headers;
  std::string& names = request ? tx.request_header_names : tx.response_header_names;
  std::string& cookie_line = request ? tx.request_cookie_line : tx.response_cookie_line;
  if (names.empty()) names = "\r\n";
  else names.resize(names.size() - 2);  // reopened before its closing "\r\n"
  for (const auto& [name, value] : headers_) {
    if (!validName(name)) raiseOn(&s, E::Http2InvalidHeader);
    if (name == (request ? "cookie" : "set-cookie")) {
      cookie_line.append(cookie_line.empty() ? name + ": " : "; ").append(value);
      if (request) tx.cookie.append(tx.cookie.empty() ? "" : "; ").append(value);
    } else {
      lines.append(name).append(": ").append(value).append("\r\n");
    }
    names.append(name).append("\r\n");
  }
  names.append("\r\n");
  (request ? tx.request_headers_raw : tx.response_headers_raw) = lines;
  if (request) fillRequest(s);
  else fillResponse(s);
  (request ? s.request_headers : s.response_headers) = true;
}

void Http2Parser::fillRequest(Stream& s) {
  HttpTransaction& tx = s.tx;
  const std::string* authority = nullptr;
  const std::string* host = nullptr;
  for (const auto& [name, value] : headers_) {
    if (name == ":method") tx.method = value;
    else if (name == ":path") tx.uri = tx.uri_raw = value;
    else if (name == ":authority") authority = &value;
    else if (name == "host") host = &value;
    else if (name == "user-agent") tx.user_agent = value;
    else if (name == "referer") tx.referer = value;
    else if (name == "content-type") tx.request_content_type = mediaType(value);
    else if (name == "content-length") tx.request_content_length = contentLength(value);
  }
  if (authority && authority->find('@') != std::string::npos) raiseOn(&s, E::Http2UserinfoInUri);
  if (authority && host && !iequals(*authority, *host)) raiseOn(&s, E::Http2AuthorityHostMismatch);
  if (const std::string* h = authority ? authority : host) {
    tx.host_raw = *h;
    tx.host = hostOf(*h);
  }
  if (!tx.method.empty()) tx.request_line = tx.method + " " + tx.uri + " HTTP/2";
}

void Http2Parser::fillResponse(Stream& s) {
  HttpTransaction& tx = s.tx;
  for (const auto& [name, value] : headers_) {
    if (name == ":status") {
      int status = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), status);
      tx.status = ec == std::errc() && end == value.data() + value.size() ? status : 0;
      tx.response_line = "HTTP/2 " + value;
    } else if (name == "location") {
      tx.location = value;
    } else if (name == "content-type") {
      tx.response_content_type = mediaType(value);
    } else if (name == "content-length") {
      tx.response_content_length = contentLength(value);
    }
  }
}

}  // namespace mamori
