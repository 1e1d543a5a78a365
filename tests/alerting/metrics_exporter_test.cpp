#include "alerting/metrics_exporter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace mamori {
namespace {

// A plain HTTP/1.0 GET, so the test depends on nothing but the socket API.
std::string httpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  EXPECT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return resp;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsExporter, ServesCountersAndGaugesWithLabels) {
  std::atomic<int> scrapes{0};
  MetricsExporter exporter("127.0.0.1:0", [&] {
    int n = ++scrapes;
    return std::vector<MetricSample>{
        {"mamori_packets_total", "Packets read from the capture.", MetricSample::Counter,
         {{"worker", "0"}}, 1000.0 * n},
        {"mamori_flows_active", "Flows in the flow tables.", MetricSample::Gauge, {}, 42},
        {"mamori_packets_total", "", MetricSample::Counter, {{"worker", "1"}}, 7},
        {"mamori_decode_errors_total", "Packets that failed to decode.", MetricSample::Counter,
         {{"layer", "ipv4"}, {"reason", "trunc \"pkt\"\n"}}, 3},
    };
  });
  ASSERT_GT(exporter.port(), 0);

  std::string body = httpGet(exporter.port(), "/metrics");
  EXPECT_TRUE(contains(body, "200 OK")) << body;
  EXPECT_TRUE(contains(body, "# HELP mamori_packets_total Packets read from the capture.\n"));
  EXPECT_TRUE(contains(body, "# TYPE mamori_packets_total counter\n")) << body;
  EXPECT_TRUE(contains(body, "mamori_packets_total{worker=\"0\"} 1000\n")) << body;
  EXPECT_TRUE(contains(body, "mamori_packets_total{worker=\"1\"} 7\n")) << body;
  EXPECT_TRUE(contains(body, "# TYPE mamori_flows_active gauge\n")) << body;
  EXPECT_TRUE(contains(body, "mamori_flows_active 42\n")) << body;
  EXPECT_TRUE(contains(body, "mamori_decode_errors_total{layer=\"ipv4\",reason=\"trunc \\\"pkt\\\"\\n\"} 3\n"))
      << body;
  // One family per name, however many samples it has.
  size_t first = body.find("# TYPE mamori_packets_total");
  EXPECT_EQ(body.find("# TYPE mamori_packets_total", first + 1), std::string::npos);

  // Values are read at scrape time.
  body = httpGet(exporter.port(), "/metrics");
  EXPECT_TRUE(contains(body, "mamori_packets_total{worker=\"0\"} 2000\n")) << body;
}

TEST(MetricsExporter, LeavesOutSamplesWithInvalidNames) {
  MetricsExporter exporter("127.0.0.1:0", [] {
    return std::vector<MetricSample>{
        {"mamori bad-name", "", MetricSample::Gauge, {}, 1},
        {"mamori_bad_label", "", MetricSample::Gauge, {{"bad-label", "x"}}, 1},
        {"mamori_good", "", MetricSample::Gauge, {}, 5},
    };
  });
  std::string body = httpGet(exporter.port(), "/metrics");
  EXPECT_TRUE(contains(body, "mamori_good 5\n")) << body;
  EXPECT_FALSE(contains(body, "bad")) << body;
}

TEST(MetricsExporter, ThrowingSourceFailsOnlyThatScrape) {
  std::atomic<bool> fail{true};
  MetricsExporter exporter("127.0.0.1:0", [&]() -> std::vector<MetricSample> {
    if (fail) throw std::runtime_error("boom");
    return {{"mamori_up", "", MetricSample::Gauge, {}, 1}};
  });
  std::string body = httpGet(exporter.port(), "/metrics");
  EXPECT_TRUE(contains(body, "200 OK")) << body;
  EXPECT_FALSE(contains(body, "mamori_up"));
  fail = false;
  EXPECT_TRUE(contains(httpGet(exporter.port(), "/metrics"), "mamori_up 1\n"));
}

TEST(MetricsExporter, PortAloneListensOnLoopback) {
  auto source = [] { return std::vector<MetricSample>{{"mamori_up", "", MetricSample::Gauge, {}, 1}}; };
  for (const char* address : {"0", ":0"}) {
    MetricsExporter exporter(address, source);
    ASSERT_GT(exporter.port(), 0) << address;
    EXPECT_TRUE(contains(httpGet(exporter.port(), "/metrics"), "mamori_up 1\n")) << address;
  }
}

TEST(MetricsExporter, BadAddressIsNamedInTheError) {
  auto source = [] { return std::vector<MetricSample>{}; };
  for (std::string bad : {"", "localhost:9100", "127.0.0.1:99999", "127.0.0.1:http",
                          "300.1.1.1:9100", "::1:9100", "127.0.0.1:"}) {
    try {
      MetricsExporter exporter(bad, source);
      ADD_FAILURE() << "expected an exception for '" << bad << "'";
    } catch (const std::runtime_error& e) {
      EXPECT_TRUE(contains(e.what(), "'" + bad + "'")) << e.what();
    }
  }
}

TEST(MetricsExporter, PortInUseIsNamedInTheError) {
  auto source = [] { return std::vector<MetricSample>{}; };
  MetricsExporter first("127.0.0.1:0", source);
  std::string address = "127.0.0.1:" + std::to_string(first.port());
  try {
    MetricsExporter second(address, source);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), address)) << e.what();
  }
}


TEST(MetricsExporter, ConstantLabelsGoOnEverySampleFirst) {
  MetricsExporter exporter(
      "127.0.0.1:0",
      [] {
        return std::vector<MetricSample>{
            {"mamori_packets_total", "", MetricSample::Counter, {}, 10},
            {"mamori_worker_packets_total", "", MetricSample::Counter, {{"worker", "1"}}, 4},
            // A sample's own label of the constant's name would make the series ambiguous.
            {"mamori_clash", "", MetricSample::Gauge, {{"sensor", "other"}}, 1},
        };
      },
      {{"sensor", "tokyo-1"}});
  std::string body = httpGet(exporter.port(), "/metrics");
  EXPECT_TRUE(contains(body, "mamori_packets_total{sensor=\"tokyo-1\"} 10\n")) << body;
  EXPECT_TRUE(contains(body, "mamori_worker_packets_total{sensor=\"tokyo-1\",worker=\"1\"} 4\n")) << body;
  EXPECT_FALSE(contains(body, "mamori_clash")) << body;

  try {
    MetricsExporter bad("127.0.0.1:0", [] { return std::vector<MetricSample>{}; }, {{"sensor-name", "x"}});
    ADD_FAILURE() << "an invalid label name was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "'sensor-name'")) << e.what();
  }
}

}  // namespace
}  // namespace mamori
