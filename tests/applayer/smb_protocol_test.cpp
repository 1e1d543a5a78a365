#include "applayer/smb_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "applayer/ntlmssp_auth.h"
#include "applayer/smb_session.h"
#include "tests/applayer/smb_builder.h"

namespace mamori {
namespace {

using namespace test::smb;

constexpr uint32_t kPipeTransceive = 0x0011C017;

struct Record {
  Direction dir;
  bool logged;
  std::multimap<std::string, std::string> fields;
  std::string eve;
  AppLayerEventSet events;
  bool has(const std::string& name) const { return fields.count(name) != 0; }
  std::string field(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? "<none>" : it->second;
  }
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(eve.c_str());
    return d;
  }
};

struct FileCall {
  Direction dir;
  std::string name, bytes;
  uint64_t gap = 0;
  bool closed = false, complete = false;
};

struct Collected final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override {
    Record r{dir, tx.logged, {}, tx.eve, tx.events};
    for (const ProtocolField& f : tx.fields) r.fields.emplace(f.name, std::string(tx.value(f)));
    records.push_back(std::move(r));
  }
  void malformed() override { ++bad; }
  int32_t openFile(Direction dir, uint64_t, std::string_view name) override {
    files.push_back({dir, std::string(name)});
    return static_cast<int32_t>(files.size() - 1);
  }
  void appendFile(int32_t h, const uint8_t* data, size_t len) override {
    files.at(static_cast<size_t>(h)).bytes.append(reinterpret_cast<const char*>(data), len);
  }
  void fileGap(int32_t h, uint64_t len) override { files.at(static_cast<size_t>(h)).gap += len; }
  void closeFile(int32_t h, bool complete, const AppLayerEventSet&) override {
    files.at(static_cast<size_t>(h)).closed = true;
    files.at(static_cast<size_t>(h)).complete = complete;
  }
  // The records carrying field `name`.
  std::vector<Record> with(const std::string& name) const {
    std::vector<Record> out;
    for (const Record& r : records) {
      if (r.has(name)) out.push_back(r);
    }
    return out;
  }
  size_t withEvent(AppLayerEvent e) const {
    size_t n = 0;
    for (const Record& r : records) n += raised(r.events, e);
    return n;
  }
  std::vector<Record> records;
  std::vector<FileCall> files;
  int bad = 0;
};

struct Pipes final : SmbPipeSink {
  void onPipeData(Direction dir, const SmbFileId& pipe, const uint8_t* data, size_t len, ProtocolSink&) override {
    seen.push_back({dir, pipe.high, std::string(reinterpret_cast<const char*>(data), len)});
  }
  struct Seen {
    Direction dir;
    uint64_t pipe;
    std::string bytes;
  };
  std::vector<Seen> seen;
};

struct Flow {
  SmbProtocol smb;
  std::unique_ptr<AppProtocolParser> parser = smb.newParser(AppProtocol::kTcp, nullptr);
  Collected sink;
  void client(const Bytes& msg) { parser->onData(Direction::ToServer, nbss(msg).data(), nbss(msg).size(), sink); }
  void server(const Bytes& msg) { parser->onData(Direction::ToClient, nbss(msg).data(), nbss(msg).size(), sink); }
  void end() { parser->onEnd(sink); }
};

const Bytes kEicar = ascii("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

// A session to tree `tree_id` on `share` of `type`, message ids from 1.
void connect(Flow& f, const std::string& share, uint8_t type, uint32_t tree_id) {
  f.client(smb2({.command = 3, .message_id = 1}, treeConnectRequest(share)));
  f.server(smb2({.command = 3, .message_id = 1, .response = true, .tree_id = tree_id}, treeConnectResponse(type)));
}

TEST(SmbProtocol, ProbesNbssWithSmbMagicAndFallsBackToItsPortsOnlyWhenUnsure) {
  SmbProtocol smb;
  auto probe = [&](const Bytes& b) { return smb.probe(AppProtocol::kTcp, Direction::ToServer, b.data(), b.size()); };
  EXPECT_EQ(probe(nbss(smb2({}, negotiateRequest({0x202})))), ProbeResult::Match);
  EXPECT_EQ(probe(nbss(smb1({.command = 0x72}, {}, ascii("\x02NT LM 0.12")))), ProbeResult::Match);
  EXPECT_EQ(probe(Bytes{0, 0, 0}), ProbeResult::Unsure);
  EXPECT_EQ(probe(Bytes{0x85, 0, 0, 0}), ProbeResult::Unsure) << "a keep-alive tells nothing";
  EXPECT_EQ(probe(ascii("GET / HTTP/1.1\r\n")), ProbeResult::NoMatch);
  EXPECT_EQ(probe(cat({Bytes{0, 0, 0, 8}, ascii("\xfeSMX1234")})), ProbeResult::NoMatch);
  EXPECT_TRUE(smb.usualPort(445));
  EXPECT_TRUE(smb.usualPort(139));
  EXPECT_FALSE(smb.usualPort(80));
}

TEST(SmbProtocol, EveryTransactionIsSeenFromBothSidesWithItsVersionAndLoggedOnce) {
  Flow f;
  f.client(smb2({.command = 0, .message_id = 0}, negotiateRequest({0x202, 0x210, 0x311})));
  f.server(smb2({.command = 0, .message_id = 0, .response = true}, negotiateResponse(0x311)));
  ASSERT_EQ(f.sink.records.size(), 2u);
  EXPECT_EQ(f.sink.records[0].dir, Direction::ToServer);
  EXPECT_FALSE(f.sink.records[0].logged);
  EXPECT_EQ(f.sink.records[0].field("smb.version"), std::string("\0\0\0\2", 4));
  EXPECT_EQ(f.sink.records[1].dir, Direction::ToClient);
  EXPECT_TRUE(f.sink.records[1].logged);
  EXPECT_EQ(f.sink.records[1].field("smb.version"), std::string("\0\0\0\2", 4));
  const auto eve = f.sink.records[1].json();
  EXPECT_STREQ(eve["command"].GetString(), "SMB2_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_STREQ(eve["dialect"].GetString(), "3.11");
  EXPECT_STREQ(eve["status"].GetString(), "STATUS_SUCCESS");
  ASSERT_EQ(eve["client_dialects"].Size(), 3u);
  EXPECT_STREQ(eve["client_dialects"][0].GetString(), "2.02");
  EXPECT_EQ(f.sink.bad, 0);
}

TEST(SmbProtocol, AnSmb2AnswerToAnSmb1NegotiateCompletesAnSmb1Transaction) {
  Flow f;
  f.client(smb1({.command = 0x72, .unicode = false}, {}, ascii(std::string("\x02NT LM 0.12\0\x02SMB 2.002\0", 24))));
  f.server(smb2({.command = 0, .message_id = 0, .response = true}, negotiateResponse(0x202)));
  ASSERT_EQ(f.sink.records.size(), 2u);
  for (const Record& r : f.sink.records) EXPECT_EQ(r.field("smb.version"), std::string("\0\0\0\1", 4));
  const auto eve = f.sink.records[1].json();
  EXPECT_STREQ(eve["command"].GetString(), "SMB1_COMMAND_NEGOTIATE_PROTOCOL");
  EXPECT_STREQ(eve["dialect"].GetString(), "2.02");
}

TEST(SmbProtocol, APipeShareIsANamedPipeOnceTheResponseSaysSoAndADiskShareAShare) {
  Flow f;
  connect(f, "\\\\srv\\IPC$", 2, 7);
  EXPECT_TRUE(f.sink.with("smb.named_pipe").empty()) << "the request side waits for the client's next message";
  f.client(smb2({.command = 3, .message_id = 2}, treeConnectRequest("\\\\srv\\C$")));
  ASSERT_EQ(f.sink.with("smb.named_pipe").size(), 1u);
  EXPECT_EQ(f.sink.with("smb.named_pipe")[0].field("smb.named_pipe"), "\\\\srv\\IPC$");
  EXPECT_EQ(f.sink.with("smb.named_pipe")[0].dir, Direction::ToServer);
  f.server(smb2({.command = 3, .message_id = 2, .response = true, .tree_id = 8}, treeConnectResponse(1)));
  f.end();
  ASSERT_EQ(f.sink.with("smb.share").size(), 1u);
  EXPECT_EQ(f.sink.with("smb.share")[0].field("smb.share"), "\\\\srv\\C$");
  const auto pipe_eve = f.sink.records[0].json();  // the response side, logged when it came
  EXPECT_STREQ(pipe_eve["share"].GetString(), "\\\\srv\\IPC$");
  EXPECT_STREQ(pipe_eve["share_type"].GetString(), "PIPE");
}

TEST(SmbProtocol, APipelinedTreeConnectIsSeenAsAShareBeforeItsAnswer) {
  Flow f;
  f.client(smb2({.command = 3, .message_id = 1}, treeConnectRequest("\\\\srv\\IPC$")));
  f.client(smb2({.command = 5, .message_id = 2}, createRequest("x")));
  EXPECT_EQ(f.sink.with("smb.share").size(), 1u);
  EXPECT_TRUE(f.sink.with("smb.named_pipe").empty());
}

TEST(SmbProtocol, SessionSetupNamesTheNtlmsspUserDomainAndHost) {
  Flow f;
  // SPNEGO wraps the NTLMSSP message; the reader finds it inside.
  const Bytes blob = cat({Bytes{0xa1, 0x82, 0x01, 0x00, 0x30, 0x81, 0x80}, ntlmsspAuth("CONTOSO", "Administrator", "WS1")});
  f.client(smb2({.command = 1, .message_id = 3}, sessionSetupRequest(blob)));
  ASSERT_EQ(f.sink.records.size(), 1u);
  EXPECT_EQ(f.sink.records[0].field("smb.ntlmssp_user"), "Administrator");
  EXPECT_EQ(f.sink.records[0].field("smb.ntlmssp_domain"), "CONTOSO");
  f.server(smb2({.command = 1, .message_id = 3, .response = true}, cat({le16(9), zeros(6)})));
  const auto eve = f.sink.records.back().json();
  EXPECT_STREQ(eve["ntlmssp"]["user"].GetString(), "Administrator");
  EXPECT_STREQ(eve["ntlmssp"]["domain"].GetString(), "CONTOSO");
  EXPECT_STREQ(eve["ntlmssp"]["host"].GetString(), "WS1");
}

TEST(NtlmsspAuth, ReadsOnlyAuthenticateMessagesWithinTheirBounds) {
  NtlmsspAuth auth;
  const Bytes ok = ntlmsspAuth("D", "U", "H");
  EXPECT_EQ(readNtlmsspAuth(ok.data(), ok.size(), auth), NtlmsspRead::Auth);
  Bytes negotiate = ok;
  negotiate[8] = 1;
  EXPECT_EQ(readNtlmsspAuth(negotiate.data(), negotiate.size(), auth), NtlmsspRead::Other);
  const Bytes kerberos = ascii("\x60\x82\x01\x00 a Kerberos token");
  EXPECT_EQ(readNtlmsspAuth(kerberos.data(), kerberos.size(), auth), NtlmsspRead::Other);
  Bytes outside = ok;
  outside[36 + 4] = 0xf0;  // the user's offset past the message
  EXPECT_EQ(readNtlmsspAuth(outside.data(), outside.size(), auth), NtlmsspRead::Malformed);
  const Bytes cut(ok.begin(), ok.begin() + 40);
  EXPECT_EQ(readNtlmsspAuth(cut.data(), cut.size(), auth), NtlmsspRead::Malformed);
}

TEST(SmbProtocol, WritesToARegularFileAreATrackedFileInOffsetOrderAndOverlapsAreRaised) {
  Flow f;
  connect(f, "\\\\srv\\PUBLIC", 1, 5);
  f.client(smb2({.command = 5, .message_id = 2, .tree_id = 5}, createRequest("dir\\eicar.com")));
  f.server(smb2({.command = 5, .message_id = 2, .response = true, .tree_id = 5}, createResponse(42)));
  f.client(smb2({.command = 9, .message_id = 3, .tree_id = 5}, writeRequest(42, 0, Bytes(kEicar.begin(), kEicar.begin() + 1))));
  f.client(smb2({.command = 9, .message_id = 4, .tree_id = 5}, writeRequest(42, 0, kEicar)));
  f.client(smb2({.command = 6, .message_id = 5, .tree_id = 5}, closeRequest(42)));
  ASSERT_EQ(f.sink.files.size(), 1u);
  const FileCall& file = f.sink.files[0];
  EXPECT_EQ(file.name, "dir\\eicar.com");
  EXPECT_EQ(file.dir, Direction::ToServer);
  EXPECT_EQ(file.bytes, std::string(kEicar.begin(), kEicar.end())) << "the overlapping byte is skipped";
  EXPECT_TRUE(file.closed);
  EXPECT_TRUE(file.complete);
  EXPECT_EQ(f.sink.withEvent(AppLayerEvent::SmbFileOverlap), 2u) << "one transaction, seen from both sides";
}

TEST(SmbProtocol, ReadsAreDownloadsAndAHoleOrTheFlowsEndLeavesThemTruncated) {
  Flow f;
  connect(f, "\\\\srv\\D", 1, 5);
  f.client(smb2({.command = 5, .message_id = 2, .tree_id = 5}, createRequest("a.bin")));
  f.server(smb2({.command = 5, .message_id = 2, .response = true, .tree_id = 5}, createResponse(9)));
  f.client(smb2({.command = 8, .message_id = 3, .tree_id = 5}, readRequest(9, 0, 4)));
  f.server(smb2({.command = 8, .message_id = 3, .response = true, .tree_id = 5}, readResponse(ascii("abcd"))));
  f.client(smb2({.command = 8, .message_id = 4, .tree_id = 5}, readRequest(9, 10, 2)));
  f.server(smb2({.command = 8, .message_id = 4, .response = true, .tree_id = 5}, readResponse(ascii("kl"))));
  f.end();
  ASSERT_EQ(f.sink.files.size(), 1u);
  EXPECT_EQ(f.sink.files[0].dir, Direction::ToClient);
  EXPECT_EQ(f.sink.files[0].bytes, "abcdkl");
  EXPECT_EQ(f.sink.files[0].gap, 6u);
  EXPECT_TRUE(f.sink.files[0].closed);
  EXPECT_FALSE(f.sink.files[0].complete);
}

TEST(SmbProtocol, NamedPipePayloadGoesToThePipeSinkInOrderNotToFiles) {
  Pipes pipes;
  SmbSession session(&pipes);
  Collected sink;
  auto msg = [&](Direction dir, const Bytes& m) { session.onMessage(dir, m.data(), m.size(), sink); };
  msg(Direction::ToServer, smb2({.command = 3, .message_id = 1}, treeConnectRequest("\\\\srv\\IPC$")));
  msg(Direction::ToClient, smb2({.command = 3, .message_id = 1, .response = true, .tree_id = 3}, treeConnectResponse(2)));
  msg(Direction::ToServer, smb2({.command = 5, .message_id = 2, .tree_id = 3}, createRequest("srvsvc")));
  msg(Direction::ToClient, smb2({.command = 5, .message_id = 2, .response = true, .tree_id = 3}, createResponse(77)));
  msg(Direction::ToServer, smb2({.command = 9, .message_id = 3, .tree_id = 3}, writeRequest(77, 0, ascii("bind"))));
  msg(Direction::ToServer, smb2({.command = 8, .message_id = 4, .tree_id = 3}, readRequest(77, 0, 1024)));
  msg(Direction::ToClient, smb2({.command = 8, .message_id = 4, .response = true, .tree_id = 3}, readResponse(ascii("ack"))));
  msg(Direction::ToServer, smb2({.command = 11, .message_id = 5, .tree_id = 3}, ioctlRequest(77, kPipeTransceive, ascii("req"))));
  msg(Direction::ToClient, smb2({.command = 11, .message_id = 5, .response = true, .tree_id = 3}, ioctlResponse(77, kPipeTransceive, ascii("resp"))));
  session.onEnd(sink);
  ASSERT_EQ(pipes.seen.size(), 4u);
  EXPECT_EQ(pipes.seen[0].bytes, "bind");
  EXPECT_EQ(pipes.seen[0].dir, Direction::ToServer);
  EXPECT_EQ(pipes.seen[1].bytes, "ack");
  EXPECT_EQ(pipes.seen[1].dir, Direction::ToClient);
  EXPECT_EQ(pipes.seen[2].bytes, "req");
  EXPECT_EQ(pipes.seen[3].bytes, "resp");
  EXPECT_EQ(pipes.seen[0].pipe, 77u);
  EXPECT_TRUE(sink.files.empty());
}

TEST(SmbProtocol, CompoundedMessagesAreEachATransactionAndInterimAnswersCompleteNothing) {
  Flow f;
  const Bytes first = smb2({.command = 16, .message_id = 7, .next = 64 + 8}, zeros(8));
  const Bytes second = smb2({.command = 16, .message_id = 8}, zeros(8));
  f.client(cat({first, second}));
  EXPECT_EQ(f.sink.records.size(), 2u);
  f.server(smb2({.command = 16, .message_id = 7, .response = true, .status = 0x103}, zeros(8)));
  EXPECT_EQ(f.sink.records.size(), 2u) << "STATUS_PENDING";
  f.server(smb2({.command = 16, .message_id = 7, .response = true}, zeros(8)));
  EXPECT_EQ(f.sink.records.size(), 3u);
  EXPECT_EQ(f.sink.bad, 0);
}

TEST(SmbProtocol, Smb1NamesAreReadUnicodeOrAsciiAndWriteAndXFeedsTheFile) {
  for (const bool unicode : {true, false}) {
    Flow f;
    const Bytes path = unicode ? cat({utf16("\\\\SRV\\PUBLIC"), zeros(2)}) : cat({ascii("\\\\SRV\\PUBLIC"), zeros(1)});
    // TREE_CONNECT_ANDX: a 1-byte password, then (Unicode: 2-aligned) the path and service.
    const Bytes tree_words = cat({{0xff, 0}, le16(0), le16(0), le16(1)});
    const Bytes tree_bytes = cat({{0}, unicode ? Bytes{} : Bytes{}, path, ascii("?????"), {0}});
    f.client(smb1({.command = 0x75, .unicode = unicode, .mid = 1}, tree_words, tree_bytes));
    f.server(smb1({.command = 0x75, .reply = true, .unicode = unicode, .tid = 9, .mid = 1},
                  cat({{0xff, 0}, le16(0), le16(1)}), cat({ascii("A:"), {0}})));
    // NT_CREATE_ANDX: 24 words, the name in the bytes.
    const Bytes name = unicode ? cat({{0}, utf16("\\eicar"), zeros(2)}) : cat({ascii("\\eicar"), {0}});
    f.client(smb1({.command = 0xa2, .unicode = unicode, .tid = 9, .mid = 2}, cat({{0xff, 0}, le16(0), zeros(44)}), name));
    f.server(smb1({.command = 0xa2, .reply = true, .unicode = unicode, .tid = 9, .mid = 2},
                  cat({{0xff, 0}, le16(0), {0}, le16(0x4006), zeros(61)}), {}));
    // WRITE_ANDX (12 words): the data at DataOffset from the header's start.
    const size_t data_at = 32 + 1 + 24 + 2;
    const Bytes write_words = cat({{0xff, 0}, le16(0), le16(0x4006), le32(0), le32(0), le16(0), le16(0), le16(0),
                                   le16(static_cast<uint16_t>(kEicar.size())), le16(static_cast<uint16_t>(data_at))});
    f.client(smb1({.command = 0x2f, .unicode = unicode, .tid = 9, .mid = 3}, write_words, kEicar));
    f.client(smb1({.command = 0x04, .unicode = unicode, .tid = 9, .mid = 4}, cat({le16(0x4006), le32(0)}), {}));
    ASSERT_EQ(f.sink.with("smb.share").size(), 1u) << unicode;
    EXPECT_EQ(f.sink.with("smb.share")[0].field("smb.share"), "\\\\SRV\\PUBLIC") << unicode;
    ASSERT_EQ(f.sink.files.size(), 1u) << unicode;
    EXPECT_EQ(f.sink.files[0].name, "\\eicar") << unicode;
    EXPECT_EQ(f.sink.files[0].bytes, std::string(kEicar.begin(), kEicar.end())) << unicode;
    EXPECT_TRUE(f.sink.files[0].complete) << unicode;
    EXPECT_EQ(f.sink.with("smb.version")[0].field("smb.version"), std::string("\0\0\0\1", 4));
    EXPECT_EQ(f.sink.bad, 0) << unicode;
  }
}

TEST(SmbProtocol, MessagesSplitAtEveryByteParseAsWhole) {
  Flow whole, split;
  const Bytes stream = cat({nbss(smb2({.command = 3, .message_id = 1}, treeConnectRequest("\\\\s\\IPC$"))),
                            nbss(smb2({.command = 1, .message_id = 2}, sessionSetupRequest(ntlmsspAuth("D", "U", "H"))))});
  whole.parser->onData(Direction::ToServer, stream.data(), stream.size(), whole.sink);
  for (uint8_t b : stream) split.parser->onData(Direction::ToServer, &b, 1, split.sink);
  whole.end();
  split.end();
  ASSERT_EQ(whole.sink.records.size(), split.sink.records.size());
  EXPECT_EQ(split.sink.with("smb.ntlmssp_user").size(), 1u);
  EXPECT_EQ(split.sink.with("smb.share").size(), 1u);
}

TEST(SmbProtocol, HostileInputIsBoundedAndCounted) {
  {
    Flow f;  // more outstanding requests than the table holds
    for (uint64_t id = 0; id < SmbSession::kMaxTransactions + 3; ++id) f.client(smb2({.command = 13, .message_id = id}, zeros(4)));
    EXPECT_EQ(f.sink.bad, 3);
    EXPECT_EQ(f.sink.withEvent(AppLayerEvent::SmbTooManyTransactions), 6u);
  }
  {
    Flow f;  // a record past kMaxRecord ends the direction
    const Bytes huge{0, 0x7f, 0xff, 0xff};
    f.parser->onData(Direction::ToServer, huge.data(), huge.size(), f.sink);
    EXPECT_EQ(f.sink.bad, 1);
    EXPECT_EQ(f.sink.withEvent(AppLayerEvent::SmbRecordOverflow), 2u);
    f.client(smb2({.command = 13, .message_id = 1}, zeros(4)));
    EXPECT_EQ(f.sink.with("smb.version").size(), 0u);
  }
  {
    Flow f;  // fields pointing outside their message, a short header, a bad NextCommand
    Bytes tree = smb2({.command = 3, .message_id = 1}, treeConnectRequest("\\\\s\\x"));
    tree[64 + 4] = 0xff;  // PathOffset
    f.client(tree);
    f.client(Bytes{0xfe, 'S', 'M', 'B', 0});
    f.client(smb2({.command = 13, .message_id = 2, .next = 4000}, zeros(4)));
    f.client(smb2({.command = 9, .message_id = 3}, cat({le16(49), le16(60000), le32(100000), zeros(40)})));
    EXPECT_EQ(f.sink.bad, 3);
    EXPECT_GE(f.sink.withEvent(AppLayerEvent::SmbMalformedData), 6u);
  }
  {
    Flow f;  // SMB3 encrypted: counted, nothing read
    f.client(cat({{0xfd, 'S', 'M', 'B'}, zeros(60)}));
    EXPECT_TRUE(f.sink.records.empty());
    EXPECT_EQ(f.sink.bad, 0);
  }
}

}  // namespace
}  // namespace mamori
