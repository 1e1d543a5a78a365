#include "alerting/metrics_exporter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_map>

#include <prometheus/check_names.h>
#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

namespace mamori {

namespace {

class SampleCollectable : public prometheus::Collectable {
 public:
  SampleCollectable(MetricsExporter::Source source, MetricsExporter::Labels constant_labels)
      : source_(std::move(source)), constant_labels_(std::move(constant_labels)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<MetricSample> samples;
    // An exception escaping here would end the process from an HTTP thread; a failed
    // scrape is the lesser harm.
    try {
      samples = source_();
    } catch (...) {
      return {};
    }
    std::vector<prometheus::MetricFamily> families;
    std::unordered_map<std::string, size_t> by_name;
    for (auto& s : samples) {
      if (!valid(s)) continue;
      auto [it, added] = by_name.try_emplace(s.name, families.size());
      if (added) {
        families.push_back({s.name, s.help,
                            s.type == MetricSample::Counter ? prometheus::MetricType::Counter
                                                            : prometheus::MetricType::Gauge,
                            {}});
      }
      auto& family = families[it->second];
      prometheus::ClientMetric metric;
      for (auto& [name, value] : constant_labels_) metric.label.push_back({name, value});
      for (auto& [name, value] : s.labels) metric.label.push_back({name, value});
      if (family.type == prometheus::MetricType::Counter) {
        metric.counter.value = s.value;
      } else {
        metric.gauge.value = s.value;
      }
      family.metric.push_back(std::move(metric));
    }
    return families;
  }

 private:
  bool valid(const MetricSample& s) const {
    if (!prometheus::CheckMetricName(s.name)) return false;
    for (const auto& label : s.labels) {
      if (!prometheus::CheckLabelName(label.first)) return false;
      for (const auto& constant : constant_labels_) {
        if (constant.first == label.first) return false;
      }
    }
    return true;
  }

  MetricsExporter::Source source_;
  MetricsExporter::Labels constant_labels_;
};

// civetweb's listening_ports form: "IPv4:PORT" or "[IPv6]:PORT".
std::string listeningPort(const std::string& address) {
  auto bad = [&address](const std::string& why) {
    return std::runtime_error("metrics address '" + address + "': " + why);
  };
  std::string host = "127.0.0.1";
  std::string port = address;
  size_t colon = address.rfind(':');
  if (colon != std::string::npos) {
    port = address.substr(colon + 1);
    if (colon > 0) host = address.substr(0, colon);
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535) {
    throw bad("port must be a number from 0 to 65535");
  }
  unsigned char buf[16];
  bool ok;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    ok = inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
  } else {
    ok = inet_pton(AF_INET, host.c_str(), buf) == 1;
  }
  if (!ok) throw bad("host must be an IPv4 address or a bracketed IPv6 address");
  return host + ":" + port;
}

}  // namespace

MetricsExporter::MetricsExporter(const std::string& address, Source source, Labels constant_labels) {
  for (const auto& [name, value] : constant_labels) {
    if (!prometheus::CheckLabelName(name)) throw std::runtime_error("metrics label '" + name + "' is not a valid label name");
  }
  collectable_ = std::make_shared<SampleCollectable>(std::move(source), std::move(constant_labels));
  std::string listen = listeningPort(address);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on '" + address + "': " + e.what());
  }
  exposer_->RegisterCollectable(collectable_);
}

MetricsExporter::~MetricsExporter() = default;

uint16_t MetricsExporter::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<uint16_t>(ports.front());
}

}  // namespace mamori
