#pragma once
// ConsoleClients: analysts' pages held open on a console's live feed, for a benchmark.
// Each is a thread with its own HTTP connection over loopback (cpp-httplib's client),
// reading GET /api/events with an API token as a page's EventSource does, and counting the
// bytes and the Server-Sent Events it is sent, by event name.
//
// The streams run until the console stops (its open streams end) or a client's connection
// fails; join() waits for that. Counts may be read from any thread while they run.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace mamori::bench {

class ConsoleClients {
 public:
  // Opens `count` streams to the console at `url` ("http://127.0.0.1:PORT/").
  ConsoleClients(const std::string& url, const std::string& token, int count);
  ~ConsoleClients();  // joins: stop the console first
  ConsoleClients(const ConsoleClients&) = delete;
  ConsoleClients& operator=(const ConsoleClients&) = delete;

  // Whether every stream was answered (its first bytes came) within `timeout`: from then on
  // it is sent every event the console pushes. False as soon as one ended instead.
  bool waitOpen(std::chrono::milliseconds timeout) const;
  void join();

  struct Counts {
    uint64_t bytes = 0;
    uint64_t events = 0;   // every event but resync and skipped
    uint64_t alerts = 0;
    uint64_t skipped = 0;  // alerts the page was told it was not sent (its alerts a second)
    uint64_t incidents = 0;
    uint64_t resyncs = 0;  // times the stream fell behind the console's ring
  };
  Counts counts(size_t client) const;
  size_t size() const { return clients_.size(); }
  // The first stream that ended other than by the console stopping ("page 3 of 50: HTTP
  // 401"), "" when none did; after join().
  std::string failure() const;

 private:
  struct Client {
    std::atomic<bool> open{false}, ended{false};
    std::atomic<uint64_t> bytes{0}, events{0}, alerts{0}, skipped{0}, incidents{0}, resyncs{0};
    std::string pending;  // the text of an event not yet complete
    std::string error;
    std::thread thread;
  };
  void read(Client& c, const std::string& url, const std::string& token);
  static void take(Client& c, const char* data, size_t size);

  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace mamori::bench
