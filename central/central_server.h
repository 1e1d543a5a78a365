#pragma once
// CentralServer: `mamori central`, the GSOC's central. Sensors and rule authors connect to
// its ROUTER socket with CURVE; ZAP admits only the keys on its allowlists and tells the
// server who each peer is (User-Id "sensor:NAME" / "author:NAME"), so identity never comes
// from what a peer says. Subscribers read its XPUB bus, also with allowlisted keys.
//
// Consumes: sensors' HELLO / RECORDS / PING / RULE_RESULT, authors' PUSH / ROLLBACK /
// STATUS (uplink/link_protocol.h). Produces, per sensor batch, in this order: the records
// as the sensor sent them in the merged EVE file, its incidents (and the central's own) in
// the incident store keyed by sensor, the checkpoint (stream position and EVE length) in
// the same transaction, the acknowledgement, then the records on the bus. So a record is in
// the store and the EVE file exactly once even when the central is killed mid-batch: at
// start-up the EVE file is cut back to the checkpoint and the sensors resend the rest.
//
// Correlation across sensors: every record the central stores is also a CorrelationEvent
// (read back from its EVE JSON) for the central's own rules (correlate/rules/central: the
// same source raising incidents at several sensors, one indicator seen from several
// organisations). Packet time is the newest record time any sensor sent: sensors on live
// taps share the wall clock, so their records arrive roughly in time order, and a slightly
// late one still joins its window.
//
// One thread runs everything on the sockets (run()); rule sets compile on the
// distributor's thread; metrics() and counters may be read from any thread.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "alerting/bus_publisher.h"
#include "alerting/eve_file_writer.h"
#include "alerting/eve_formatter.h"
#include "alerting/incident_store.h"
#include "alerting/metrics_exporter.h"
#include "auth/handshake_monitor.h"
#include "auth/zap_authenticator.h"
#include "central/central_options.h"
#include "central/central_store.h"
#include "central/rule_set_distributor.h"
#include "central/sensor_registry.h"
#include "correlate/correlation_engine.h"
#include "correlate/incident_manager.h"
#include "uplink/link_protocol.h"

namespace mamori {

struct CentralCounters {
  uint64_t records = 0;          // stored
  uint64_t duplicates = 0;       // resent records already stored
  uint64_t refused_records = 0;  // not EVE, or naming another host
  uint64_t refused_links = 0;    // HELLOs refused (name, protocol, not a sensor key)
  uint64_t refused_requests = 0; // messages a peer may not send or that could not be read
  uint64_t batches = 0;
  uint64_t store_failures = 0;   // batches the store could not commit (not acknowledged: resent)
  uint64_t incidents = 0;        // incidents the central raised (opened)
};

class CentralServer final : private IncidentSink {
 public:
  // Opens the store (recovering the checkpoint), the EVE file, the sockets and the bus.
  // Throws std::runtime_error naming what failed.
  explicit CentralServer(CentralOptions options);
  ~CentralServer() override;
  CentralServer(const CentralServer&) = delete;
  CentralServer& operator=(const CentralServer&) = delete;

  // Serves until stop(); then closes the central's incidents' windows are kept (open
  // incidents stay open in the store for the next start).
  void run();
  void stop() { stop_.store(true); }  // async-signal-safe

  const std::string& endpoint() const { return endpoint_; }
  std::string busEndpoint() const { return bus_ ? bus_->endpoint() : ""; }
  std::vector<MetricSample> metrics() const;  // thread-safe
  // Also hands `out` what the bus gets (each record once stored, the central's incidents
  // and stats), on the central's thread; before run().
  void addLiveOutput(EventOutput* out) { live_.push_back(out); }
  // What the central knows of its sensors' links; thread-safe snapshots.
  const SensorRegistry& sensors() const { return sensors_; }
  CentralCounters counters() const;           // thread-safe

 private:
  void onIncident(const Incident& incident) override;
  void dispatch(link::Frames& message);
  void onHello(const std::string& routing_id, const std::string& sensor, const std::string& address,
               const rapidjson::Document& body);
  void onRecords(const std::string& routing_id, const std::string& sensor, link::Frames& message);
  bool send(const std::string& routing_id, link::Frames& message);
  void reply(const std::string& routing_id, std::string_view command, zmq::message_t body);
  void statsRecord();
  // The store and EVE file agree up to here: the EVE file's length.
  uint64_t eveLength() const;
  void cutEveBackTo(uint64_t length);

  CentralOptions options_;
  std::atomic<bool> stop_{false};
  IncidentStore incident_store_;
  CentralStore store_;
  std::unique_ptr<EveFileWriter> eve_;
  EveFormatter formatter_;
  SensorRegistry sensors_;
  std::map<std::string, StreamCheckpoint> streams_;  // by sensor, as committed
  IncidentManager manager_;
  std::unique_ptr<CorrelationEngine> engine_;
  TimeUs now_ = 0;  // the newest record time seen

  zmq::context_t context_;
  ZapAuthenticator zap_;
  zmq::socket_t router_;
  std::unique_ptr<HandshakeMonitor> monitor_;
  std::string endpoint_;
  std::unique_ptr<BusPublisher> bus_;
  std::unique_ptr<RuleSetDistributor> distributor_;

  std::vector<link::PackedRecord> batch_;  // the batch being stored, viewing into its message
  // A batch's output for the bus, published once the batch is committed.
  std::vector<std::pair<EventKind, std::string>> after_commit_;
  std::vector<EventOutput*> live_;
  void publishLive(EventKind kind, const std::string& json);
  bool in_batch_ = false;

  std::atomic<uint64_t> records_{0}, duplicates_{0}, refused_records_{0}, refused_links_{0}, refused_requests_{0},
      batches_{0}, store_failures_{0}, incidents_{0};
  std::atomic<uint64_t> incidents_open_{0};
  int64_t started_us_ = 0;
};

}  // namespace mamori
