#include "applayer/http_parser.h"

#include "applayer/http_file_headers.h"

#include <htp/htp.h>

#include <algorithm>
#include <cctype>
#include <span>
#include <strings.h>
#include <string_view>

namespace mamori {
namespace {

// The user data of a libhtp transaction we do not follow (refused a slot, or already
// reported), so that its later hooks are not taken for a new transaction's.
char detached_marker;

// libhtp hands a request file's data without its connection: the parser feeding it
// is the one on this thread.
thread_local HttpParser* feeding = nullptr;

htp_time_t timeOf(int64_t ts_us) {
  htp_time_t t{};
  t.tv_sec = ts_us / 1000000;
  t.tv_usec = ts_us % 1000000;
  return t;
}

void assign(std::string& out, const bstr* b) {
  if (b) {
    out.assign(reinterpret_cast<const char*>(bstr_ptr(b)), bstr_len(b));
  } else {
    out.clear();
  }
}

void assignHeader(std::string& out, htp_table_t* headers, const char* name) {
  const auto* h = headers ? static_cast<const htp_header_t*>(htp_table_get_c(headers, name)) : nullptr;
  assign(out, h ? h->value : nullptr);
}

bool isNamed(const bstr* name, const char* lower) { return bstr_cmp_c_nocase(name, lower) == 0; }

std::string_view viewOf(const bstr* b) {
  return b ? std::string_view(reinterpret_cast<const char*>(bstr_ptr(b)), bstr_len(b)) : std::string_view();
}

std::string_view headerView(htp_table_t* headers, const char* name) {
  const auto* h = headers ? static_cast<const htp_header_t*>(htp_table_get_c(headers, name)) : nullptr;
  return h ? viewOf(h->value) : std::string_view();
}

// Suricata's http.header and http.header_names buffers: "Name: value\r\n" per header but
// the cookie one (it has its own buffer), and "\r\nName\r\n...\r\n" with every name; the
// cookie header's "Name: value" apart, for http.request_header / http.response_header.
void headerBlocks(htp_table_t* headers, const char* cookie, std::string& block, std::string& names,
                  std::string& cookie_line) {
  block.clear();
  names.clear();
  cookie_line.clear();
  const size_t n = headers ? htp_table_size(headers) : 0;
  for (size_t i = 0; i < n; ++i) {
    const auto* h = static_cast<const htp_header_t*>(htp_table_get_index(headers, i, nullptr));
    if (!h || !h->name) continue;
    const auto* name = reinterpret_cast<const char*>(bstr_ptr(h->name));
    if (names.empty()) names += "\r\n";
    names.append(name, bstr_len(h->name)).append("\r\n");
    std::string& line = isNamed(h->name, cookie) ? cookie_line : block;
    line.append(name, bstr_len(h->name)).append(": ");
    if (h->value) line.append(reinterpret_cast<const char*>(bstr_ptr(h->value)), bstr_len(h->value));
    if (&line == &block) block += "\r\n";
  }
  if (!names.empty()) names += "\r\n";
}

// libhtp 0.5 gives its messages no codes: Suricata tells them apart by their text, and so
// must this, with its tables (errors first, then warnings; a message in neither is an
// unknown_error).
struct LoggedEvent {
  std::string_view prefix;
  AppLayerEvent event;
};
using E = AppLayerEvent;
constexpr LoggedEvent kLoggedErrors[] = {
    {"GZip decompressor: inflateInit2 failed", E::HttpGzipDecompressionFailed},
    {"Request field invalid: colon missing", E::HttpRequestFieldMissingColon},
    {"Response field invalid: missing colon", E::HttpResponseFieldMissingColon},
    {"Request chunk encoding: Invalid chunk length", E::HttpInvalidRequestChunkLen},
    {"Response chunk encoding: Invalid chunk length", E::HttpInvalidResponseChunkLen},
    {"Invalid C-L field in response", E::HttpInvalidContentLengthFieldInResponse},
    {"Already seen 100-Continue", E::Http100ContinueAlreadySeen},
    {"Unable to match response to request", E::HttpUnableToMatchResponseToRequest},
    {"Invalid server port information in request", E::HttpInvalidServerPortInRequest},
    {"Request buffer over", E::HttpRequestFieldTooLong},
    {"Response buffer over", E::HttpResponseFieldTooLong},
    {"C-T multipart/byteranges in responses not supported", E::HttpResponseMultipartByteranges},
    {"Compression bomb:", E::HttpCompressionBomb},
};
constexpr LoggedEvent kLoggedWarnings[] = {
    {"GZip decompressor:", E::HttpGzipDecompressionFailed},
    {"Request field invalid", E::HttpRequestHeaderInvalid},
    {"Response field invalid", E::HttpResponseHeaderInvalid},
    {"Request header name is not a token", E::HttpRequestHeaderInvalid},
    {"Response header name is not a token", E::HttpResponseHeaderInvalid},
    {"Invalid request field folding", E::HttpInvalidRequestFieldFolding},
    {"Invalid response field folding", E::HttpInvalidResponseFieldFolding},
    {"Request server port=", E::HttpRequestServerPortTcpPortMismatch},
    {"Request line: URI contains non-compliant delimiter", E::HttpUriDelimNonCompliant},
    {"Request line: non-compliant delimiter between Method and URI", E::HttpMethodDelimNonCompliant},
    {"Request line: leading whitespace", E::HttpRequestLineLeadingWhitespace},
    {"Too many response content encoding layers", E::HttpTooManyEncodingLayers},
    {"C-E gzip has abnormal value", E::HttpAbnormalCeHeader},
    {"C-E deflate has abnormal value", E::HttpAbnormalCeHeader},
    {"C-E unknown setting", E::HttpAbnormalCeHeader},
    {"Excessive request header repetitions", E::HttpRequestHeaderRepetition},
    {"Excessive response header repetitions", E::HttpResponseHeaderRepetition},
    {"Transfer-encoding has abnormal chunked value", E::HttpResponseAbnormalTransferEncoding},
    {"Chunked transfer-encoding on HTTP/0.9 or HTTP/1.0", E::HttpResponseChunkedOldProto},
    {"Invalid response line: invalid protocol", E::HttpResponseInvalidProtocol},
    {"Invalid response line: invalid response status", E::HttpResponseInvalidStatus},
    {"Request line incomplete", E::HttpRequestLineIncomplete},
    {"Unexpected request body", E::HttpRequestBodyUnexpected},
    {"LZMA decompressor: memory limit reached", E::HttpLzmaMemlimitReached},
    {"Ambiguous request C-L value", E::HttpDuplicateContentLengthFieldInRequest},
    {"Ambiguous response C-L value", E::HttpDuplicateContentLengthFieldInResponse},
};
// Past this many messages on a connection, Suricata raises too_many_warnings once and
// reads no more of them.
constexpr size_t kMaxLoggedMessages = 512;

// libhtp 0.5.45 knows RFC 6750's Bearer scheme, which Debian's 0.5.42 calls unrecognized:
// Suricata, built with the newer one, raises nothing for it.
bool bearerAuthorization(const htp_tx_t* tx) {
  const auto* h = tx->request_headers ? static_cast<const htp_header_t*>(htp_table_get_c(tx->request_headers, "authorization")) : nullptr;
  return h && h->value && bstr_begins_with_c_nocase(h->value, "bearer");
}

AppLayerEvent loggedEvent(std::string_view msg) {
  for (std::span<const LoggedEvent> table : {std::span<const LoggedEvent>(kLoggedErrors), std::span<const LoggedEvent>(kLoggedWarnings)}) {
    for (const LoggedEvent& e : table) {
      if (msg.starts_with(e.prefix)) return e.event;
    }
  }
  return E::HttpUnknownError;
}

}  // namespace

HttpParser::Settings::Settings(const Config& config) : config_(config) {
  cfg_ = htp_config_create();
  if (!cfg_) return;
  // Suricata's defaults: the IDS personality without its lower-casing of the path (rules
  // are written against the path as sent), no '+' to space, cookies left unparsed.
  htp_config_set_server_personality(cfg_, HTP_SERVER_IDS);
  htp_config_set_convert_lowercase(cfg_, HTP_DECODER_URL_PATH, 0);
  htp_config_set_plusspace_decode(cfg_, HTP_DECODER_URLENCODED, 0);
  htp_config_set_parse_request_cookies(cfg_, 0);
  htp_config_set_request_decompression(cfg_, 1);
  htp_config_set_response_decompression(cfg_, 1);
  htp_config_set_response_decompression_layer_limit(cfg_, config_.decompression_layers);
  // LZMA decoding needs megabytes per stream and is rare on the web: off, as in Suricata.
  htp_config_set_lzma_layers(cfg_, 0);
  htp_config_set_compression_bomb_limit(cfg_, config_.decompression_bomb_limit);
  htp_config_set_compression_time_limit(cfg_, config_.decompression_time_limit_us);
  htp_config_set_field_limits(cfg_, config_.max_header_bytes, config_.max_header_bytes);
  htp_config_set_number_headers_limit(cfg_, config_.max_headers);
  // libhtp keeps every message it logs with the connection; below warnings they only
  // cost memory.
  htp_config_set_log_level(cfg_, HTP_LOG_WARNING);
  htp_config_register_log(cfg_, onLog);
  htp_config_register_request_start(cfg_, onRequestStart);
  htp_config_register_request_headers(cfg_, onRequestHeaders);
  htp_config_register_request_header_data(cfg_, onRequestHeaderData);
  htp_config_register_request_body_data(cfg_, onRequestBody);
  htp_config_register_request_complete(cfg_, onRequestComplete);
  htp_config_register_response_start(cfg_, onResponseStart);
  htp_config_register_response_headers(cfg_, onResponseHeaders);
  htp_config_register_response_header_data(cfg_, onResponseHeaderData);
  htp_config_register_response_body_data(cfg_, onResponseBody);
  htp_config_register_response_complete(cfg_, onResponseComplete);
  // Files in requests: multipart/form-data parts with a file name, and PUT bodies.
  htp_config_register_multipart_parser(cfg_);
  htp_config_register_request_file_data(cfg_, onRequestFileData);
}

HttpParser::Settings::~Settings() {
  if (cfg_) htp_config_destroy(cfg_);
}

HttpParser::HttpParser(const Settings& settings, FileTracker* files) : config_(settings.config()), files_(files) {
  open(settings);
}

HttpParser::HttpParser(const Config& config, FileTracker* files)
    : own_settings_(std::make_unique<Settings>(config)), config_(own_settings_->config()), files_(files) {
  open(*own_settings_);
}

void HttpParser::open(const Settings& settings) {
  connp_ = settings.htp() ? htp_connp_create(settings.htp()) : nullptr;
  if (!connp_) {
    sides_[0].stopped = sides_[1].stopped = true;
    return;
  }
  htp_connp_set_user_data(connp_, this);
  htp_connp_open(connp_, nullptr, 0, nullptr, 0, nullptr);
  reports_.reserve(8);
}

HttpParser::~HttpParser() {
  if (files_) {
    // Files of a parser dropped without onEnd are given back untold.
    for (const auto& slot : slots_) {
      if (!slot->htp) continue;
      for (const auto& [key, h] : slot->request_files) files_->release(h, false);
      if (slot->response_file != FileTracker::kNone) files_->release(slot->response_file, false);
    }
  }
  if (connp_) htp_connp_destroy_all(connp_);
}

void HttpParser::onData(Direction dir, const uint8_t* data, size_t len, int64_t ts_us, HttpSink& sink) {
  now_us_ = ts_us;
  Side& s = side(dir);
  if (s.stopped || ended_) {
    counters_.bytes_ignored += len;
    return;
  }
  if (len) {
    if (s.held.empty()) {
      feed(dir, data, len);
    } else {
      hold(dir, data, len);  // keeps the stream's order behind what waits already
    }
  }
  // Whatever this direction brought may be what the other one waited for.
  retryHeld(opposite(dir));
  if (tunnel_ && !tunnel_counted_) {
    // Past an accepted CONNECT the bytes are another protocol's (mostly TLS); libhtp
    // 0.5 does not always say so, and would parse them as requests.
    tunnel_counted_ = true;
    ++counters_.tunnels;
    stop(Direction::ToServer);
    stop(Direction::ToClient);
  }
  deliver(sink);
}

void HttpParser::onGap(Direction dir, uint64_t len) {
  ++counters_.gaps;
  Side& s = side(dir);
  if (s.stopped || ended_ || !len) return;
  // libhtp can skip a hole inside a body of known extent; anywhere else (headers, chunk
  // framing, between requests) the bytes after the hole cannot be placed and libhtp
  // would read them as if nothing were missing.
  const bool request = dir == Direction::ToServer;
  htp_tx_t* tx = request ? htp_connp_get_in_tx(connp_) : htp_connp_get_out_tx(connp_);
  bool skippable = false;
  if (tx && s.held.empty()) {
    if (request) {
      skippable = tx->request_progress == HTP_REQUEST_BODY &&
                  tx->request_transfer_coding == HTP_CODING_IDENTITY && tx->request_content_length >= 0 &&
                  len <= static_cast<uint64_t>(tx->request_content_length - tx->request_message_len);
    } else {
      skippable = tx->response_progress == HTP_RESPONSE_BODY &&
                  tx->response_transfer_coding == HTP_CODING_IDENTITY &&
                  (tx->response_content_length < 0 ||
                   len <= static_cast<uint64_t>(tx->response_content_length - tx->response_message_len));
    }
  }
  if (skippable) {
    const htp_time_t t = timeOf(now_us_);
    feeding = this;
    const int rc = request ? htp_connp_req_data(connp_, &t, nullptr, len) : htp_connp_res_data(connp_, &t, nullptr, len);
    feeding = nullptr;
    if (rc == HTP_STREAM_DATA) return;
  }
  ++counters_.gaps_fatal;
  stop(dir);
}

void HttpParser::onEnd(int64_t ts_us, HttpSink& sink) {
  if (ended_) return;
  ended_ = true;
  now_us_ = ts_us;
  if (connp_) {
    const htp_time_t t = timeOf(ts_us);
    closing_ = true;
    htp_connp_close(connp_, &t);
  }
  deliver(sink);
  // What is left never finished: report it once, in request order.
  std::vector<Slot*>& open = open_;
  open.clear();
  for (const auto& slot : slots_) {
    if (slot->htp) open.push_back(slot.get());
  }
  std::sort(open.begin(), open.end(), [](const Slot* a, const Slot* b) { return a->tx.id < b->tx.id; });
  for (Slot* slot : open) {
    ++counters_.incomplete;
    if (!slot->request_headers_reported) {
      fillRequest(*slot);
      slot->request_headers_reported = true;
      report(*slot, Event::RequestHeaders, sink);
    }
    if (!slot->request_reported) {
      fillRequest(*slot);
      slot->request_reported = true;
      report(*slot, Event::Request, sink);
    }
    closeFiles(*slot, true, false);
    deliverFiles(*slot, true, sink);
    if (slot->htp->response_progress > HTP_RESPONSE_NOT_STARTED) fillResponse(*slot);
    if (!slot->response_headers_reported) {
      slot->response_headers_reported = true;
      report(*slot, Event::ResponseHeaders, sink);
    }
    closeFiles(*slot, false, false);
    report(*slot, Event::Response, sink);
    deliverFiles(*slot, false, sink);
    release(slot);
  }
}

void HttpParser::feed(Direction dir, const uint8_t* data, size_t len) {
  const htp_time_t t = timeOf(now_us_);
  const bool request = dir == Direction::ToServer;
  feeding_ = dir;
  feeding = this;
  const int rc = request ? htp_connp_req_data(connp_, &t, data, len) : htp_connp_res_data(connp_, &t, data, len);
  feeding = nullptr;
  if (upgrade_at_ >= 0) {
    // From the end of the 101's headers on, both directions speak the new protocol.
    const size_t at = std::min(static_cast<size_t>(upgrade_at_), len);
    upgrade_at_ = -1;
    upgrade_rest_[static_cast<int>(Direction::ToClient)].assign(reinterpret_cast<const char*>(data) + at, len - at);
    upgrade_rest_[static_cast<int>(Direction::ToServer)] = std::move(side(Direction::ToServer).held);
    side(Direction::ToServer).held.clear();
    side(Direction::ToServer).stopped = side(Direction::ToClient).stopped = true;
    return;
  }
  switch (rc) {
    case HTP_STREAM_DATA:
      return;
    case HTP_STREAM_DATA_OTHER: {
      // libhtp waits for the other direction (the response to a CONNECT, or the request
      // a response belongs to) before it takes the rest.
      const size_t used = request ? htp_connp_req_data_consumed(connp_) : htp_connp_res_data_consumed(connp_);
      if (used < len) hold(dir, data + used, len - used);
      return;
    }
    case HTP_STREAM_TUNNEL:
      tunnel_ = true;
      break;
    case HTP_STREAM_ERROR:
      ++counters_.stream_errors;
      break;
    default:  // HTP_STREAM_STOP, HTP_STREAM_CLOSED: nothing more will be parsed
      break;
  }
  stop(dir);
}

void HttpParser::hold(Direction dir, const uint8_t* data, size_t len) {
  Side& s = side(dir);
  if (s.held.size() + len > config_.max_held_bytes) {
    ++counters_.held_overflows;
    counters_.bytes_ignored += len;
    stop(dir);
    return;
  }
  s.held.append(reinterpret_cast<const char*>(data), len);
}

void HttpParser::retryHeld(Direction dir) {
  Side& s = side(dir);
  if (s.stopped || s.held.empty()) return;
  // feed() may hold part of it again: hand it the bytes from a buffer of its own.
  scratch_.swap(s.held);
  s.held.clear();
  feed(dir, reinterpret_cast<const uint8_t*>(scratch_.data()), scratch_.size());
  scratch_.clear();
}

void HttpParser::stop(Direction dir) {
  Side& s = side(dir);
  s.stopped = true;
  counters_.bytes_ignored += s.held.size();
  s.held.clear();
}

HttpParser& HttpParser::of(htp_tx_t* tx) { return *static_cast<HttpParser*>(htp_connp_get_user_data(tx->connp)); }

HttpParser::Slot* HttpParser::slotOf(htp_tx_t* tx) {
  void* p = htp_tx_get_user_data(tx);
  return p == &detached_marker ? nullptr : static_cast<Slot*>(p);
}

HttpParser::Slot* HttpParser::attach(htp_tx_t* tx) {
  Slot* slot = nullptr;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else if (slots_.size() < config_.max_pending) {
    slots_.push_back(std::make_unique<Slot>());
    slot = slots_.back().get();
  } else {
    // Requests pile up without responses: neither libhtp nor we should keep more of them.
    ++counters_.dropped;
    htp_tx_set_user_data(tx, &detached_marker);
    stop(Direction::ToServer);
    return nullptr;
  }
  slot->tx.clear();
  slot->tx.id = tx->index;
  slot->htp = tx;
  slot->request_headers_reported = slot->request_reported = slot->response_headers_reported = false;
  slot->request_gap = slot->response_gap = false;
  slot->reported.reset();
  slot->response_file = FileTracker::kNone;
  slot->response_file_refused = false;
  slot->request_files.clear();
  htp_tx_set_user_data(tx, slot);
  return slot;
}

void HttpParser::release(Slot* slot) {
  htp_tx_t* tx = slot->htp;
  slot->htp = nullptr;
  free_.push_back(slot);
  htp_tx_set_user_data(tx, &detached_marker);
  if (tx->request_progress == HTP_REQUEST_COMPLETE && tx->response_progress == HTP_RESPONSE_COMPLETE) {
    finished_.push_back(tx);
  }
}

int HttpParser::onRequestStart(htp_tx_t* tx) {
  if (!htp_tx_get_user_data(tx)) of(tx).attach(tx);
  return HTP_OK;
}

int HttpParser::onResponseStart(htp_tx_t* tx) {
  // A response libhtp could not match to a request comes with a transaction of its own.
  if (!htp_tx_get_user_data(tx)) of(tx).attach(tx);
  return HTP_OK;
}

int HttpParser::onResponseHeaders(htp_tx_t* tx) {
  if (tx->response_status_number == 101) {
    const auto* upgrade = static_cast<const htp_header_t*>(htp_table_get_c(tx->response_headers, "upgrade"));
    HttpParser& p = of(tx);
    Slot* slot = slotOf(tx);
    const bool h2c = upgrade && bstr_index_of_c_nocase(upgrade->value, "h2c") >= 0;
    const bool websocket = upgrade && bstr_index_of_c_nocase(upgrade->value, "websocket") >= 0;
    const bool upgraded = p.h2c_ || p.websocket_;
    if ((h2c || websocket) && p.refuse_upgrades_) {
      if (slot) raise(slot->tx.events, AppLayerEvent::HttpFailedProtocolChange);
    } else if ((h2c || websocket) && !upgraded) {
      p.upgrade_at_ = static_cast<int64_t>(htp_connp_res_data_consumed(tx->connp));
      if (websocket) {
        p.websocket_ = true;
      } else {
        p.h2c_ = std::make_unique<HttpTransaction>();
        if (slot) *p.h2c_ = slot->tx;
      }
    }
  }
  if (tx->request_method_number == HTP_M_CONNECT && tx->response_status_number >= 200 &&
      tx->response_status_number < 300) {
    of(tx).tunnel_ = true;
  }
  if (Slot* slot = slotOf(tx)) of(tx).reportResponseHeaders(*slot);
  return HTP_OK;
}

// Suricata inspects the request line and headers once they are in, before any body: a
// request whose body never ends is still seen.
int HttpParser::onRequestHeaders(htp_tx_t* tx) {
  if (Slot* slot = slotOf(tx)) of(tx).reportRequestHeaders(*slot);
  return HTP_OK;
}

void HttpParser::reportRequestHeaders(Slot& slot) {
  if (slot.request_headers_reported) return;
  slot.request_headers_reported = true;
  fillRequest(slot);
  reports_.push_back({&slot, Event::RequestHeaders});
}

void HttpParser::reportResponseHeaders(Slot& slot) {
  reportRequestHeaders(slot);
  if (slot.response_headers_reported) return;
  slot.response_headers_reported = true;
  fillResponse(slot);
  reports_.push_back({&slot, Event::ResponseHeaders});
}

int HttpParser::onRequestHeaderData(htp_tx_data_t* d) {
  Slot* slot = slotOf(d->tx);
  if (slot && !slot->request_reported) of(d->tx).appendRawHeaders(slot->tx.request_headers_raw, d);
  return HTP_OK;
}

int HttpParser::onResponseHeaderData(htp_tx_data_t* d) {
  if (Slot* slot = slotOf(d->tx)) of(d->tx).appendRawHeaders(slot->tx.response_headers_raw, d);
  return HTP_OK;
}

void HttpParser::appendRawHeaders(std::string& raw, const htp_tx_data_t* d) const {
  if (!d->data || raw.size() >= config_.max_header_bytes) return;
  raw.append(reinterpret_cast<const char*>(d->data), std::min(d->len, config_.max_header_bytes - raw.size()));
}

int HttpParser::onRequestBody(htp_tx_data_t* d) {
  Slot* slot = slotOf(d->tx);
  if (slot && !slot->request_reported) {
    appendBody(slot->tx.request_body, slot->request_gap, d->data, d->len, of(d->tx).config_.request_body_depth);
  }
  return HTP_OK;
}

int HttpParser::onResponseBody(htp_tx_data_t* d) {
  Slot* slot = slotOf(d->tx);
  if (!slot) return HTP_OK;
  HttpParser& p = of(d->tx);
  appendBody(slot->tx.response_body, slot->response_gap, d->data, d->len, p.config_.response_body_depth);
  if (!p.files_ || d->len == 0) return HTP_OK;
  if (slot->response_file == FileTracker::kNone && !slot->response_file_refused) p.openResponseFile(*slot);
  if (slot->response_file == FileTracker::kNone) return HTP_OK;
  if (d->data) {
    p.files_->append(slot->response_file, d->data, d->len);
  } else {
    p.files_->gap(slot->response_file, d->len);
  }
  return HTP_OK;
}

// Named as Suricata names a download: Content-Disposition's filename, else the
// normalised path of the request's URI.
void HttpParser::openResponseFile(Slot& slot) {
  const htp_tx_t* tx = slot.htp;
  std::string_view name = dispositionFilename(headerView(tx->response_headers, "content-disposition"));
  if (name.empty() && tx->parsed_uri) name = viewOf(tx->parsed_uri->path);
  slot.response_file = files_->open(flow_files_, slot.tx.id, Direction::ToClient, name);
  if (slot.response_file == FileTracker::kNone) {
    slot.response_file_refused = true;
    return;
  }
  uint64_t start = 0, end = 0, total = 0;
  if (tx->response_status_number == 206 &&
      parseContentRange(headerView(tx->response_headers, "content-range"), start, end, total)) {
    TrackedFile& f = files_->file(slot.response_file);
    f.range_start = start;
    f.range_end = end;
  }
}

// A piece counts only when its body came whole and undecoded in size: the bytes the
// Content-Range places, no more, no fewer.
void HttpParser::joinRange(Slot& slot) {
  uint64_t start = 0, end = 0, total = 0;
  if (!parseContentRange(headerView(slot.htp->response_headers, "content-range"), start, end, total) || total == 0 ||
      slot.response_gap || slot.tx.response_body.size() != end - start + 1) {
    return;
  }
  const std::string& body = slot.tx.response_body;
  const HttpRangeStore::Piece piece{start, total, {reinterpret_cast<const uint8_t*>(body.data()), body.size()}};
  std::string whole;
  if (ranges_->add(HttpRangeStore::key(slot.tx.host, slot.tx.uri), piece, now_us_, whole) !=
      HttpRangeStore::Result::Complete) {
    return;
  }
  ++counters_.ranges_completed;
  whole.resize(std::min<size_t>(whole.size(), config_.response_body_depth));
  slot.tx.response_body = std::move(whole);
}

int HttpParser::onRequestFileData(htp_file_data_t* d) {
  HttpParser* p = feeding;
  if (!p || !p->files_ || !p->connp_) return HTP_OK;
  htp_tx_t* tx = htp_connp_get_in_tx(p->connp_);
  Slot* slot = tx ? slotOf(tx) : nullptr;
  if (!slot || slot->request_reported) return HTP_OK;
  auto it = std::find_if(slot->request_files.begin(), slot->request_files.end(),
                         [&](const auto& f) { return f.first == d->file; });
  if (it == slot->request_files.end()) {
    if (!d->data) return HTP_OK;  // the end of a file we refused
    // A PUT body is named by the URI's path, as Suricata names it; libhtp gives it none.
    std::string_view name = viewOf(d->file->filename);
    if (d->file->source == HTP_FILE_PUT && tx->parsed_uri) name = viewOf(tx->parsed_uri->path);
    const FileTracker::Handle h = p->files_->open(p->flow_files_, slot->tx.id, Direction::ToServer, name);
    if (h == FileTracker::kNone) return HTP_OK;
    slot->request_files.emplace_back(d->file, h);
    it = slot->request_files.end() - 1;
  }
  if (d->data) {
    p->files_->append(it->second, d->data, d->len);
  } else {
    p->files_->close(it->second, true);  // libhtp's end of a part
  }
  return HTP_OK;
}

void HttpParser::closeFiles(Slot& slot, bool request, bool complete) {
  if (!files_) return;
  if (request) {
    for (const auto& [key, h] : slot.request_files) files_->close(h, complete);
  } else if (slot.response_file != FileTracker::kNone) {
    files_->close(slot.response_file, complete);
  }
}

void HttpParser::deliverFiles(Slot& slot, bool request, HttpSink& sink) {
  if (!files_) return;
  if (request) {
    for (const auto& [key, h] : slot.request_files) sink.onFile(slot.tx, *files_, h);
    slot.request_files.clear();
  } else if (slot.response_file != FileTracker::kNone) {
    sink.onFile(slot.tx, *files_, slot.response_file);
    slot.response_file = FileTracker::kNone;
  }
}

void HttpParser::appendBody(std::string& body, bool& gap, const uint8_t* data, size_t len, size_t depth) {
  if (!data) {
    gap = gap || len;  // bytes after a hole would join the wrong place
    return;
  }
  if (gap || body.size() >= depth) return;
  body.append(reinterpret_cast<const char*>(data), std::min(len, depth - body.size()));
}

int HttpParser::onRequestComplete(htp_tx_t* tx) {
  Slot* slot = slotOf(tx);
  if (!slot || slot->request_reported) return HTP_OK;  // libhtp may finalise a request twice
  HttpParser& p = of(tx);
  // libhtp finalises at close whatever it has; a request cut short by the end is not
  // complete.
  if (p.closing_) return HTP_OK;
  slot->tx.request_complete = true;
  ++p.counters_.requests;
  p.closeFiles(*slot, true, true);
  p.reportRequestHeaders(*slot);
  p.fillRequest(*slot);  // trailers of a chunked body join the headers
  slot->request_reported = true;
  p.reports_.push_back({slot, Event::Request});
  return HTP_OK;
}

int HttpParser::onResponseComplete(htp_tx_t* tx) {
  Slot* slot = slotOf(tx);
  if (!slot) return HTP_OK;
  HttpParser& p = of(tx);
  if (!slot->request_reported) {
    // The server answered before the request finished (an early error, or a response
    // with no request seen): the transaction is over, report what the request got to.
    p.reportRequestHeaders(*slot);
    p.fillRequest(*slot);
    slot->request_reported = true;
    p.closeFiles(*slot, true, false);
    p.reports_.push_back({slot, Event::Request});
  }
  // At close, only a body delimited by the connection's end (no length, not chunked)
  // is whole; libhtp finalises truncated ones too.
  const bool whole = !p.closing_ ||
                     (tx->response_transfer_coding == HTP_CODING_IDENTITY && tx->response_content_length < 0);
  slot->tx.response_complete = whole;
  if (whole) ++p.counters_.responses;
  if (whole && p.ranges_ && tx->response_status_number == 206) p.joinRange(*slot);
  p.closeFiles(*slot, false, whole);
  if (p.closing_ && !(whole && slot->tx.request_complete)) ++p.counters_.incomplete;
  p.reportResponseHeaders(*slot);
  p.fillResponse(*slot);
  p.reports_.push_back({slot, Event::Response});
  // The slot stays with the libhtp transaction until deliver() releases it, but nothing
  // more of this transaction is reported.
  htp_tx_set_user_data(tx, &detached_marker);
  return HTP_OK;
}

int HttpParser::onLog(htp_log_t* log) {
  if (!log->connp) return HTP_OK;
  auto* p = static_cast<HttpParser*>(htp_connp_get_user_data(log->connp));
  if (!p) return HTP_OK;
  if (log->level == HTP_LOG_ERROR) {
    ++p->counters_.parse_errors;
    // libhtp 0.5 gives its messages no codes; this one marks a body it stopped inflating.
    if (log->msg && std::string_view(log->msg).starts_with("Compression bomb")) ++p->counters_.decompression_bombs;
  } else if (log->level == HTP_LOG_WARNING) {
    ++p->counters_.parse_warnings;
  }
  if (log->level <= HTP_LOG_WARNING && log->msg) p->raiseLogged(*log);
  return HTP_OK;
}

// On the transaction libhtp names, else the one it is parsing in the direction it was fed.
void HttpParser::raiseLogged(const htp_log_t& log) {
  if (logged_ > kMaxLoggedMessages) return;
  htp_tx_t* tx = log.tx;
  if (!tx) tx = feeding_ == Direction::ToServer ? htp_connp_get_in_tx(connp_) : htp_connp_get_out_tx(connp_);
  Slot* slot = tx ? slotOf(tx) : nullptr;
  if (!slot) {
    ++counters_.events_unattached;
    return;
  }
  raise(slot->tx.events, ++logged_ > kMaxLoggedMessages ? E::HttpTooManyWarnings : loggedEvent(log.msg));
}

// What libhtp notes on the request as flags rather than messages, as Suricata reads them.
void HttpParser::raiseFlagged(Slot& slot) {
  const htp_tx_t* tx = slot.htp;
  AppLayerEventSet& events = slot.tx.events;
  static constexpr std::pair<uint64_t, AppLayerEvent> kFlags[] = {
      {HTP_REQUEST_INVALID_T_E, E::HttpInvalidTransferEncodingValueInRequest},
      {HTP_REQUEST_INVALID_C_L, E::HttpInvalidContentLengthFieldInRequest},
      {HTP_HOST_MISSING, E::HttpMissingHostHeader},
      {HTP_HOST_AMBIGUOUS, E::HttpHostHeaderAmbiguous},
      {HTP_HOSTU_INVALID, E::HttpRequestUriHostInvalid},
      {HTP_HOSTH_INVALID, E::HttpRequestHeaderHostInvalid},
  };
  for (const auto& [flag, event] : kFlags) {
    if (tx->flags & flag) raise(events, event);
  }
  if (tx->request_auth_type == HTP_AUTH_UNRECOGNIZED && !bearerAuthorization(tx)) {
    raise(events, E::HttpRequestAuthUnrecognized);
  }
  if (tx->is_protocol_0_9 && tx->request_method_number == HTP_M_UNKNOWN &&
      (tx->request_protocol_number == HTP_PROTOCOL_INVALID || tx->request_protocol_number == HTP_PROTOCOL_UNKNOWN)) {
    raise(events, E::HttpRequestLineInvalid);
  }
}

void HttpParser::report(Slot& slot, Event event, HttpSink& sink) {
  HttpTransaction& tx = slot.tx;
  tx.new_events = tx.events & ~slot.reported;
  slot.reported |= tx.events;
  switch (event) {
    case Event::RequestHeaders: sink.onRequestHeaders(tx); break;
    case Event::Request: sink.onRequest(tx); break;
    case Event::ResponseHeaders: sink.onResponseHeaders(tx); break;
    case Event::Response: sink.onResponse(tx); break;
  }
}

void HttpParser::fillRequest(Slot& slot) {
  raiseFlagged(slot);
  HttpTransaction& t = slot.tx;
  const htp_tx_t* tx = slot.htp;
  assign(t.method, tx->request_method);
  assign(t.uri_raw, tx->request_uri);
  assign(t.protocol, tx->request_protocol);
  assign(t.request_line, tx->request_line);
  // libhtp 0.5 strips the port but keeps the case; http.host is lower-case.
  assign(t.host, tx->request_hostname);
  for (char& c : t.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  assign(t.request_content_type, tx->request_content_type);
  t.request_content_length = tx->request_content_length;

  // Suricata's http.uri: the normalised path, then the query with its %-escapes decoded,
  // then any fragment.
  t.uri.clear();
  if (const htp_uri_t* u = tx->parsed_uri) {
    if (u->path) t.uri.append(reinterpret_cast<const char*>(bstr_ptr(u->path)), bstr_len(u->path));
    if (u->query) {
      t.uri += '?';
      if (bstr* q = bstr_dup(u->query)) {
        uint64_t flags = 0;
        htp_urldecode_inplace(tx->cfg, HTP_DECODER_URLENCODED, q, &flags);
        t.uri.append(reinterpret_cast<const char*>(bstr_ptr(q)), bstr_len(q));
        bstr_free(q);
      }
    }
    if (u->fragment) t.uri.append("#").append(reinterpret_cast<const char*>(bstr_ptr(u->fragment)), bstr_len(u->fragment));
  }

  if (tx->parsed_uri_raw && tx->parsed_uri_raw->hostname) {
    assign(t.host_raw, tx->parsed_uri_raw->hostname);
  } else {
    assignHeader(t.host_raw, tx->request_headers, "host");
  }
  assignHeader(t.user_agent, tx->request_headers, "user-agent");
  assignHeader(t.referer, tx->request_headers, "referer");
  assignHeader(t.cookie, tx->request_headers, "cookie");
  headerBlocks(tx->request_headers, "cookie", t.request_headers, t.request_header_names, t.request_cookie_line);
  if (tx->request_entity_len > static_cast<int64_t>(config_.request_body_depth)) {
    ++counters_.request_bodies_truncated;
  }
}

void HttpParser::fillResponse(Slot& slot) {
  HttpTransaction& t = slot.tx;
  const htp_tx_t* tx = slot.htp;
  t.status = tx->response_status_number > 0 ? tx->response_status_number : 0;
  assign(t.status_msg, tx->response_message);
  assign(t.response_protocol, tx->response_protocol);
  assign(t.response_line, tx->response_line);
  assign(t.response_content_type, tx->response_content_type);
  assignHeader(t.location, tx->response_headers, "location");
  headerBlocks(tx->response_headers, "set-cookie", t.response_headers, t.response_header_names,
               t.response_cookie_line);
  t.response_content_length = tx->response_content_length;
  // EVE's http.length: the body as it crossed the wire, before decoding.
  t.response_body_bytes = tx->response_message_len > 0 ? static_cast<uint64_t>(tx->response_message_len) : 0;
  if (tx->response_entity_len > static_cast<int64_t>(config_.response_body_depth)) {
    ++counters_.response_bodies_truncated;
  }
}

void HttpParser::deliver(HttpSink& sink) {
  for (const Report& r : reports_) {
    report(*r.slot, r.event, sink);
    if (r.event == Event::Request || r.event == Event::Response) deliverFiles(*r.slot, r.event == Event::Request, sink);
    if (r.event == Event::Response) release(r.slot);
  }
  reports_.clear();
  // A finished transaction is freed once libhtp no longer points at it, so a keep-alive
  // flow holds only the transactions in flight.
  if (finished_.empty()) return;
  const htp_tx_t* in = htp_connp_get_in_tx(connp_);
  const htp_tx_t* out = htp_connp_get_out_tx(connp_);
  std::erase_if(finished_, [&](htp_tx_t* tx) {
    if (tx == in || tx == out) return false;
    htp_tx_destroy(tx);
    return true;
  });
}

}  // namespace mamori
