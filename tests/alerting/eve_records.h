#pragma once
// Records of every kind EveFormatter writes, with the values that test a reader: IPv6, VLANs,
// ports above 32767, ids above 2^32, empty and non-ASCII text, unnamed DNS types and
// rcodes, metadata keys that repeat out of order.
#include <string>
#include <vector>

#include "applayer/app_record.h"
#include "capture/flow_record.h"
#include "detect/alert.h"
#include "rules/rule_metadata.h"

namespace mamori::test {

inline constexpr TimeUs kEveTs = 1457347719135427;  // 2016-03-07T10:48:39.135427Z

inline IpAddress eveIp(const std::string& text) {
  IpAddress a;
  IpAddress::parse(text, a);
  return a;
}

inline Alert eveAlert() {
  Alert a;
  a.ts = kEveTs;
  a.flow_id = 586497171462735;
  a.src_ip = eveIp("192.168.2.14");
  a.dest_ip = eveIp("209.53.113.5");
  a.src_port = 50096;
  a.dest_port = 80;
  a.proto = 6;
  a.app_proto = "http";
  a.sid = 2018358;
  a.rev = 10;
  a.signature = "ET HUNTING POST to Dotted Quad — “fake” browser";
  a.category = "Potentially Bad Traffic";
  a.severity = 2;
  a.metadata = RuleMetadata::parse({"mitre_tactic_id TA0001, mitre_technique_id T1190",
                                    "deployment Perimeter, mitre_technique_id T1203", "created_at 2016_03_07",
                                    "former_category"});
  return a;
}

inline Alert eveIcmpv6Alert() {
  Alert a;
  a.ts = kEveTs + 1;
  a.flow_id = (uint64_t{1} << 53) - 1;
  a.src_ip = eveIp("2001:db8::1");
  a.dest_ip = eveIp("fe80::abcd:1");
  a.proto = 58;
  a.vlan[0] = 100;
  a.vlan[1] = 4094;
  a.vlan_count = 2;
  a.to_server = false;
  a.sid = 9000001;
  a.signature = "ICMPv6 echo";
  a.severity = 3;
  return a;
}

inline FlowRecord eveTcpFlow() {
  FlowRecord f;
  f.flow_id = 1234567890123;
  f.start = kEveTs - 3500000;
  f.end = kEveTs;
  f.src_ip = eveIp("10.0.0.1");
  f.dest_ip = eveIp("10.0.0.2");
  f.src_port = 43210;
  f.dest_port = 443;
  f.proto = 6;
  f.pkts_toserver = 8;
  f.pkts_toclient = 6;
  f.bytes_toserver = 500;
  f.bytes_toclient = 5'000'000'000ull;
  f.tcp_flags_ts = tcpflag::Syn | tcpflag::Ack | tcpflag::Fin;
  f.tcp_flags_tc = tcpflag::Syn | tcpflag::Ack | tcpflag::Rst;
  f.tcp_state = "closed";
  f.state = "closed";
  f.alerted = true;
  snprintf(f.app.proto, sizeof f.app.proto, "tls");
  snprintf(f.app.detail, sizeof f.app.detail, "TLS.Google");
  snprintf(f.app.category, sizeof f.app.category, "Web");
  snprintf(f.app.confidence, sizeof f.app.confidence, "DPI");
  return f;
}

// No state (a flow ended before any), a VLAN, no app.
inline FlowRecord eveUdpFlow() {
  FlowRecord f;
  f.flow_id = 77;
  f.start = f.end = kEveTs;
  f.src_ip = eveIp("10.0.0.3");
  f.dest_ip = eveIp("192.0.2.53");
  f.src_port = 65535;
  f.dest_port = 53;
  f.proto = 17;
  f.vlan[0] = 7;
  f.vlan_count = 1;
  f.pkts_toserver = 1;
  f.state = nullptr;
  f.reason = FlowEndReason::Shutdown;
  return f;
}

inline FlowRecord eveIcmpFlow() {
  FlowRecord f;
  f.flow_id = 78;
  f.start = kEveTs - 1;
  f.end = kEveTs;
  f.src_ip = eveIp("10.1.1.1");
  f.dest_ip = eveIp("8.8.8.8");
  f.proto = 1;
  f.icmp_type = 8;
  f.pkts_toserver = 2;
  f.reason = FlowEndReason::Evicted;
  return f;
}

inline AppRecord eveAppRecord(AppEvent event, uint8_t proto, uint16_t dest_port) {
  AppRecord r;
  r.event = event;
  r.ts = kEveTs;
  r.flow_id = 4242;
  r.src_ip = eveIp("10.0.0.7");
  r.dest_ip = eveIp("203.0.113.9");
  r.src_port = 51515;
  r.dest_port = dest_port;
  r.proto = proto;
  return r;
}

// `full`: every field EVE writes; else the ones a transaction cut short leaves empty.
inline AppRecord eveHttp(bool full) {
  AppRecord r = eveAppRecord(AppEvent::HttpResponse, 6, 8080);
  HttpTransaction tx;
  tx.id = 3;
  tx.uri_raw = "/login?next=%2F";
  if (full) {
    tx.host = "intranet.example";
    tx.user_agent = "curl/8.0";
    tx.method = "POST";
    tx.protocol = "HTTP/1.1";
    tx.referer = "http://intranet.example/";
    tx.response_content_type = "text/html";
    tx.location = "/home";
    tx.status = 302;
    tx.response_body_bytes = 1234;
  }
  r.body = tx;
  return r;
}

inline AppRecord eveDns(bool response) {
  AppRecord r = eveAppRecord(AppEvent::DnsMessage, 17, 53);
  DnsMessage m;
  m.id = 4660;
  m.response = response;
  m.rcode = response ? 14 : 0;  // a response with an rcode that has no name
  m.queries.push_back({"aGVsbG8.t.evil.example", 65280, 1});  // a type without a name
  if (response) {
    m.answers.push_back({"aGVsbG8.t.evil.example", 16, 1, 60, "\"payload\""});
    m.answers.push_back({"aGVsbG8.t.evil.example", 1, 1, 4294967295u, "192.0.2.1"});
  }
  r.body = m;
  return r;
}

inline AppRecord eveTls() {
  AppRecord r = eveAppRecord(AppEvent::TlsDone, 6, 443);
  TlsHandshake tls;
  tls.client_version = 0x0303;  // no ServerHello: EVE names the client's version
  tls.sni = "www.example.com";
  tls.ja3_string = "771,4865-4866,0-23,29,0";
  tls.ja3_hash = "e7d705a3286e19ea42f587b344ee6865";
  TlsCertificate leaf;
  leaf.subject = "CN=www.example.com";
  leaf.issuer = "CN=Example CA";
  leaf.serial = "04:3A";
  leaf.fingerprint = "ab:12";
  leaf.not_before = "2019-12-17T01:17:28";
  leaf.not_after = "2029-12-17T01:17:28";
  tls.certificates.push_back(leaf);
  r.body = tls;
  return r;
}

inline AppRecord eveSsh() {
  AppRecord r = eveAppRecord(AppEvent::SshDone, 6, 22);
  SshSession ssh;
  ssh.client = {true, "2.0", "OpenSSH_8.9p1"};
  ssh.server = {true, "2.0", "OpenSSH_9.2"};
  r.body = ssh;
  return r;
}

}  // namespace mamori::test
