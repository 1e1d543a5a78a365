// HTTP/2 as the app layer parses it, on the corpus captures that carry it in clear text
// with prior knowledge (found with `tshark -Y http2 -d tcp.port==80,http2` over
// ../shared/corpus; the h2c upgrades there tshark does not follow past the 101). Each
// stream is keyed by (client port, stream id) and compared with tshark's decoding of its
// HEADERS frames, field by field: :method, :path, :authority, :status and the header count
// of the request's and the response's block (compared where the packet holds one block:
// tshark's header.count counts HPACK table size updates too). A stream reset before its
// response is closed, and what the server sends on it after is ignored (RFC 9113 section
// 5.1), so tshark's response fields of such a stream are not compared. Agreement is
// printed per field; each must be 100%. The streams' bodies, tracked as files, agree with
// the DATA frames tshark shows in size and MD5.
#include <gtest/gtest.h>

#include <cstdio>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Fields = std::map<std::string, std::string>;
using Streams = std::map<std::pair<uint16_t, uint32_t>, Fields>;

const char* const kFields[] = {"stream_id", "method", "path", "authority", "status", "request_headers",
                               "response_headers"};
const char* const kCaptures[] = {
    "suricata-verify/dns-over-http2-progress/input.pcap",
    "suricata-verify/http2-authority-mismatch/input.pcap",
    "suricata-verify/http2-userinfo-authority/input.pcap",
};

// "\r\nname1\r\nname2\r\n\r\n": how many names.
std::string countNames(const std::string& names) {
  size_t n = 0;
  for (size_t at = names.find("\r\n"); at != std::string::npos; at = names.find("\r\n", at + 2)) ++n;
  return std::to_string(n >= 2 ? n - 2 : 0);
}

struct Http2Records final : AppEventListener {
  Streams streams;
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<HttpTransaction>(&r.body);
    if (!tx || tx->http2_stream == 0 || r.event != AppEvent::HttpResponse) return;
    Fields& f = streams[{r.src_port, tx->http2_stream}];
    f["stream_id"] = std::to_string(tx->http2_stream);
    f["method"] = tx->method;
    f["path"] = tx->uri;
    f["authority"] = tx->host_raw;
    if (tx->status) f["status"] = std::to_string(tx->status);
    f["request_headers"] = countNames(tx->request_header_names);
    if (!tx->response_header_names.empty()) f["response_headers"] = countNames(tx->response_header_names);
  }
};

// tshark lists a packet's frames' stream ids and types in step, and the header fields once
// per HEADERS frame that has them, in frame order.
Streams tsharkStreams(const std::string& pcap) {
  const std::string cmd = "tshark -r '" + pcap + "' -d tcp.port==80,http2 -Y http2 -T fields -E \"aggregator=" +
                          "$(printf '\\037')\" -e tcp.srcport -e tcp.dstport -e http2.streamid -e http2.type "
                          "-e http2.header.name -e http2.headers.method -e http2.headers.path "
                          "-e http2.headers.authority -e http2.headers.status 2>/dev/null";
  Streams out;
  std::set<std::pair<uint16_t, uint32_t>> reset;
  std::istringstream lines(test::run(cmd).out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto col = test::split(line, '\t');
    if (col.size() < 9) continue;
    std::vector<std::vector<std::string>> v;
    for (size_t i = 2; i < 9; ++i) v.push_back(test::split(col[i], test::kTsharkAggregator));
    const bool to_server = col[1] == "80";
    const uint16_t client = static_cast<uint16_t>(std::stoi(to_server ? col[0] : col[1]));
    size_t request = 0, response = 0;
    const size_t blocks = static_cast<size_t>(std::count(v[1].begin(), v[1].end(), "1"));
    for (size_t i = 0; i < v[0].size() && i < v[1].size(); ++i) {
      const uint32_t id = static_cast<uint32_t>(std::stoul(v[0][i]));
      if (v[1][i] == "3") reset.insert({client, id});
      if (v[1][i] != "1") continue;
      if (!to_server && reset.count({client, id})) continue;
      Fields& f = out[{client, id}];
      f["stream_id"] = v[0][i];
      const std::string names = std::to_string(v[2].size());
      if (to_server) {
        if (blocks == 1) f["request_headers"] = names;
        if (request < v[3].size()) f["method"] = v[3][request];
        if (request < v[4].size()) f["path"] = v[4][request];
        if (request < v[5].size()) f["authority"] = v[5][request];
        ++request;
      } else {
        if (blocks == 1) f["response_headers"] = names;
        if (response < v[6].size()) f["status"] = v[6][response];
        ++response;
      }
    }
  }
  return out;
}

TEST(Http2Corpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::FieldAgreement agreement;
  size_t streams = 0;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    Http2Records ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    const Streams theirs = tsharkStreams(pcap);
    for (const auto& [key, fields] : theirs) {
      ++streams;
      const auto mine = ours.streams.find(key);
      for (const std::string field : kFields) {
        const auto a = fields.find(field);
        if (a == fields.end()) continue;
        const bool have = mine != ours.streams.end() && mine->second.count(field);
        const std::string value = have ? mine->second.at(field) : "-";
        agreement.count(field, value == a->second, std::string(capture) + " stream " + std::to_string(key.second),
                        a->second, value);
      }
    }
    EXPECT_EQ(ours.streams.size(), theirs.size()) << capture;
  }
  std::printf("%zu HTTP/2 streams (tshark)\n", streams);
  ASSERT_GE(streams, 6u);
  agreement.expectAtLeast(kFields, 100.0);
}

// Each stream side's file: (client port, stream id, to server) -> size and MD5.
using Files = std::map<std::tuple<uint16_t, uint32_t, bool>, std::pair<uint64_t, std::string>>;

struct Http2Files final : AppEventListener {
  Files files;
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* info = std::get_if<FileInfo>(&r.body);
    if (r.event != AppEvent::FileLogged || !info || !info->http || info->http->http2_stream == 0) return;
    EXPECT_EQ(info->file.state, FileState::Closed) << info->file.name;
    files[{r.src_port, info->http->http2_stream, info->file.dir == Direction::ToServer}] = {info->file.size,
                                                                                          info->file.md5};
  }
};

// tshark's DATA frames, joined per stream and side; a stream a RST_STREAM ended is left out,
// as what follows it is ignored (above). tshark gives an empty DATA frame that ends a body
// the reassembled body as its data: such an entry is skipped.
Files tsharkFiles(const std::string& pcap) {
  const std::string cmd = "tshark -r '" + pcap + "' -d tcp.port==80,http2 -Y http2 -T fields -E \"aggregator=" +
                          "$(printf '\\037')\" -e tcp.srcport -e tcp.dstport -e http2.streamid -e http2.type "
                          "-e http2.length -e http2.data.data 2>/dev/null";
  std::map<std::tuple<uint16_t, uint32_t, bool>, std::string> hex;
  std::set<std::pair<uint16_t, uint32_t>> reset;
  std::istringstream lines(test::run(cmd).out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto col = test::split(line, '\t');
    if (col.size() < 4) continue;
    const bool to_server = col[1] == "80";
    const uint16_t client = static_cast<uint16_t>(std::stoi(to_server ? col[0] : col[1]));
    const auto ids = test::split(col[2], test::kTsharkAggregator), types = test::split(col[3], test::kTsharkAggregator);
    const auto lengths = col.size() > 4 ? test::split(col[4], test::kTsharkAggregator) : std::vector<std::string>{};
    const auto data = col.size() > 5 ? test::split(col[5], test::kTsharkAggregator) : std::vector<std::string>{};
    size_t with_data = 0;
    for (size_t i = 0; i < types.size() && i < lengths.size(); ++i) with_data += types[i] == "0" && lengths[i] != "0";
    size_t surplus = data.size() > with_data ? data.size() - with_data : 0, next_data = 0;
    for (size_t i = 0; i < ids.size() && i < types.size() && i < lengths.size(); ++i) {
      const uint32_t id = static_cast<uint32_t>(std::stoul(ids[i]));
      if (types[i] == "3") reset.insert({client, id});
      if (types[i] != "0") continue;
      std::string& joined = hex[{client, id, to_server}];
      if (lengths[i] == "0") {
        if (surplus > 0 && next_data < data.size()) --surplus, ++next_data;  // the reassembled body
        continue;
      }
      if (next_data < data.size() && !reset.count({client, id})) joined += data[next_data];
      ++next_data;
    }
  }
  Files out;
  for (const auto& [key, bytes] : hex) {
    if (reset.count({std::get<0>(key), std::get<1>(key)}) || bytes.empty()) continue;
    const std::string md5 = test::run("printf '%s' '" + bytes + "' | xxd -r -p | md5sum").out.substr(0, 32);
    out[key] = {bytes.size() / 2, md5};
  }
  return out;
}

TEST(Http2Corpus, StreamBodiesAreFilesOfTsharksDataFrames) {
  MAMORI_REQUIRE_SHARED();
  size_t files = 0;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers::Config config;
    config.file_limits.hashes = file_hash::kMd5;
    AppParsers parsers(config, nullptr);
    Http2Files ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    const Files theirs = tsharkFiles(pcap);
    for (const auto& [key, file] : theirs) {
      ++files;
      const auto mine = ours.files.find(key);
      ASSERT_NE(mine, ours.files.end()) << capture << " stream " << std::get<1>(key);
      EXPECT_EQ(mine->second.first, file.first) << capture << " stream " << std::get<1>(key);
      EXPECT_EQ(mine->second.second, file.second) << capture << " stream " << std::get<1>(key);
    }
  }
  std::printf("%zu HTTP/2 files (tshark's DATA frames)\n", files);
  ASSERT_GE(files, 4u);
}

}  // namespace
}  // namespace mamori
