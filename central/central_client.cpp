#include "central/central_client.h"

#include <algorithm>
#include <stdexcept>

#include "auth/curve_socket.h"
#include "uplink/link_protocol.h"

namespace mamori {

CentralClient::CentralClient(const CentralClientOptions& options) : context_(1), socket_(context_, zmq::socket_type::dealer) {
  makeCurveClient(socket_, CurveClientKeys{options.server_key, options.key});
  socket_.set(zmq::sockopt::linger, 2000);
  socket_.set(zmq::sockopt::maxmsgsize, link::kMaxFrameBytes);
  socket_.set(zmq::sockopt::ipv6, 1);
  try {
    socket_.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot connect to '" + options.endpoint + "': " + e.what());
  }
}

std::optional<std::vector<zmq::message_t>> CentralClient::await(const std::vector<std::string_view>& commands,
                                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    while (auto m = link::receive(socket_)) {
      if (m->empty()) continue;
      if (std::find(commands.begin(), commands.end(), link::view((*m)[0])) != commands.end()) return std::move(*m);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    zmq_pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::min(left, std::chrono::milliseconds(200)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
      return std::nullopt;
    }
  }
}

std::optional<PushAnswer> CentralClient::answer(std::chrono::milliseconds timeout) {
  auto m = await({link::cmd::kPushAccepted, link::cmd::kPushRefused, link::cmd::kError}, timeout);
  if (!m) return std::nullopt;
  PushAnswer a;
  auto body = m->size() >= 2 ? link::readJson((*m)[1]) : std::nullopt;
  const std::string_view command = link::view((*m)[0]);
  if (!body) {
    a.errors.push_back("the central's answer could not be read");
    return a;
  }
  if (command == link::cmd::kPushAccepted) {
    a.accepted = true;
    a.version = link::jsonString(*body, "version");
    a.sensors = link::jsonStrings(*body, "sensors");
    a.offline = link::jsonStrings(*body, "offline");
  } else if (command == link::cmd::kPushRefused) {
    a.errors = link::jsonStrings(*body, "errors");
  } else {
    a.errors.push_back(link::jsonString(*body, "reason"));
  }
  return a;
}

std::optional<PushAnswer> CentralClient::push(const RuleSetPackage& package, std::chrono::milliseconds timeout) {
  link::Frames m;
  m.push_back(link::frame(link::cmd::kPush));
  m.push_back(link::JsonFrame().str("comment", package.comment).done());
  link::appendFiles(m, package);
  // The socket queues the request until the connection is up, so a slow handshake is no failure.
  for (size_t i = 0; i < m.size(); ++i) {
    socket_.send(m[i], i + 1 < m.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
  return answer(timeout);
}

std::optional<PushAnswer> CentralClient::rollback(const std::string& version, const std::string& comment,
                                                  std::chrono::milliseconds timeout) {
  socket_.send(link::frame(link::cmd::kRollback), zmq::send_flags::sndmore);
  socket_.send(link::JsonFrame().str("version", version).str("comment", comment).done(), zmq::send_flags::none);
  return answer(timeout);
}

std::optional<SensorOutcome> CentralClient::nextOutcome(std::chrono::milliseconds timeout) {
  auto m = await({link::cmd::kPushResult}, timeout);
  if (!m || m->size() < 2) return std::nullopt;
  auto body = link::readJson((*m)[1]);
  if (!body) return std::nullopt;
  SensorOutcome o;
  o.sensor = link::jsonString(*body, "sensor");
  o.version = link::jsonString(*body, "version");
  o.result = link::jsonString(*body, "result");
  o.rules_loaded = link::jsonUint(*body, "rules_loaded");
  o.build_seconds = link::jsonDouble(*body, "build_seconds");
  o.errors = link::jsonStrings(*body, "errors");
  return o;
}

std::optional<rapidjson::Document> CentralClient::status(std::chrono::milliseconds timeout) {
  socket_.send(link::frame(link::cmd::kStatus), zmq::send_flags::none);
  auto m = await({link::cmd::kStatusReply}, timeout);
  if (!m || m->size() < 2) return std::nullopt;
  return link::readJson((*m)[1]);
}

}  // namespace mamori
