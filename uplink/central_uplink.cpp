#include "uplink/central_uplink.h"

#include <pthread.h>

#include <fmt/format.h>

#include <zmq.hpp>

#include "auth/curve_socket.h"
#include "uplink/link_protocol.h"

namespace mamori {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

CentralUplink::CentralUplink(CentralUplinkOptions options, RuleSetHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)), spool_(options_.spool) {
  acknowledged_.store(spool_.acknowledgedSeq());
}

CentralUplink::~CentralUplink() { stop(); }

void CentralUplink::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "uplink");  // as `top -H` names it
    run();
  });
}

void CentralUplink::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void CentralUplink::publish(EventKind kind, const std::string& json) {
  if (!options_.records.count(kind)) return;
  if (json.size() > link::kMaxRecordBytes) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // What the spool refuses (full) or loses (a failed write) it counts itself.
  try {
    if (!spool_.append(kind, json)) return;
  } catch (const SpoolError& e) {
    spoolFailed(e);
    return;
  }
  // Behind: more waiting than one window could carry; such records are replayed later.
  const uint64_t waiting = spool_.lastSeq() - acknowledged_.load(std::memory_order_relaxed);
  if (!connected_.load(std::memory_order_relaxed) || waiting > options_.window_records) {
    spooled_.fetch_add(1, std::memory_order_relaxed);
  }
}

void CentralUplink::flush() {
  try {
    spool_.flush();
  } catch (const SpoolError& e) {
    spoolFailed(e);
  }
}

void CentralUplink::spoolFailed(const SpoolError& e) {
  // A full disk fails every write: one line a minute says so without flooding the log.
  const auto now = Clock::now();
  if (now - last_spool_error_ < std::chrono::minutes(1)) return;
  last_spool_error_ = now;
  fmt::print(stderr, "mamori: central: the spool cannot be written, records for the central are lost: {}\n", e.what());
}

void CentralUplink::reportRuleSet(RuleSetReport report) {
  std::lock_guard lock(reports_mutex_);
  reports_.push_back(std::move(report));
}

bool CentralUplink::drain(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (acknowledged_.load() < spool_.lastSeq()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

CentralUplinkCounters CentralUplink::counters() const {
  CentralUplinkCounters c;
  c.sent = sent_.load();
  c.spooled = spooled_.load();
  c.replayed = replayed_.load();
  c.dropped = dropped_.load() + spool_.counters().dropped;
  c.acknowledged = acknowledged_.load();
  c.spool_bytes = spool_.counters().bytes;
  c.connects = connects_.load();
  c.refusals = refusals_.load();
  c.rule_sets = rule_sets_.load();
  c.connected = connected_.load();
  return c;
}

void CentralUplink::run() {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  makeCurveClient(socket, CurveClientKeys{options_.server_key, options_.key});
  socket.set(zmq::sockopt::linger, 0);
  // Nothing queues for a link that is not up: a send fails at once, and the spool keeps it.
  socket.set(zmq::sockopt::immediate, 1);
  socket.set(zmq::sockopt::maxmsgsize, link::kMaxFrameBytes);
  socket.set(zmq::sockopt::sndhwm, 64);
  socket.set(zmq::sockopt::heartbeat_ivl, 1000);
  socket.set(zmq::sockopt::heartbeat_timeout, 5000);
  socket.set(zmq::sockopt::reconnect_ivl, 200);
  socket.set(zmq::sockopt::reconnect_ivl_max, 5000);
  socket.set(zmq::sockopt::ipv6, 1);
  try {
    socket.connect(options_.endpoint);
  } catch (const zmq::error_t& e) {
    fmt::print(stderr, "mamori: central: cannot connect to '{}': {}; records stay in the spool\n", options_.endpoint,
               e.what());
    return;
  }

  bool connected = false;
  uint64_t sent_seq = 0;      // the last record sent on this link
  uint64_t backlog_end = 0;   // records up to here were waiting when the link came up
  uint64_t max_sent = 0;      // the highest record ever sent
  std::string rules_version = options_.rules_version;
  std::string last_refusal;
  auto next_hello = Clock::now();
  auto last_heard = Clock::now();
  auto last_sent = Clock::now();
  std::vector<SpoolRecord> batch;
  std::vector<link::PackedRecord> packed;
  auto last_read_error = Clock::now() - std::chrono::hours(1);

  auto lose = [&](const char* why) {
    if (connected) {
      fmt::print(stderr, "mamori: central: {}; records wait in the spool (last acknowledged {})\n", why,
                 acknowledged_.load());
    }
    connected = false;
    connected_.store(false);
    next_hello = Clock::now();
  };
  auto sendOrLose = [&](link::Frames& frames) {
    if (link::send(socket, frames)) {
      last_sent = Clock::now();
      return true;
    }
    return false;
  };
  auto acknowledge = [&](uint64_t seq) {
    if (seq <= acknowledged_.load()) return;
    acknowledged_.store(seq);
    try {
      spool_.acknowledge(seq);
    } catch (const SpoolError& e) {
      fmt::print(stderr, "mamori: central: {}\n", e.what());  // the segment is deleted at a later acknowledgement
    }
  };

  while (!stop_.load()) {
    zmq_pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(20));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    while (auto message = link::receive(socket)) {
      link::Frames& m = *message;
      if (m.empty()) continue;
      last_heard = Clock::now();
      const std::string_view command = link::view(m[0]);
      if (command == link::cmd::kWelcome && m.size() == 2) {
        auto body = link::readJson(m[1]);
        if (!body) continue;
        const uint64_t held = link::jsonUint(*body, "acked");
        acknowledge(held);
        sent_seq = held;
        // Everything appended so far waited for the link, written to disk yet or not.
        backlog_end = spool_.lastSeq();
        connected = true;
        connected_.store(true);
        connects_.fetch_add(1);
        last_refusal.clear();
        fmt::print(stderr, "mamori: central: linked to {} as '{}'; it holds records up to {}, {} to replay\n",
                   link::jsonString(*body, "central"), options_.sensor, held,
                   backlog_end > held ? backlog_end - held : 0);
      } else if (command == link::cmd::kRefused && m.size() == 2) {
        auto body = link::readJson(m[1]);
        const std::string reason = body ? link::jsonString(*body, "reason") : "no reason given";
        refusals_.fetch_add(1);
        if (reason != last_refusal) fmt::print(stderr, "mamori: central refused this sensor: {}\n", reason);
        last_refusal = reason;
        lose("refused");
        next_hello = Clock::now() + std::chrono::seconds(10);
      } else if (command == link::cmd::kAck && m.size() == 2) {
        if (auto seq = link::readU64(m[1])) acknowledge(std::min(*seq, sent_seq));
      } else if (command == link::cmd::kPong) {
        // last_heard is all a PONG is for.
      } else if (command == link::cmd::kWho) {
        lose("the central does not know this link (it restarted)");
      } else if (command == link::cmd::kRuleSet && m.size() >= 2) {
        auto meta = link::readJson(m[1]);
        auto files = link::readFiles(m, 2);
        RuleSetPackage package;
        if (meta) {
          package.version = link::jsonString(*meta, "version");
          package.comment = link::jsonString(*meta, "comment");
        }
        if (files) package.files = std::move(*files);
        rule_sets_.fetch_add(1);
        std::string why = !meta || !files ? "malformed RULESET message" : package.validate();
        if (why.empty() && package.version.empty()) why = "rule set without a version";
        if (!why.empty()) {
          reportRuleSet(RuleSetReport{package.version, false, 0, 0, {why}});
        } else {
          handler_(std::move(package));
        }
      }
    }

    const auto now = Clock::now();
    if (!connected) {
      if (now >= next_hello) {
        link::Frames hello;
        hello.push_back(link::frame(link::cmd::kHello));
        hello.push_back(link::JsonFrame()
                            .num("protocol", link::kProtocol)
                            .str("sensor", options_.sensor)
                            .str("stream", spool_.streamId())
                            .str("rules_version", rules_version)
                            .num("last_seq", spool_.lastSeq())
                            .done());
        sendOrLose(hello);
        last_heard = now;
        next_hello = now + std::chrono::seconds(1);
      }
      continue;
    }
    if (now - last_heard > options_.silence) {
      lose("the central stopped answering");
      continue;
    }

    std::vector<RuleSetReport> reports;
    {
      std::lock_guard lock(reports_mutex_);
      reports.swap(reports_);
    }
    for (const RuleSetReport& r : reports) {
      if (r.ok) rules_version = r.version;
      link::JsonFrame body;
      body.str("version", r.version).str("result", r.ok ? "ok" : "refused").num("rules_loaded", r.rules_loaded)
          .real("build_seconds", r.build_seconds);
      link::writeErrors(body.writer(), r.errors);
      link::Frames frames;
      frames.push_back(link::frame(link::cmd::kRuleResult));
      frames.push_back(body.done());
      if (!sendOrLose(frames)) reportRuleSet(r);  // the next pass tries again
    }

    while (sent_seq - std::min(sent_seq, acknowledged_.load()) < options_.window_records) {
      batch.clear();
      try {
        if (spool_.read(sent_seq, options_.batch_records, options_.batch_bytes, batch) == 0) break;
      } catch (const SpoolError& e) {
        // A segment damaged under the running sensor: nothing after it can be sent in order.
        if (now - last_read_error > std::chrono::minutes(1)) {
          fmt::print(stderr, "mamori: central: cannot read the spool, sending stops until it is repaired: {}\n",
                     e.what());
          last_read_error = now;
        }
        break;
      }
      packed.clear();
      for (const SpoolRecord& r : batch) packed.push_back({r.kind, r.json});
      link::Frames frames;
      frames.push_back(link::frame(link::cmd::kRecords));
      frames.push_back(link::recordsHeader(batch.front().seq, static_cast<uint32_t>(batch.size())));
      frames.push_back(link::packRecords(packed));
      if (!sendOrLose(frames)) break;
      for (const SpoolRecord& r : batch) {
        (r.seq <= backlog_end || r.seq <= max_sent ? replayed_ : sent_).fetch_add(1, std::memory_order_relaxed);
      }
      sent_seq = batch.back().seq;
      max_sent = std::max(max_sent, sent_seq);
    }
    if (now - last_sent > options_.ping) {
      link::Frames ping;
      ping.push_back(link::frame(link::cmd::kPing));
      sendOrLose(ping);
    }
  }
}

}  // namespace mamori
