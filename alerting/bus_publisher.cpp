#include "alerting/bus_publisher.h"


#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "auth/address_text.h"
#include "auth/curve_socket.h"
#include "auth/loopback_endpoint.h"

namespace mamori {

BusPublisher::BusPublisher(const std::string& endpoint, const BusPublisherOptions& options)
    : context_(1), socket_(context_, zmq::socket_type::xpub), linger_(options.linger) {
  if (!options.security && !isLoopbackEndpoint(endpoint)) {
    throw std::runtime_error("bus endpoint '" + endpoint +
                             "' is reachable from other machines: such a bus must authenticate its subscribers (CURVE)");
  }
  if (options.security) {
    zap_ = std::make_unique<ZapAuthenticator>(context_);
    zap_->allow(kZapDomain, options.security->subscribers);
    makeCurveServer(socket_, options.security->server, kZapDomain);
  }
  monitor_ = std::make_unique<HandshakeMonitor>(context_, socket_, "bus", HandshakeMonitor::Log::ProtocolFailures,
                                                PeerBudget{kSubscriberBudget.burst_bytes,
                                                           kSubscriberBudget.bytes_per_second, options.max_subscribers});
  socket_.set(zmq::sockopt::maxmsgsize, kMaxSubscriberMessage);
  socket_.set(zmq::sockopt::xpub_verboser, 1);
  socket_.set(zmq::sockopt::xpub_nodrop, 0);
  socket_.set(zmq::sockopt::sndhwm, options.send_hwm);
  socket_.set(zmq::sockopt::linger, static_cast<int>(options.linger.count()));
  socket_.set(zmq::sockopt::ipv6, 1);
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind bus endpoint '" + endpoint + "': " + e.what());
  }
  endpoint_ = printableEndpoint(socket_.get(zmq::sockopt::last_endpoint));
}

BusPublisher::~BusPublisher() {
  // A subscriber whose queue is full when the last marker goes out loses it, and libzmq
  // does not say when the queue has room again (XPUB_NODROP ignores a queue that already
  // overflowed). So the last marker is sent again for a while: the copy that lands in the
  // queue once the subscriber has caught up tells it the end of the run, and the copies
  // before and after it change nothing. That time comes out of the linger.
  const auto start = std::chrono::steady_clock::now();
  sendMarker();
  readSubscriptions();
  while (subscriptions_ > 0 && std::chrono::steady_clock::now() - start < std::min<std::chrono::milliseconds>(linger_, kLastMarkerRepeat)) {
    std::this_thread::sleep_for(kLastMarkerRepeatEvery);
    sendMarker();
    readSubscriptions();
  }
  auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  socket_.set(zmq::sockopt::linger, static_cast<int>(std::max<int64_t>(0, (linger_ - spent).count())));
}

BusPublisher::Refused BusPublisher::refused() const {
  const HandshakeMonitor::Counters h = monitor_->counters();
  return Refused{zap_ ? zap_->counters(kZapDomain).refused : 0, h.failed_protocol, h.cut_off, h.full};
}

void BusPublisher::publish(EventKind kind, const std::string& json) { send(kind, eventKindName(kind), json); }

void BusPublisher::publishApp(std::string_view event_type, const std::string& json) {
  send(EventKind::App, event_type, json);
}

void BusPublisher::send(EventKind kind, std::string_view topic, const std::string& json) {
  readSubscriptions();
  if (marker_due_ && (sent() == 0 || std::chrono::steady_clock::now() - last_marker_ >= kMarkerInterval)) {
    sendMarker();
  }
  // Without XPUB_NODROP a send is never refused: a full subscriber queue drops the
  // message for that subscriber, and the markers account for it.
  socket_.send(zmq::const_buffer(topic.data(), topic.size()), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket_.send(zmq::const_buffer(json.data(), json.size()), zmq::send_flags::dontwait);
  if (kind == EventKind::App) {
    // Plug-in protocols are few: a short list, looked up linearly.
    auto it = std::find_if(app_published_.begin(), app_published_.end(), [&](const auto& p) { return p.first == topic; });
    if (it == app_published_.end()) it = app_published_.insert(app_published_.end(), {std::string(topic), 0});
    ++it->second;
  } else {
    ++published_[static_cast<size_t>(kind)];
  }
  marker_due_ = true;
  sent_.fetch_add(1, std::memory_order_relaxed);
}

void BusPublisher::flush() {
  readSubscriptions();
  if (marker_due_ && std::chrono::steady_clock::now() - last_marker_ >= kMarkerInterval) sendMarker();
}

void BusPublisher::sendMarker() {
  std::string json = R"({"event_type":"bus","published":{)";
  for (EventKind kind : kEventKinds) {
    if (kind == EventKind::App) continue;  // counted by each protocol's own topic below
    if (json.back() != '{') json += ',';
    json += fmt::format(R"("{}":{})", eventKindName(kind), published_[static_cast<size_t>(kind)]);
  }
  for (const auto& [topic, count] : app_published_) json += fmt::format(R"(,"{}":{})", topic, count);
  json += "}}";
  const std::string_view topic = kMarkerTopic;
  socket_.send(zmq::const_buffer(topic.data(), topic.size()), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  socket_.send(zmq::const_buffer(json.data(), json.size()), zmq::send_flags::dontwait);
  marker_due_ = false;
  last_marker_ = std::chrono::steady_clock::now();
}

void BusPublisher::readSubscriptions() {
  zmq::message_t msg;
  while (socket_.recv(msg, zmq::recv_flags::dontwait)) {
    if (msg.size() == 0) continue;
    auto first = *static_cast<const uint8_t*>(msg.data());
    if (first == 1) {
      ++subscriptions_;
    } else if (first == 0 && subscriptions_ > 0) {
      --subscriptions_;
    }
  }
}

size_t BusPublisher::subscribers() {
  readSubscriptions();
  return subscriptions_;
}

bool BusPublisher::waitForSubscribers(size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    readSubscriptions();
    if (subscriptions_ >= n) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    zmq_pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, left);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
  }
}

}  // namespace mamori
