#include "alerting/bus_subscriber.h"

#include <cerrno>
#include <iterator>
#include <string_view>
#include <stdexcept>
#include <vector>

#include <zmq_addon.hpp>

#include "alerting/bus_publisher.h"

namespace mamori {

BusSubscriber::BusSubscriber(const std::optional<CurveClientKeys>& curve, int receive_hwm)
    : context_(1), socket_(context_, zmq::socket_type::sub) {
  if (curve) {
    makeCurveClient(socket_, *curve);
    monitor_ = std::make_unique<HandshakeMonitor>(context_, socket_, "bus", HandshakeMonitor::Log::Nothing);
  }
  socket_.set(zmq::sockopt::rcvhwm, receive_hwm);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::ipv6, 1);
}

void BusSubscriber::connect(const std::string& endpoint) {
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot connect to bus endpoint '" + endpoint + "': " +
                             e.what());
  }
}

void BusSubscriber::subscribe(const std::string& prefix) {
  socket_.set(zmq::sockopt::subscribe, prefix);
  gaps_.subscribe(prefix);
  if (!marker_subscribed_ && !std::string_view(BusPublisher::kMarkerTopic).starts_with(prefix)) {
    socket_.set(zmq::sockopt::subscribe, BusPublisher::kMarkerTopic);
    marker_subscribed_ = true;
  }
}

HandshakeMonitor::Counters BusSubscriber::handshakes() const {
  return monitor_ ? monitor_->counters() : HandshakeMonitor::Counters{};
}

std::optional<std::pair<std::string, std::string>> BusSubscriber::receive(
    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<zmq::message_t> parts;
  while (true) {
    parts.clear();
    if (zmq::recv_multipart(socket_, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
      if (parts.size() != 2) continue;
      std::string topic = parts[0].to_string();
      if (topic == BusPublisher::kMarkerTopic) {
        gaps_.marker(parts[1].to_string_view());
        continue;
      }
      gaps_.received(topic);
      return std::make_pair(std::move(topic), parts[1].to_string());
    }
    auto left = std::chrono::milliseconds(-1);
    if (timeout.count() >= 0) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return std::nullopt;
    }
    zmq_pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, left) == 0) return std::nullopt;
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return std::nullopt;
      throw;
    }
  }
}

}  // namespace mamori
