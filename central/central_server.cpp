#include "central/central_server.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "alerting/eve_incident_reader.h"
#include "auth/address_text.h"
#include "auth/curve_socket.h"
#include "correlate/correlation_event.h"
#include "correlate/correlation_rule_parser.h"
#include "correlate/eve_time.h"

namespace mamori {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kSensorPrefix = "sensor:";
constexpr std::string_view kAuthorPrefix = "author:";

// A string member of a parsed record; "" when absent or not a string.
std::string_view member(const rapidjson::Value& record, const char* name) {
  if (!record.IsObject()) return {};
  auto it = record.FindMember(name);
  return it != record.MemberEnd() && it->value.IsString()
             ? std::string_view(it->value.GetString(), it->value.GetStringLength())
             : std::string_view();
}

// A message property libzmq attached at the handshake ("User-Id", "Peer-Address"); "" when
// absent.
std::string property(const zmq::message_t& frame, const char* name) {
  const char* value = zmq_msg_gets(const_cast<zmq_msg_t*>(frame.handle()), name);
  return value ? value : "";
}

CorrelationRuleSet centralRules(const CentralOptions& options) {
  CorrelationRuleParser parser;
  if (!options.central_correlation_dir.empty()) parser.addPath(options.central_correlation_dir);
  for (const std::string& path : options.correlation) parser.addPath(path);
  return parser.finish();
}

IncidentManagerConfig stamped(IncidentManagerConfig config, const std::string& name) {
  config.sensor = name;
  return config;
}

}  // namespace

CentralServer::CentralServer(CentralOptions options)
    : options_(std::move(options)),
      incident_store_(IncidentStore::open(options_.store)),
      store_(incident_store_),
      formatter_(options_.name),
      sensors_(std::chrono::milliseconds(5000)),
      manager_(*this, stamped(options_.incidents, options_.name)),
      context_(1),
      zap_(context_),
      router_(context_, zmq::socket_type::router) {
  started_us_ = SensorRegistry::nowUs();
  engine_ = std::make_unique<CorrelationEngine>(centralRules(options_), options_.engine, manager_);

  // The EVE file holds exactly what the store says was stored: cut what a killed central
  // wrote after its last commit (never acknowledged, so the sensors resend it).
  if (!options_.eve.empty()) {
    const uint64_t checkpoint = store_.eveOffset();
    std::error_code ec;
    const auto size = std::filesystem::file_size(options_.eve, ec);
    if (!ec && size > checkpoint) {
      std::filesystem::resize_file(options_.eve, checkpoint, ec);
      if (ec) throw std::runtime_error("cannot cut '" + options_.eve + "' back to its checkpoint: " + ec.message());
      fmt::print(stderr, "mamori: central: cut {} bytes written after the last commit from {}; sensors resend them\n",
                 size - checkpoint, options_.eve);
    } else if (!ec && size < checkpoint) {
      fmt::print(stderr, "mamori: central: {} is shorter than when last committed (rotated or replaced?)\n",
                 options_.eve);
    }
    eve_ = std::make_unique<EveFileWriter>(options_.eve);
  }
  streams_ = store_.streams();

  // The central's own open incidents continue after a restart, as a sensor's do.
  std::vector<Incident> mine;
  for (Incident& inc : incident_store_.loadOpen(options_.name)) {
    if (inc.sensor == options_.name) mine.push_back(std::move(inc));
  }
  for (const Incident* inc : manager_.restore(mine)) {
    engine_->resume(inc->rule, IncidentManager::parseGroupKey(inc->group_key), inc->last_seen);
    now_ = std::max(now_, inc->last_seen);
  }

  std::vector<AllowedKey> peers;
  for (const AllowedPeer& s : options_.sensors) {
    peers.push_back({std::string(kSensorPrefix) + s.name, s.public_key});
    sensors_.add(s.name, keyFingerprint(s.public_key));
  }
  for (const AllowedPeer& a : options_.authors) peers.push_back({std::string(kAuthorPrefix) + a.name, a.public_key});
  zap_.allow("central", peers);

  makeCurveServer(router_, options_.key, "central");
  router_.set(zmq::sockopt::router_mandatory, 1);
  router_.set(zmq::sockopt::maxmsgsize, link::kMaxFrameBytes);
  // Per peer: a sensor keeps at most a window of 1 MB batches in flight, so more queued
  // messages than this are a peer misbehaving, whose further messages libzmq drops.
  router_.set(zmq::sockopt::rcvhwm, 128);
  router_.set(zmq::sockopt::linger, 0);
  router_.set(zmq::sockopt::heartbeat_ivl, 1000);
  router_.set(zmq::sockopt::heartbeat_timeout, 5000);
  router_.set(zmq::sockopt::ipv6, 1);
  monitor_ = std::make_unique<HandshakeMonitor>(context_, router_, "central");
  try {
    router_.bind(options_.listen);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot listen on '" + options_.listen + "': " + e.what());
  }
  endpoint_ = printableEndpoint(router_.get(zmq::sockopt::last_endpoint));

  if (!options_.bus.empty()) {
    BusPublisherOptions bus;
    std::vector<AllowedKey> subscribers;
    for (const AllowedPeer& s : options_.subscribers) subscribers.push_back({"subscriber:" + s.name, s.public_key});
    bus.security = BusSecurity{options_.key, subscribers};
    bus_ = std::make_unique<BusPublisher>(options_.bus, bus);
  }
  distributor_ = std::make_unique<RuleSetDistributor>(
      options_, store_, sensors_, [this](const std::string& id, link::Frames& m) { return send(id, m); });
}

CentralServer::~CentralServer() {
  distributor_.reset();
  monitor_.reset();
  router_.close();
}

bool CentralServer::send(const std::string& routing_id, link::Frames& message) {
  link::Frames framed;
  framed.reserve(message.size() + 1);
  framed.push_back(link::frame(routing_id));
  for (auto& f : message) framed.push_back(std::move(f));
  try {
    return link::send(router_, framed);
  } catch (const zmq::error_t&) {
    return false;  // the peer is gone (EHOSTUNREACH): it links again and is answered then
  }
}

void CentralServer::reply(const std::string& routing_id, std::string_view command, zmq::message_t body) {
  link::Frames m;
  m.push_back(link::frame(command));
  if (body.size()) m.push_back(std::move(body));
  send(routing_id, m);
}

void CentralServer::run() {
  auto next_stats = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options_.stats_interval_s));
  while (!stop_.load()) {
    zmq_pollitem_t item{router_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, std::chrono::milliseconds(50));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
    // A bounded number per pass, so the periodic work below is never starved.
    for (int i = 0; i < 256 && !stop_.load(); ++i) {
      auto message = link::receive(router_);
      if (!message) break;
      dispatch(*message);
    }
    distributor_->poll();
    if (options_.stats_interval_s > 0 && Clock::now() >= next_stats) {
      statsRecord();
      next_stats = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options_.stats_interval_s));
    }
  }
  statsRecord();
  if (bus_) bus_->flush();
}

void CentralServer::dispatch(link::Frames& message) {
  if (message.size() < 2) {
    refused_requests_.fetch_add(1);  // empty, or over the message bounds
    return;
  }
  const std::string routing_id(link::view(message[0]));
  const std::string user = property(message[1], "User-Id");
  const std::string address = plainAddress(property(message[1], "Peer-Address"));
  const std::string_view command = link::view(message[1]);
  const bool is_sensor = user.rfind(kSensorPrefix, 0) == 0;
  const bool is_author = user.rfind(kAuthorPrefix, 0) == 0;
  const std::string name = is_sensor ? user.substr(kSensorPrefix.size()) : is_author ? user.substr(kAuthorPrefix.size()) : "";
  auto json = [&]() { return message.size() >= 3 ? link::readJson(message[2]) : std::nullopt; };
  auto refuseRequest = [&](const std::string& why) {
    refused_requests_.fetch_add(1);
    reply(routing_id, link::cmd::kError, link::JsonFrame().str("reason", why).done());
  };

  if (is_sensor) {
    const auto linked = sensors_.byRoutingId(routing_id);
    if (command == link::cmd::kHello) {
      auto body = json();
      if (!body) return refuseRequest("malformed HELLO");
      onHello(routing_id, name, address, *body);
      return;
    }
    if (!linked || *linked != name) {
      reply(routing_id, link::cmd::kWho, zmq::message_t());
      return;
    }
    sensors_.update(name, [](SensorState& s) { s.last_heard_us = SensorRegistry::nowUs(); });
    if (command == link::cmd::kRecords) {
      onRecords(routing_id, name, message);
    } else if (command == link::cmd::kPing) {
      uint64_t held = 0;
      if (auto it = streams_.find(name); it != streams_.end()) held = it->second.last_seq;
      link::Frames pong;
      pong.push_back(link::frame(link::cmd::kPong));
      pong.push_back(link::u64Frame(held));
      send(routing_id, pong);
    } else if (command == link::cmd::kRuleResult) {
      auto body = json();
      if (!body) return refuseRequest("malformed RULE_RESULT");
      distributor_->onResult(name, *body);
    } else {
      refuseRequest("a sensor may not send " + std::string(command.substr(0, 32)));
    }
    return;
  }
  if (is_author) {
    if (command == link::cmd::kPush) {
      distributor_->onPush(routing_id, name, link::Frames(std::make_move_iterator(message.begin() + 1),
                                                          std::make_move_iterator(message.end())));
    } else if (command == link::cmd::kRollback) {
      auto body = json();
      if (!body) return refuseRequest("malformed ROLLBACK");
      distributor_->onRollback(routing_id, name, *body);
    } else if (command == link::cmd::kStatus) {
      distributor_->onStatus(routing_id);
    } else {
      refused_requests_.fetch_add(1);
      // A sensor's message from an author's key: refused like any, and counted as a refused push.
      reply(routing_id, link::cmd::kRefused,
            link::JsonFrame().str("reason", "this key belongs to rule author '" + name + "', not to a sensor").done());
    }
    return;
  }
  refuseRequest("unknown peer");  // ZAP admits only listed keys; nothing else should get here
}

void CentralServer::onHello(const std::string& routing_id, const std::string& sensor, const std::string& address,
                            const rapidjson::Document& body) {
  const std::string claimed = link::jsonString(body, "sensor");
  const std::string stream = link::jsonString(body, "stream");
  std::string why;
  if (link::jsonUint(body, "protocol") != static_cast<uint64_t>(link::kProtocol)) {
    why = "protocol " + std::to_string(link::jsonUint(body, "protocol")) + " is not " +
          std::to_string(link::kProtocol) + " (upgrade the older side)";
  } else if (claimed != sensor) {
    why = "this key belongs to sensor '" + sensor + "', not '" + claimed.substr(0, 64) + "'";
  } else if (stream.size() != 32) {
    why = "malformed stream id";
  }
  if (!why.empty()) {
    refused_links_.fetch_add(1);
    std::string fingerprint;
    sensors_.update(sensor, [&](SensorState& s) { fingerprint = s.fingerprint; });
    fmt::print(stderr, "mamori: central: refused sensor link from {} (key {}): {}\n", address, fingerprint, why);
    reply(routing_id, link::cmd::kRefused, link::JsonFrame().str("reason", why).done());
    return;
  }
  StreamCheckpoint& position = streams_[sensor];
  if (position.stream != stream) {
    if (!position.stream.empty()) {
      fmt::print(stderr, "mamori: central: sensor '{}' starts a new stream (its spool was reset); was at {}\n", sensor,
                 position.last_seq);
    }
    position = StreamCheckpoint{stream, 0};
  }
  const uint64_t spooled = link::jsonUint(body, "last_seq");
  if (position.last_seq > spooled) {
    // The sensor's spool lost records the central had already stored (a power loss cut
    // it): the numbers it gives out again belong to new records, which must be stored.
    fmt::print(stderr, "mamori: central: sensor '{}' numbers its records from {} again (its spool lost records "
                       "{}..{} that are stored here)\n", sensor, spooled + 1, spooled + 1, position.last_seq);
    position.last_seq = spooled;
  }
  const uint64_t held = position.last_seq;
  const std::string version = link::jsonString(body, "rules_version");
  sensors_.link(sensor, routing_id, address, SensorRegistry::nowUs());
  sensors_.update(sensor, [&](SensorState& s) {
    s.stream = stream;
    s.last_seq = held;
    s.rules_version = version;
  });
  fmt::print(stderr, "mamori: central: sensor '{}' linked from {}; holds its records up to {}\n", sensor, address, held);
  reply(routing_id, link::cmd::kWelcome, link::JsonFrame().str("central", options_.name).num("acked", held).done());
  distributor_->onLinked(sensor, version);
}

void CentralServer::onRecords(const std::string& routing_id, const std::string& sensor, link::Frames& message) {
  auto header = message.size() == 4 ? link::readRecordsHeader(message[2]) : std::nullopt;
  if (!header || header->first_seq == 0 || !link::unpackRecords(message[3], header->count, batch_)) {
    refused_requests_.fetch_add(1);
    reply(routing_id, link::cmd::kError, link::JsonFrame().str("reason", "malformed RECORDS").done());
    return;
  }
  StreamCheckpoint& position = streams_[sensor];
  const StreamCheckpoint before = position;
  const uint64_t eve_before = eveLength();
  const int64_t arrival_us = SensorRegistry::nowUs();
  std::map<EventKind, uint64_t> stored;
  uint64_t duplicates = 0, refused = 0;
  TimeUs newest = 0;
  after_commit_.clear();
  in_batch_ = true;
  try {
    incident_store_.transaction([&] {
      for (uint32_t i = 0; i < header->count; ++i) {
        const uint64_t seq = header->first_seq + i;
        if (seq <= position.last_seq) {
          ++duplicates;
          continue;
        }
        position.last_seq = seq;
        const auto kind = batch_[i].kind;
        const std::string_view json = batch_[i].json;
        // A record is the sensor's own EVE record of the type it claims, or nothing. A fresh
        // document each: a reused one's pool would keep every record's memory.
        rapidjson::Document record;
        record.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
        const std::string_view type = !record.HasParseError() && record.IsObject() ? member(record, "event_type") : "";
        const std::optional<TimeUs> ts = parseEveTime(member(record, "timestamp"));
        if (!kind || type != eventKindName(*kind) || member(record, "host") != sensor || !ts) {
          ++refused;
          continue;
        }
        std::string line(json);
        if (eve_) eve_->publish(*kind, line);
        if (*kind == EventKind::Incident) {
          if (auto incident = incidentFromEve(json)) {
            incident->sensor = sensor;
            incident_store_.save(*incident);
          }
        }
        // Stats and SSH records are stored and passed on; the rules read the others.
        if (auto event = CorrelationEvent::fromEve(record)) engine_->onEvent(*event);
        newest = std::max(newest, *ts);
        ++stored[*kind];
        after_commit_.emplace_back(*kind, std::move(line));
      }
      now_ = std::max(now_, newest);
      engine_->advance(now_);
      manager_.advance(now_);
      if (eve_) eve_->flush();
      store_.saveCheckpoint(eveLength(), {{sensor, position}});
    });
  } catch (const std::exception& e) {
    in_batch_ = false;
    store_failures_.fetch_add(1);
    position = before;
    cutEveBackTo(eve_before);
    fmt::print(stderr, "mamori: central: cannot store a batch of sensor '{}' ({}); it will be resent\n", sensor,
               e.what());
    return;
  }
  in_batch_ = false;
  link::Frames ack;
  ack.push_back(link::frame(link::cmd::kAck));
  ack.push_back(link::u64Frame(position.last_seq));
  send(routing_id, ack);
  for (const auto& [kind, json] : after_commit_) publishLive(kind, json);
  after_commit_.clear();

  uint64_t total = 0;
  for (const auto& [kind, n] : stored) total += n;
  records_.fetch_add(total);
  duplicates_.fetch_add(duplicates);
  refused_records_.fetch_add(refused);
  batches_.fetch_add(1);
  incidents_open_.store(manager_.openIncidents());
  sensors_.update(sensor, [&](SensorState& s) {
    for (const auto& [kind, n] : stored) s.records[kind] += n;
    s.duplicates += duplicates;
    s.refused_records += refused;
    s.last_seq = position.last_seq;
    if (newest > 0) {
      s.last_record_ts = std::max(s.last_record_ts, newest);
      s.lag_seconds = (arrival_us - newest) / 1e6;
    }
  });
  if (refused) {
    fmt::print(stderr, "mamori: central: refused {} record(s) of sensor '{}' that were not its EVE records\n", refused,
               sensor);
  }
}

void CentralServer::onIncident(const Incident& incident) {
  if (incident.state == IncidentState::Open) incidents_.fetch_add(1);
  const std::string json = formatter_.formatIncident(incident);
  if (eve_) eve_->publish(EventKind::Incident, json);
  if (in_batch_) {
    incident_store_.save(incident);  // a failure rolls back the whole batch
    after_commit_.emplace_back(EventKind::Incident, json);
  } else {
    incident_store_.onIncident(incident);
    publishLive(EventKind::Incident, json);
  }
}

uint64_t CentralServer::eveLength() const {
  if (!eve_) return 0;
  std::error_code ec;
  const auto size = std::filesystem::file_size(options_.eve, ec);
  return ec ? 0 : size;
}

void CentralServer::cutEveBackTo(uint64_t length) {
  if (!eve_) return;
  // What the failed batch buffered must not reach the file either.
  eve_->discard();
  std::error_code ec;
  std::filesystem::resize_file(options_.eve, length, ec);
  if (ec) fmt::print(stderr, "mamori: central: cannot cut {} back: {}\n", options_.eve, ec.message());
}

void CentralServer::statsRecord() {
  std::vector<std::pair<std::string, uint64_t>> stats;
  const CentralCounters c = counters();
  const int64_t now = SensorRegistry::nowUs();
  stats.emplace_back("central.sensors_connected", sensors_.connected(now).size());
  stats.emplace_back("central.records", c.records);
  stats.emplace_back("central.duplicates", c.duplicates);
  stats.emplace_back("central.refused_records", c.refused_records);
  stats.emplace_back("central.refused_links", c.refused_links);
  stats.emplace_back("central.refused_requests", c.refused_requests);
  const HandshakeMonitor::Counters h = monitor_->counters();
  stats.emplace_back("central.refused_connections", h.failed_auth + h.failed_protocol);
  stats.emplace_back("central.store_failures", c.store_failures);
  stats.emplace_back("central.incidents", c.incidents);
  stats.emplace_back("central.rules_version", distributor_->currentSequence());
  const TimeUs ts = now_ ? now_ : TimeUs(now);
  const std::string json = formatter_.formatStats(ts, (now - started_us_) / 1000000, stats);
  if (eve_) {
    eve_->publish(EventKind::Stats, json);
    eve_->flush();
    try {
      incident_store_.transaction([&] { store_.saveCheckpoint(eveLength(), {}); });
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: central: {}\n", e.what());
    }
  }
  publishLive(EventKind::Stats, json);
}

void CentralServer::publishLive(EventKind kind, const std::string& json) {
  if (bus_) bus_->publish(kind, json);
  for (EventOutput* out : live_) out->publish(kind, json);
}

CentralCounters CentralServer::counters() const {
  CentralCounters c;
  c.records = records_.load();
  c.duplicates = duplicates_.load();
  c.refused_records = refused_records_.load();
  c.refused_links = refused_links_.load();
  c.refused_requests = refused_requests_.load();
  c.batches = batches_.load();
  c.store_failures = store_failures_.load();
  c.incidents = incidents_.load();
  return c;
}

std::vector<MetricSample> CentralServer::metrics() const {
  std::vector<MetricSample> out;
  auto add = [&out](std::string name, const char* help, MetricSample::Type type,
                    std::vector<std::pair<std::string, std::string>> labels, double value) {
    out.push_back(MetricSample{std::move(name), help, type, std::move(labels), value});
  };
  using T = MetricSample;
  const int64_t now = SensorRegistry::nowUs();
  const auto sensors = sensors_.snapshot();
  size_t connected = 0;
  for (const SensorState& s : sensors) {
    const bool up = s.connected(now, sensors_.silence());
    connected += up;
    add("mamori_central_sensor_up", "1 while the sensor's link is up and heard from", T::Gauge, {{"sensor", s.name}}, up);
    for (const auto& [kind, n] : s.records) {
      add("mamori_central_records_total", "Records stored, by sensor and event type", T::Counter,
          {{"sensor", s.name}, {"type", eventKindName(kind)}}, double(n));
    }
    add("mamori_central_duplicate_records_total", "Resent records that were already stored", T::Counter,
        {{"sensor", s.name}}, double(s.duplicates));
    add("mamori_central_refused_records_total", "Records refused: not EVE, or naming another host", T::Counter,
        {{"sensor", s.name}}, double(s.refused_records));
    if (s.last_heard_us) {
      add("mamori_central_sensor_last_seen_seconds", "Seconds since the sensor was last heard from", T::Gauge,
          {{"sensor", s.name}}, (now - s.last_heard_us) / 1e6);
    }
    if (s.last_record_ts) {
      add("mamori_central_sensor_lag_seconds", "Arrival time minus record time of the sensor's newest record",
          T::Gauge, {{"sensor", s.name}}, s.lag_seconds);
    }
    add("mamori_central_sensor_rules_version", "Sequence number of the pushed rule set the sensor runs (0: its own files)",
        T::Gauge, {{"sensor", s.name}}, double(RuleSetPackage::versionSequence(s.rules_version)));
    add("mamori_central_sensor_links_total", "Links the sensor established (reconnects show here)", T::Counter,
        {{"sensor", s.name}}, double(s.links));
  }
  add("mamori_central_sensors_connected", "Sensors linked and heard from", T::Gauge, {}, double(connected));
  const CentralCounters c = counters();
  const HandshakeMonitor::Counters h = monitor_->counters();
  add("mamori_central_refused_connections_total", "Connections refused at the handshake or at HELLO", T::Counter,
      {{"reason", "key"}}, double(h.failed_auth));
  add("mamori_central_refused_connections_total", "", T::Counter, {{"reason", "protocol"}}, double(h.failed_protocol));
  add("mamori_central_refused_connections_total", "", T::Counter, {{"reason", "hello"}}, double(c.refused_links));
  add("mamori_central_refused_requests_total", "Messages a peer may not send, or that could not be read", T::Counter,
      {}, double(c.refused_requests));
  const RuleSetDistributorCounters d = distributor_->counters();
  add("mamori_central_pushes_total", "Rule set pushes and rollbacks sent to sensors", T::Counter,
      {{"result", "accepted"}}, double(d.accepted));
  add("mamori_central_refused_pushes_total", "Pushes refused by the central", T::Counter, {{"reason", "rules"}},
      double(d.refused_rules));
  add("mamori_central_refused_pushes_total", "", T::Counter, {{"reason", "malformed"}}, double(d.refused_malformed));
  add("mamori_central_refused_pushes_total", "", T::Counter, {{"reason", "unknown_version"}}, double(d.refused_unknown));
  add("mamori_central_sensor_rule_results_total", "Pushed rule sets sensors reported on", T::Counter,
      {{"result", "ok"}}, double(d.sensor_ok));
  add("mamori_central_sensor_rule_results_total", "", T::Counter, {{"result", "refused"}}, double(d.sensor_refused));
  add("mamori_central_rules_version", "Sequence number of the current rule set (0: none pushed)", T::Gauge, {},
      double(distributor_->currentSequence()));
  add("mamori_central_batches_total", "Record batches stored", T::Counter, {}, double(c.batches));
  add("mamori_central_store_failures_total", "Batches the store could not commit (resent by their sensor)", T::Counter,
      {}, double(c.store_failures));
  add("mamori_central_incidents_total", "Incidents the central's correlation raised", T::Counter, {},
      double(c.incidents));
  add("mamori_central_incidents_open", "The central's own incidents open now", T::Gauge, {},
      double(incidents_open_.load()));
  if (bus_) {
    add("mamori_central_bus_messages_total", "Records published on the central's bus", T::Counter, {},
        double(bus_->sent()));
    const BusPublisher::Refused refused = bus_->refused();
    add("mamori_central_bus_refused_connections_total", "Subscribers turned away or cut off by the central's bus",
        T::Counter, {{"reason", "key"}}, double(refused.key));
    add("mamori_central_bus_refused_connections_total", "", T::Counter, {{"reason", "protocol"}},
        double(refused.protocol));
    add("mamori_central_bus_refused_connections_total", "", T::Counter, {{"reason", "flood"}}, double(refused.flood));
    add("mamori_central_bus_refused_connections_total", "", T::Counter, {{"reason", "full"}}, double(refused.full));
  }
  return out;
}

}  // namespace mamori
