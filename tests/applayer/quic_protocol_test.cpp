#include "applayer/quic_protocol.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "applayer/gquic_hello.h"
#include "applayer/quic_crypto_stream.h"
#include "applayer/quic_initial_keys.h"
#include "applayer/quic_packet_header.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Collected = test::ProtocolRecords;

Bytes hex(const std::string& h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

void put16(Bytes& b, size_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put24(Bytes& b, size_t v) {
  b.push_back(static_cast<uint8_t>(v >> 16));
  put16(b, v);
}
void put32(Bytes& b, uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
void append(Bytes& b, const std::string& more) { b.insert(b.end(), more.begin(), more.end()); }

// A TLS ClientHello handshake message: TLS 1.3's ciphers, GREASE, server_name and alpn.
Bytes clientHello(const std::string& sni, const std::string& alpn) {
  Bytes body;
  put16(body, 0x0303);
  body.insert(body.end(), 32, 0x11);
  body.push_back(0);  // session id
  put16(body, 6);
  put16(body, 0x0a0a);  // GREASE: not in JA3
  put16(body, 0x1301);
  put16(body, 0x1302);
  body.push_back(1);
  body.push_back(0);
  Bytes exts;
  put16(exts, 0);  // server_name
  put16(exts, sni.size() + 5);
  put16(exts, sni.size() + 3);
  exts.push_back(0);
  put16(exts, sni.size());
  append(exts, sni);
  put16(exts, 16);  // alpn
  put16(exts, alpn.size() + 3);
  put16(exts, alpn.size() + 1);
  exts.push_back(static_cast<uint8_t>(alpn.size()));
  append(exts, alpn);
  put16(body, exts.size());
  append(body, exts);
  Bytes msg{1};
  put24(msg, body.size());
  append(msg, body);
  return msg;
}

Bytes cryptoFrame(uint64_t offset, const Bytes& data, size_t from, size_t len) {
  Bytes f{0x06};
  // 4-byte varints: offsets and lengths of any size a test uses.
  auto varint4 = [&](uint64_t v) {
    f.push_back(static_cast<uint8_t>(0x80 | (v >> 24)));
    put24(f, v & 0xffffff);
  };
  varint4(offset);
  varint4(len);
  f.insert(f.end(), data.begin() + static_cast<long>(from), data.begin() + static_cast<long>(from + len));
  return f;
}

// An Initial packet of QUIC v1 (or v2: its Initial is long-header type 1) sealed as an endpoint
// seals it (RFC 9001 5): AES-128-GCM under the packet keys, then header protection over the
// 1-byte packet number.
Bytes sealInitial(const QuicPacketKeys& keys, const Bytes& dcid, uint8_t pn, Bytes frames, uint32_t version = 1) {
  frames.resize(std::max<size_t>(frames.size(), 40), 0);  // PADDING: room for the sample
  Bytes p{static_cast<uint8_t>(version == 0x6b3343cf ? 0xd0 : 0xc0)};
  put32(p, version);
  p.push_back(static_cast<uint8_t>(dcid.size()));
  append(p, dcid);
  p.push_back(0);  // source connection id
  p.push_back(0);  // token
  const size_t length = 1 + frames.size() + 16;
  p.push_back(static_cast<uint8_t>(0x40 | length >> 8));
  p.push_back(static_cast<uint8_t>(length));
  const size_t pn_offset = p.size();
  p.push_back(pn);
  auto nonce = keys.iv;
  nonce[11] ^= pn;
  Bytes sealed(frames.size() + 16);
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int n = 0;
  EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), nullptr, keys.key.data(), nonce.data());
  EVP_EncryptUpdate(c, nullptr, &n, p.data(), static_cast<int>(p.size()));
  EVP_EncryptUpdate(c, sealed.data(), &n, frames.data(), static_cast<int>(frames.size()));
  EVP_EncryptFinal_ex(c, sealed.data() + n, &n);
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, sealed.data() + frames.size());
  uint8_t mask[16];
  EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr);
  EVP_EncryptUpdate(c, mask, &n, sealed.data() + 3, 16);  // sample: 4 bytes after the packet number
  EVP_CIPHER_CTX_free(c);
  append(p, sealed);
  p[0] ^= mask[0] & 0x0f;
  p[pn_offset] ^= mask[1];
  return p;
}

const Bytes kDcid = hex("8394c8f03e515708");

TEST(QuicInitialKeys, DeriveRfc9001AppendixAKeys) {
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(1, kDcid.data(), kDcid.size()));
  EXPECT_EQ(Bytes(keys.client().key.begin(), keys.client().key.end()), hex("1f369613dd76d5467730efcbe3b1a22d"));
  EXPECT_EQ(Bytes(keys.client().iv.begin(), keys.client().iv.end()), hex("fa044b2f42a3fd3b46fb255c"));
  EXPECT_EQ(Bytes(keys.client().hp.begin(), keys.client().hp.end()), hex("9f50449e04a0e810283a1e9933adedd2"));
  EXPECT_EQ(Bytes(keys.server().key.begin(), keys.server().key.end()), hex("cf3a5331653c364c88f0f379b6067e37"));
  EXPECT_EQ(Bytes(keys.server().iv.begin(), keys.server().iv.end()), hex("0ac1493ca1905853b0bba03e"));
  EXPECT_EQ(Bytes(keys.server().hp.begin(), keys.server().hp.end()), hex("c206b8d9b9f0f37644430b490eeaa314"));
  EXPECT_FALSE(keys.derive(0x0a0a0a0a, kDcid.data(), kDcid.size())) << "a version with no known salt";
}

TEST(QuicInitialKeys, DeriveRfc9369AppendixAKeysForVersion2) {
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(0x6b3343cf, kDcid.data(), kDcid.size()));
  EXPECT_EQ(Bytes(keys.client().key.begin(), keys.client().key.end()), hex("8b1a0bc121284290a29e0971b5cd045d"));
  EXPECT_EQ(Bytes(keys.client().iv.begin(), keys.client().iv.end()), hex("91f73e2351d8fa91660e909f"));
  EXPECT_EQ(Bytes(keys.client().hp.begin(), keys.client().hp.end()), hex("45b95e15235d6f45a6b19cbcb0294ba9"));
  EXPECT_EQ(Bytes(keys.server().key.begin(), keys.server().key.end()), hex("82db637861d55e1d011f19ea71d5d2a7"));
  EXPECT_EQ(Bytes(keys.server().iv.begin(), keys.server().iv.end()), hex("dd13c276499c0249d3310652"));
  EXPECT_EQ(Bytes(keys.server().hp.begin(), keys.server().hp.end()), hex("edf6d05c83121201b436e16877593c3a"));
}

TEST(QuicProtocol, Version2InitialIsTypeOneAndIsRead) {
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(0x6b3343cf, kDcid.data(), kDcid.size()));
  const Bytes hello = clientHello("v2.example", "h3");
  const Bytes initial = sealInitial(keys.client(), kDcid, 0, cryptoFrame(0, hello, 0, hello.size()), 0x6b3343cf);
  QuicPacketHeader h;
  ASSERT_TRUE(parseQuicPacketHeader(initial.data(), initial.size(), h));
  EXPECT_EQ(h.type, QuicPacketType::Initial);
  Bytes as_v1_type = initial;
  as_v1_type[0] = static_cast<uint8_t>((as_v1_type[0] & 0xcf) | 0x00);  // type 0: a v2 Retry
  ASSERT_TRUE(parseQuicPacketHeader(as_v1_type.data(), as_v1_type.size(), h));
  EXPECT_EQ(h.type, QuicPacketType::Retry);

  QuicProtocol quic;
  EXPECT_EQ(quic.probe(AppProtocol::kUdp, Direction::ToServer, initial.data(), initial.size()), ProbeResult::Match);
  auto parser = quic.newParser(AppProtocol::kUdp, nullptr);
  Collected out;
  parser->onData(Direction::ToServer, initial.data(), initial.size(), out);
  ASSERT_EQ(out.ids.size(), 1u);
  EXPECT_EQ(out.bad, 0);
  EXPECT_EQ(out.values(0, "quic.sni"), std::vector<std::string>{"v2.example"});
  EXPECT_STREQ(out.json(0)["version"].GetString(), "6b3343cf");
}

TEST(QuicPacketHeader, VersionsAreNamedAsSuricataNamesThem) {
  std::string name;
  quicVersionName(1, name);
  EXPECT_EQ(name, "1");
  quicVersionName(0xff00001d, name);
  EXPECT_EQ(name, "ff00001d");
  quicVersionName(0x51303433, name);
  EXPECT_EQ(name, "Q043");
  quicVersionName(0x51303530, name);
  EXPECT_EQ(name, "51303530") << "Suricata names Q039-Q046 only";
  EXPECT_TRUE(isGoogleQuicVersion(0x54303531));
  EXPECT_FALSE(isGoogleQuicVersion(0xff00001d));
}

TEST(QuicProtocol, ProbesKnownVersionsOnly) {
  QuicProtocol quic;
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(1, kDcid.data(), kDcid.size()));
  const Bytes initial = sealInitial(keys.client(), kDcid, 0, {0x01});
  auto probe = [&](const Bytes& b) { return quic.probe(AppProtocol::kUdp, Direction::ToServer, b.data(), b.size()); };
  EXPECT_EQ(probe(initial), ProbeResult::Match);
  Bytes unknown = initial;
  unknown[1] = 0x0a;  // version 0x0a000001
  EXPECT_EQ(probe(unknown), ProbeResult::NoMatch);
  EXPECT_EQ(probe(Bytes{0x40, 1, 2, 3}), ProbeResult::NoMatch) << "a short header tells nothing";
  EXPECT_EQ(probe(Bytes(initial.begin(), initial.begin() + 20)), ProbeResult::NoMatch) << "length past the datagram";
  EXPECT_TRUE(quic.usualPort(443));
}

TEST(QuicProtocol, ClientHelloSplitOverTwoInitialsOutOfOrderIsReadOnceWhole) {
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(1, kDcid.data(), kDcid.size()));
  const Bytes hello = clientHello("example.com", "h3");
  const size_t half = hello.size() / 2;
  // The second half comes first, in the packet with the higher number.
  const Bytes second = sealInitial(keys.client(), kDcid, 1, cryptoFrame(half, hello, half, hello.size() - half));
  const Bytes first = sealInitial(keys.client(), kDcid, 0, cryptoFrame(0, hello, 0, half));

  QuicProtocol quic;
  auto parser = quic.newParser(AppProtocol::kUdp, nullptr);
  Collected out;
  parser->onData(Direction::ToServer, second.data(), second.size(), out);
  parser->onData(Direction::ToServer, first.data(), first.size(), out);
  ASSERT_EQ(out.ids.size(), 2u) << "each long-header packet is a transaction, as in Suricata";
  EXPECT_EQ(out.bad, 0);
  EXPECT_TRUE(out.values(0, "quic.sni").empty()) << "the hello was not whole yet";
  EXPECT_EQ(out.values(1, "quic.sni"), std::vector<std::string>{"example.com"});
  EXPECT_EQ(out.values(1, "quic.version"), std::vector<std::string>{test::be32(1)});
  EXPECT_EQ(out.values(1, "ja3.string"), std::vector<std::string>{"771,4865-4866,0-16,,"})
      << "the fingerprint under the TLS keyword, for ja3.* rules on quic flows";
  const rapidjson::Document eve = out.json(1);
  EXPECT_STREQ(eve["version"].GetString(), "1");
  EXPECT_STREQ(eve["sni"].GetString(), "example.com");
  EXPECT_STREQ(eve["ja3"]["string"].GetString(), "771,4865-4866,0-16,,") << "GREASE left out, as TLS's JA3";
  EXPECT_EQ(std::string(eve["ja3"]["hash"].GetString()).size(), 32u);
  ASSERT_EQ(eve["extensions"].Size(), 2u);
  EXPECT_STREQ(eve["extensions"][1]["name"].GetString(), "alpn");
  EXPECT_STREQ(eve["extensions"][1]["values"][0].GetString(), "h3");
  test::expectEveObjectsMatchSchema("quic", out.eve);

  // The direction's hello was read: what follows is not parsed, and makes no record.
  parser->onData(Direction::ToServer, first.data(), first.size(), out);
  EXPECT_EQ(out.ids.size(), 2u);
}

// A client Initial of v1 (keys of kDcid) carrying `frames`, as given to a fresh parser;
// `tamper` changes the sealed packet first.
Collected oneClientInitial(const Bytes& frames, void (*tamper)(Bytes&) = nullptr) {
  QuicInitialKeys keys;
  EXPECT_TRUE(keys.derive(1, kDcid.data(), kDcid.size()));
  Bytes packet = sealInitial(keys.client(), kDcid, 0, frames);
  if (tamper) tamper(packet);
  QuicProtocol quic;
  auto parser = quic.newParser(AppProtocol::kUdp, nullptr);
  Collected out;
  parser->onData(Direction::ToServer, packet.data(), packet.size(), out);
  return out;
}

TEST(QuicProtocol, TamperedInitialRaisesFailedDecrypt) {
  const Collected out = oneClientInitial(cryptoFrame(0, clientHello("a.example", "h3"), 0, 10),
                                         [](Bytes& p) { p.back() ^= 1; });  // the tag no longer holds
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_TRUE(raised(out.events[0], AppLayerEvent::QuicFailedDecrypt));
  EXPECT_EQ(out.bad, 1);
}

TEST(QuicProtocol, CryptoDataPastTheBoundRaisesCryptoFragTooLong) {
  const Bytes data(8, 0x42);
  const Collected out = oneClientInitial(cryptoFrame(QuicCryptoStream::kMaxBytes, data, 0, 8));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_TRUE(raised(out.events[0], AppLayerEvent::QuicCryptoFragTooLong));
}

// A CHLO as gQUIC clients send it: its tags and the little-endian end offsets of their values.
Bytes chlo(const std::vector<std::pair<std::string, std::string>>& tags) {
  Bytes b;
  append(b, std::string("CHLO"));
  b.push_back(static_cast<uint8_t>(tags.size()));
  b.insert(b.end(), 3, 0);
  uint32_t end = 0;
  for (const auto& [tag, value] : tags) {
    std::string t = tag;
    t.resize(4, '\0');
    append(b, t);
    end += static_cast<uint32_t>(value.size());
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(end >> (8 * i)));
  }
  for (const auto& tv : tags) append(b, tv.second);
  return b;
}

TEST(GquicHello, TagsSniAndUaAndCyuOfQ043) {
  const Bytes b = chlo({{"PAD", "...."}, {"SNI", "www.example.com"}, {"VER", "Q043"}, {"UAID", "Chrome/70"}});
  GquicHello h;
  ASSERT_TRUE(decodeGquicHello(b.data(), b.size(), h));
  EXPECT_EQ(h.sni, "www.example.com");
  EXPECT_EQ(h.ua, "Chrome/70");
  EXPECT_EQ(h.tags, "PAD-SNI-VER-UAID");
  std::string text, hash;
  ASSERT_TRUE(gquicCyu(0x51303433, h, text, hash));
  EXPECT_EQ(text, "43,PAD-SNI-VER-UAID");
  EXPECT_FALSE(gquicCyu(0x51303530, h, text, hash)) << "Suricata has no CYU version for Q050";

  Bytes overrun = b;
  overrun[12] = 0xff;  // PAD's end offset past the values
  EXPECT_FALSE(decodeGquicHello(overrun.data(), overrun.size(), h));
}

// Suricata's CYU test vector (Salesforce's gQUIC fingerprinting write-up).
TEST(GquicHello, CyuMatchesSuricatasVector) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (const char* t : {"PAD", "SNI", "VER", "CCS", "PDMD", "ICSL", "MIDS", "CFCW", "SFCW"}) tags.emplace_back(t, "x");
  const Bytes b = chlo(tags);
  GquicHello h;
  ASSERT_TRUE(decodeGquicHello(b.data(), b.size(), h));
  std::string text, hash;
  ASSERT_TRUE(gquicCyu(0x51303433, h, text, hash));
  EXPECT_EQ(text, "43,PAD-SNI-VER-CCS-PDMD-ICSL-MIDS-CFCW-SFCW");
  EXPECT_EQ(hash, "e030dea1f2eea44ac7db5fe4de792acd");
}

TEST(QuicProtocol, GoogleQ043ClearChloGivesSniUaAndCyu) {
  // Public header: version and 8-byte connection id, 1-byte packet number, 12-byte hash,
  // then a STREAM frame on stream 1 (big-endian length from Q039).
  Bytes p{0x09};
  p.insert(p.end(), 8, 0x77);
  append(p, std::string("Q043"));
  p.push_back(1);
  p.insert(p.end(), 12, 0);
  const Bytes hello = chlo({{"PAD", ""}, {"SNI", "gquic.example"}, {"UAID", "Chrome/70"}});
  p.push_back(0xa0);
  p.push_back(1);
  put16(p, hello.size());
  append(p, hello);
  QuicProtocol quic;
  EXPECT_EQ(quic.probe(AppProtocol::kUdp, Direction::ToServer, p.data(), p.size()), ProbeResult::Match);
  auto parser = quic.newParser(AppProtocol::kUdp, nullptr);
  Collected out;
  parser->onData(Direction::ToServer, p.data(), p.size(), out);
  ASSERT_EQ(out.ids.size(), 1u);
  EXPECT_EQ(out.values(0, "quic.sni"), std::vector<std::string>{"gquic.example"});
  EXPECT_EQ(out.values(0, "quic.ua"), std::vector<std::string>{"Chrome/70"});
  EXPECT_EQ(out.values(0, "quic.cyu.string"), std::vector<std::string>{"43,PAD-SNI-UAID"});
  const rapidjson::Document eve = out.json(0);
  EXPECT_STREQ(eve["version"].GetString(), "Q043");
  EXPECT_STREQ(eve["cyu"][0]["string"].GetString(), "43,PAD-SNI-UAID");
  test::expectEveObjectsMatchSchema("quic", out.eve);
}

TEST(QuicCryptoStream, PiecesMergeInAnyOrderAndTheBoundHolds) {
  QuicCryptoStream s(nullptr);
  const Bytes msg{2, 0, 0, 3, 'a', 'b', 'c'};
  EXPECT_TRUE(s.add(4, msg.data() + 4, 3));
  uint8_t type = 0;
  const uint8_t* body = nullptr;
  size_t len = 0;
  EXPECT_FALSE(s.message(type, body, len));
  EXPECT_TRUE(s.add(0, msg.data(), 5));  // overlaps what came
  ASSERT_TRUE(s.message(type, body, len));
  EXPECT_EQ(type, 2);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(body), len), "abc");
  EXPECT_FALSE(s.add(QuicCryptoStream::kMaxBytes - 1, msg.data(), 2));
  QuicCryptoStream holes(nullptr);
  for (size_t i = 0; i < QuicCryptoStream::kMaxPieces; ++i) EXPECT_TRUE(holes.add(10 * i + 1, msg.data(), 1));
  EXPECT_FALSE(holes.add(1000, msg.data(), 1)) << "more disjoint pieces than kept";
}

TEST(QuicProtocol, GarbageAndTruncationAreRefusedWithoutRecords) {
  QuicInitialKeys keys;
  ASSERT_TRUE(keys.derive(1, kDcid.data(), kDcid.size()));
  const Bytes packet = sealInitial(keys.client(), kDcid, 0, cryptoFrame(0, clientHello("x", "h3"), 0, 20));
  QuicProtocol quic;
  auto parser = quic.newParser(AppProtocol::kUdp, nullptr);
  Collected out;
  for (size_t cut = 1; cut < packet.size(); cut += 7) parser->onData(Direction::ToServer, packet.data(), cut, out);
  const Bytes junk{0xc0, 0, 0, 0, 1, 200};
  parser->onData(Direction::ToServer, junk.data(), junk.size(), out);
  EXPECT_TRUE(out.ids.empty());
  EXPECT_GT(out.bad, 0);
}

}  // namespace
}  // namespace mamori
