#include "alerting/bus_publisher.h"


#include <cerrno>
#include <stdexcept>
#include <string_view>

#include "auth/address_text.h"
#include "auth/curve_socket.h"
#include "auth/loopback_endpoint.h"

namespace mamori {

BusPublisher::BusPublisher(const std::string& endpoint, const BusPublisherOptions& options)
    : context_(1), socket_(context_, zmq::socket_type::xpub) {
  if (!options.security && !isLoopbackEndpoint(endpoint)) {
    throw std::runtime_error("bus endpoint '" + endpoint +
                             "' is reachable from other machines: such a bus must authenticate its subscribers (CURVE)");
  }
  if (options.security) {
    zap_ = std::make_unique<ZapAuthenticator>(context_);
    zap_->allow(kZapDomain, options.security->subscribers);
    makeCurveServer(socket_, options.security->server, kZapDomain);
    monitor_ = std::make_unique<HandshakeMonitor>(context_, socket_, "bus");
  }
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

BusPublisher::~BusPublisher() = default;

BusPublisher::Refused BusPublisher::refused() const {
  if (!zap_) return {};
  return Refused{zap_->counters(kZapDomain).refused, monitor_->counters().failed_protocol};
}

void BusPublisher::publish(EventKind kind, const std::string& json) {
  if (++sends_since_read_ >= kReadSubscriptionsEvery) readSubscriptions();
  std::string_view topic = eventKindName(kind);
  if (!socket_.send(zmq::const_buffer(topic.data(), topic.size()),
                    zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // XPUB takes a multipart message whole once its first frame is in, so the body
  // cannot be refused here.
  socket_.send(zmq::const_buffer(json.data(), json.size()), zmq::send_flags::dontwait);
  sent_.fetch_add(1, std::memory_order_relaxed);
}

void BusPublisher::readSubscriptions() {
  sends_since_read_ = 0;
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
