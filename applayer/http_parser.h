#pragma once
// HTTP/1.x parsing of one TCP flow with libhtp 0.5, the parser Suricata uses, so that
// normalisation (URI, host, bodies) matches what Suricata's rules and EVE records expect.
// Consumes: each direction's reassembled stream, in order, with gaps. Produces each
// transaction to an HttpSink as it progresses, at the points Suricata inspects it: the
// request's headers, the whole request, the response's headers, the whole response;
// pipelined requests are matched to responses in order, as HTTP/1.1 requires.
//
// Each parser owns its libhtp configuration as well as its connection parser: libhtp
// reads the configuration on every call, and a private copy costs one allocation per
// flow while keeping parsers independent of one another and of threads.
//
// Malformed traffic never stops the flow: libhtp's errors and warnings are counted, and
// raised as the transaction's app-layer events under Suricata's names; when
// libhtp gives up on a direction (HTP_STREAM_ERROR), that direction's later data is
// counted and dropped, and the other direction goes on.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "applayer/app_layer_event.h"
#include "applayer/http_parser_counters.h"
#include "applayer/http_range_store.h"
#include "applayer/http_sink.h"
#include "applayer/http_transaction.h"
#include "capture/direction.h"

struct htp_cfg_t;
struct htp_connp_t;
struct htp_tx_t;
struct htp_tx_data_t;
struct htp_log_t;
struct htp_file_data_t;

namespace mamori {

class HttpParser {
 public:
  struct Config {
    // Body bytes kept per transaction (Suricata's request/response-body-limit defaults).
    size_t request_body_depth = 4096;
    size_t response_body_depth = 4096;
    // Longest request line, status line or header field libhtp buffers across packets
    // (its hard field limit; Suricata's default). Longer ones end that direction.
    size_t max_header_bytes = 18000;
    uint32_t max_headers = 1024;  // header fields per message
    // Decompression (libhtp's, per body): a body that inflates more than
    // decompression_bomb_limit bytes at a ratio over 2048:1, or that keeps the decoder
    // busy longer than decompression_time_limit_us, is abandoned as a bomb.
    size_t decompression_bomb_limit = 1 << 20;
    size_t decompression_time_limit_us = 100000;
    int decompression_layers = 2;  // nested encodings ("gzip, gzip") decoded
    // Transactions whose response is still awaited; further requests are counted and
    // not reported, so a flood of pipelined requests cannot grow memory without bound.
    size_t max_pending = 32;
    // Data one direction must hold back until the other catches up (a request after a
    // CONNECT waits for its response).
    size_t max_held_bytes = 64 << 10;
  };

  // libhtp's configuration, built once from a Config and shared by every parser of a
  // worker: libhtp makes it with a dozen allocations and hook lists, which per flow were
  // a measurable share of HTTP's cost.
  class Settings {
   public:
    explicit Settings(const Config& config);
    ~Settings();
    Settings(const Settings&) = delete;
    Settings& operator=(const Settings&) = delete;
    const Config& config() const { return config_; }
    htp_cfg_t* htp() const { return cfg_; }

   private:
    Config config_;
    htp_cfg_t* cfg_ = nullptr;
  };

  // `settings` must outlive the parser. With `files`, the worker's FileTracker, request
  // and response bodies are tracked as files: a multipart/form-data part with a file
  // name or a PUT body (named by libhtp), a response body (named by its
  // Content-Disposition, else the URI's path), each reported to the sink once it ends.
  explicit HttpParser(const Settings& settings, FileTracker* files = nullptr);
  // A parser with settings of its own, for a single connection.
  explicit HttpParser(const Config& config, FileTracker* files = nullptr);
  ~HttpParser();
  HttpParser(const HttpParser&) = delete;
  HttpParser& operator=(const HttpParser&) = delete;

  // In-order stream data of one direction (ToServer: the client's requests), with the
  // packet time in microseconds. Reports what completes during the call to `sink`.
  void onData(Direction dir, const uint8_t* data, size_t len, int64_t ts_us, HttpSink& sink);
  // `len` bytes of the direction are missing for good. Inside a body libhtp skips them
  // (the body has a hole); anywhere else the direction cannot find its footing again and
  // stops. What the gap completes is reported on the next onData or onEnd.
  void onGap(Direction dir, uint64_t len);
  // The flow ends: libhtp finishes what the close completes (bodies delimited by the
  // connection's end), then every step of a transaction not yet reported is, once, in
  // order, with request_complete / response_complete telling what was seen.
  void onEnd(int64_t ts_us, HttpSink& sink);

  const HttpParserCounters& counters() const { return counters_; }

  // An upgrade: a 101 Switching Protocols whose Upgrade header names h2c or websocket. The
  // parser stops there (both directions); the bytes each direction sent past its HTTP/1
  // messages are handed over once with takeUpgradeRest, for Http2Parser or the WebSocket
  // plug-in.
  bool upgradedToH2c() const { return h2c_ != nullptr; }
  bool upgradedToWebsocket() const { return websocket_; }
  const HttpTransaction& h2cRequest() const { return *h2c_; }
  std::string takeUpgradeRest(Direction dir) { return std::move(upgrade_rest_[static_cast<int>(dir)]); }
  // The flow changed protocol once already (SMTP's STARTTLS) and may not again: a 101 to h2c
  // or websocket raises http.failed_protocol_change on its transaction instead, and HTTP/1
  // stops there.
  void refuseUpgrades() { refuse_upgrades_ = true; }
  // Join 206 responses' bodies into whole files in `ranges` (shared by the workers): the
  // response whose piece completes its file reports the whole file as its body
  // (http.response_body, file.data), as Suricata inspects a file downloaded in ranges.
  void joinRanges(HttpRangeStore* ranges) { ranges_ = ranges; }

 private:
  // One transaction between its request's start and its response's report.
  struct Slot {
    HttpTransaction tx;
    htp_tx_t* htp = nullptr;
    bool request_headers_reported = false;
    bool request_reported = false;  // the whole request: its body is no longer kept
    bool response_headers_reported = false;
    bool request_gap = false;     // a body lost bytes: keep what came before the hole only
    bool response_gap = false;
    AppLayerEventSet reported;    // events already handed to the sink
    // Its files: the response's, and the request's by libhtp's file (several parts of
    // a multipart body).
    FileTracker::Handle response_file = FileTracker::kNone;
    bool response_file_refused = false;
    std::vector<std::pair<const void*, FileTracker::Handle>> request_files;
  };
  enum class Event : uint8_t { RequestHeaders, Request, ResponseHeaders, Response };
  struct Report {
    Slot* slot;
    Event event;
  };
  struct Side {
    bool stopped = false;
    std::string held;  // unconsumed data libhtp asked to see again later
  };

  static int onRequestStart(htp_tx_t* tx);
  static int onRequestHeaders(htp_tx_t* tx);
  static int onRequestHeaderData(htp_tx_data_t* d);
  static int onRequestBody(htp_tx_data_t* d);
  static int onRequestComplete(htp_tx_t* tx);
  static int onResponseStart(htp_tx_t* tx);
  static int onResponseHeaders(htp_tx_t* tx);
  static int onResponseHeaderData(htp_tx_data_t* d);
  static int onResponseBody(htp_tx_data_t* d);
  static int onResponseComplete(htp_tx_t* tx);
  static int onLog(htp_log_t* log);
  static int onRequestFileData(htp_file_data_t* d);
  static HttpParser& of(htp_tx_t* tx);
  static Slot* slotOf(htp_tx_t* tx);

  void open(const Settings& settings);
  void appendRawHeaders(std::string& raw, const htp_tx_data_t* d) const;
  static void appendBody(std::string& body, bool& gap, const uint8_t* data, size_t len, size_t depth);
  Slot* attach(htp_tx_t* tx);
  void release(Slot* slot);
  void fillRequest(Slot& slot);
  void fillResponse(Slot& slot);
  // Queues the step's report, and the earlier steps' not yet queued: a request whose
  // headers never ended still has them reported before its end, a response's headers
  // come after its request's.
  void reportRequestHeaders(Slot& slot);
  void reportResponseHeaders(Slot& slot);
  void feed(Direction dir, const uint8_t* data, size_t len);
  void hold(Direction dir, const uint8_t* data, size_t len);
  void retryHeld(Direction dir);
  void stop(Direction dir);
  void deliver(HttpSink& sink);
  // Hands one report of the slot's transaction to the sink, with the events new to it.
  void report(Slot& slot, Event event, HttpSink& sink);
  void raiseLogged(const htp_log_t& log);
  void raiseFlagged(Slot& slot);
  void openResponseFile(Slot& slot);
  void joinRange(Slot& slot);
  void closeFiles(Slot& slot, bool request, bool complete);
  void deliverFiles(Slot& slot, bool request, HttpSink& sink);
  Side& side(Direction dir) { return sides_[static_cast<int>(dir)]; }

  std::unique_ptr<Settings> own_settings_;
  const Config& config_;
  htp_connp_t* connp_ = nullptr;
  int64_t now_us_ = 0;
  bool ended_ = false;
  bool closing_ = false;  // inside onEnd's htp_connp_close
  bool tunnel_ = false;   // a CONNECT was accepted
  bool tunnel_counted_ = false;
  Direction feeding_ = Direction::ToServer;  // the direction libhtp is parsing now
  size_t logged_ = 0;                        // libhtp messages so far, for too_many_warnings
  Side sides_[2];
  std::vector<std::unique_ptr<Slot>> slots_;  // grows to max_pending, then reused
  std::vector<Slot*> free_;
  std::vector<Report> reports_;  // completed by libhtp, not yet handed to the sink
  std::vector<htp_tx_t*> finished_;  // reported and complete, for libhtp to free
  std::vector<Slot*> open_;          // onEnd's list of what never finished
  std::string scratch_;
  HttpParserCounters counters_;
  FileTracker* files_ = nullptr;
  HttpRangeStore* ranges_ = nullptr;
  uint32_t flow_files_ = 0;
  // Set by the 101 that accepts an upgrade, at the offset its headers end in the data
  // being fed; then the request that asked for h2c (or that it was websocket), and what
  // follows in each direction.
  int64_t upgrade_at_ = -1;
  bool refuse_upgrades_ = false;
  std::unique_ptr<HttpTransaction> h2c_;
  bool websocket_ = false;
  std::string upgrade_rest_[2];  // files this flow opened, against the tracker's per-flow limit
};

}  // namespace mamori
