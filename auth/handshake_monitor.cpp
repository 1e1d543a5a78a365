#include "auth/handshake_monitor.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <zmq_addon.hpp>

namespace mamori {

namespace {

constexpr int kEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                        ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                        ZMQ_EVENT_MONITOR_STOPPED;
// With a budget: the connections to watch (the event's value is the descriptor).
constexpr int kConnectionEvents = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED;
// How often a budget is checked: a flood on loopback moves megabytes in this time, which
// the budget's documented memory bound accounts for.
constexpr auto kBudgetCheck = std::chrono::milliseconds(5);

// libzmq's ZMQ_PROTOCOL_ERROR_* codes, in words an operator can act on.
std::string protocolReason(uint32_t code) {
  switch (code) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
      return "it offered another security mechanism, e.g. a plain ZeroMQ client";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
      return "its handshake does not decrypt: was it given another server key?";
    case ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND:
    case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE:
      return "it sent the handshake out of order";
    case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE:
      return "the key exchange failed";
    case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA:
      return "it sent malformed metadata";
    default:
      break;
  }
  if (code >= ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED &&
      code <= ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME) {
    return "it sent a malformed handshake command";
  }
  if ((code & 0xf0000000u) == ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED) {
    return fmt::format("the ZAP handler failed (protocol error {:#x})", code);
  }
  return fmt::format("ZMTP protocol error {:#x}", code);
}

std::string monitorEndpoint(const void* self) { return fmt::format("inproc://mamori-handshake-monitor-{}", self); }

}  // namespace

HandshakeMonitor::HandshakeMonitor(zmq::context_t& context, zmq::socket_t& socket, std::string label, Log log,
                                   std::optional<PeerBudget> budget)
    : monitored_(socket.handle()),
      monitor_(context, zmq::socket_type::pair),
      label_(std::move(label)),
      log_(log),
      curve_(socket.get(zmq::sockopt::mechanism) == ZMQ_CURVE) {
  if (budget) budget_.emplace(*budget);
  const int events = budget_ ? kEvents | kConnectionEvents : kEvents;
  if (zmq_socket_monitor(monitored_, monitorEndpoint(this).c_str(), events) != 0) throw zmq::error_t();
  if (budget_) monitor_.set(zmq::sockopt::rcvtimeo, static_cast<int>(kBudgetCheck.count()));
  monitor_.connect(monitorEndpoint(this));
  thread_ = std::thread([this] { serve(); });
}

HandshakeMonitor::~HandshakeMonitor() {
  // libzmq sends MONITOR_STOPPED before closing its end, which ends serve(); a blocking
  // event send of libzmq's could otherwise wait forever on a reader that is gone.
  zmq_socket_monitor(monitored_, nullptr, 0);
  thread_.join();
}

HandshakeMonitor::Counters HandshakeMonitor::counters() const {
  constexpr auto relaxed = std::memory_order_relaxed;
  return Counters{succeeded_.load(relaxed), failed_protocol_.load(relaxed), failed_auth_.load(relaxed),
                  cut_off_.load(relaxed), full_.load(relaxed)};
}

void HandshakeMonitor::serve() {
  std::vector<zmq::message_t> parts;
  auto checked = std::chrono::steady_clock::now();
  while (true) {
    if (budget_ && std::chrono::steady_clock::now() - checked >= kBudgetCheck) {
      cutOffOverBudget();
      checked = std::chrono::steady_clock::now();
    }
    parts.clear();
    try {
      if (!zmq::recv_multipart(monitor_, std::back_inserter(parts))) continue;  // the budget's time
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return;  // ETERM
    }
    // Version 1 events: (u16 event, u32 value), then the endpoint.
    if (parts.empty() || parts[0].size() != 6) continue;
    uint16_t event = 0;
    uint32_t value = 0;
    std::memcpy(&event, parts[0].data(), sizeof event);
    std::memcpy(&value, static_cast<const char*>(parts[0].data()) + sizeof event, sizeof value);
    constexpr auto relaxed = std::memory_order_relaxed;
    switch (event) {
      case ZMQ_EVENT_MONITOR_STOPPED:
        return;
      case ZMQ_EVENT_ACCEPTED:
        accepted(static_cast<int>(value));
        break;
      case ZMQ_EVENT_DISCONNECTED:
        disconnected(static_cast<int>(value));
        break;
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        succeeded_.fetch_add(1, relaxed);
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        ++failures_closing_;  // libzmq closes it (the peer has not): its disconnect comes next
        failed_auth_.fetch_add(1, relaxed);  // the ZAP handler logged it, with the key
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        ++failures_closing_;
        [[fallthrough]];
      case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        // Logged before counted: whoever sees the count sees the line too.
        if (log_ == Log::ProtocolFailures) logProtocolFailure(event, value);
        failed_protocol_.fetch_add(1, relaxed);
        break;
      default:
        break;
    }
  }
}

void HandshakeMonitor::logProtocolFailure(uint16_t event, uint32_t value) {
  bool protocol = event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
  auto held_back = (protocol ? protocol_log_ : closed_log_).admit();
  if (!held_back) return;
  // Without detail, the value is the errno of the connection's end.
  std::string reason = protocol ? protocolReason(value)
                                : fmt::format("it closed or broke the connection during the handshake: {}",
                                              std::generic_category().message(static_cast<int>(value)));
  std::string more = *held_back ? fmt::format("; {} more like it not shown", *held_back) : "";
  fmt::print(stderr, "mamori: {}: refused a connection that {} ({}{})\n", label_,
             curve_ ? "does not speak CURVE" : "failed the ZeroMQ handshake", reason, more);
  std::fflush(stderr);
}

void HandshakeMonitor::accepted(int fd) {
  const std::optional<std::string> refused = budget_->accepted(fd, std::chrono::steady_clock::now());
  if (!refused) return;
  // Logged before counted, as below.
  if (auto held_back = full_log_.admit()) {
    std::string more = *held_back ? fmt::format("; {} more like it not shown", *held_back) : "";
    fmt::print(stderr, "mamori: {}: refused a connection from {}: {} are open already, the most allowed{}\n", label_,
               *refused, budget_->maxConnections(), more);
    std::fflush(stderr);
  }
  full_.fetch_add(1, std::memory_order_relaxed);
}

void HandshakeMonitor::disconnected(int fd) {
  const std::optional<std::string> cut = budget_->closed(fd);
  if (!cut) return;
  if (failures_closing_ > 0) {
    --failures_closing_;  // the failed handshake's own close, counted already
    return;
  }
  // Logged before counted, as below.
  if (auto held_back = broken_log_.admit()) {
    std::string more = *held_back ? fmt::format("; {} more like it not shown", *held_back) : "";
    fmt::print(stderr, "mamori: {}: disconnected {}: it broke the ZeroMQ protocol after its handshake (a frame over "
               "the size limit or a malformed one){}\n", label_, *cut, more);
    std::fflush(stderr);
  }
  failed_protocol_.fetch_add(1, std::memory_order_relaxed);
}

void HandshakeMonitor::cutOffOverBudget() {
  for (const std::string& peer : budget_->check(std::chrono::steady_clock::now())) {
    // Logged before counted, as above.
    if (auto held_back = cut_off_log_.admit()) {
      std::string more = *held_back ? fmt::format("; {} more like it not shown", *held_back) : "";
      fmt::print(stderr, "mamori: {}: disconnected {}: it sent more than a subscriber needs (a subscription flood or "
                 "garbage{})\n", label_, peer, more);
      std::fflush(stderr);
    }
    cut_off_.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace mamori
