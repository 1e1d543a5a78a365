#pragma once
// Serves Prometheus metrics over HTTP (/metrics) with prometheus-cpp's pull exposer.
//
// Nothing is updated in prometheus-cpp on the hot path: stages keep plain per-worker
// counters, and at scrape time the exporter asks a callback for the current values
// (MetricSample) and groups them into metric families by name.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace prometheus {
class Exposer;
class Collectable;
}  // namespace prometheus

namespace mamori {

struct MetricSample {
  enum Type { Counter, Gauge };

  std::string name;  // "mamori_packets_total"; samples sharing a name form one family
  std::string help;  // taken from the first sample of a family
  Type type = Counter;  // likewise
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

class MetricsExporter {
 public:
  // Called on the exporter's HTTP threads, possibly two scrapes at once: it must only
  // read what the pipeline writes (atomics, or values behind its own lock). Samples
  // with an invalid metric or label name are left out, so that one bad name cannot
  // break the whole scrape.
  using Source = std::function<std::vector<MetricSample>()>;

  using Labels = std::vector<std::pair<std::string, std::string>>;

  // `address` is "HOST:PORT", ":PORT" or "PORT" (the last two listen on 127.0.0.1 only,
  // so metrics are not exposed beyond the host unless asked); HOST is an IPv4 address or
  // a bracketed IPv6 one ("[::1]:9100"); port 0 picks a free port. `constant_labels` go on
  // every sample, before its own (a sensor's {sensor="tokyo-1"}, so a central scraping many
  // sensors tells them apart); a sample with a label of the same name is left out. Throws
  // std::runtime_error naming the address when it is malformed or cannot be bound, or
  // naming a constant label whose name is invalid.
  MetricsExporter(const std::string& address, Source source, Labels constant_labels = {});
  ~MetricsExporter();

  MetricsExporter(const MetricsExporter&) = delete;
  MetricsExporter& operator=(const MetricsExporter&) = delete;

  // The port actually listened on.
  uint16_t port() const;

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Collectable> collectable_;
};

}  // namespace mamori
