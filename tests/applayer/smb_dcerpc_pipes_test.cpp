// DCE/RPC over SMB named pipes: what the SMB session hands SmbDcerpcPipes per pipe becomes smb
// records carrying each call side's dcerpc fields, inspected only, a conversation per pipe.
#include "applayer/smb_dcerpc_pipes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/applayer/dcerpc_builder.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

namespace rpc = test::dcerpc;

const rpc::Iface kSpoolss{0, "12345678-1234-abcd-ef00-0123456789ab", 1, 0};

void feed(SmbDcerpcPipes& pipes, Direction dir, const SmbFileId& pipe, const std::vector<uint8_t>& b,
          ProtocolSink& sink) {
  pipes.onPipeData(dir, pipe, b.data(), b.size(), sink);
}

size_t countOf(const test::ProtocolRecords& r, size_t i, const std::string& name) {
  size_t n = 0;
  for (const auto& [field, value] : r.fields.at(i)) n += field == name;
  return n;
}

TEST(SmbDcerpcPipes, EachCallSideIsAnSmbRecordWithItsDcerpcFieldsInspectedOnly) {
  AppMemory memory(1 << 20);
  {
    SmbDcerpcPipes pipes(&memory);
    test::ProtocolRecords r;
    const SmbFileId spoolss{1, 2};
    feed(pipes, Direction::ToServer, spoolss, rpc::bind(1, {kSpoolss}), r);
    feed(pipes, Direction::ToClient, spoolss, rpc::bindAck(1, {0}), r);
    const size_t before = r.dirs.size();
    // The request split across two writes, as SMB may carry it.
    const std::vector<uint8_t> req = rpc::request(2, 0, 10, "stub");
    feed(pipes, Direction::ToServer, spoolss, std::vector<uint8_t>(req.begin(), req.begin() + 10), r);
    feed(pipes, Direction::ToServer, spoolss, std::vector<uint8_t>(req.begin() + 10, req.end()), r);
    feed(pipes, Direction::ToClient, spoolss, rpc::response(2, 0, "answer"), r);
    ASSERT_EQ(r.dirs.size(), before + 2);
    for (size_t i = before; i < r.dirs.size(); ++i) {
      EXPECT_FALSE(r.logged[i]) << "the SMB command carrying the call is what is logged";
      EXPECT_EQ(countOf(r, i, "dcerpc.iface"), 1u);
      EXPECT_EQ(countOf(r, i, "dcerpc.opnum"), 1u);
      EXPECT_EQ(countOf(r, i, "dcerpc.stub_data"), 1u);
    }
    EXPECT_EQ(r.dirs[before], Direction::ToServer);
    EXPECT_EQ(r.dirs[before + 1], Direction::ToClient);
    EXPECT_EQ(r.bad, 0);
  }
  EXPECT_EQ(memory.used(), 0u) << "every conversation gives back what it held";
}

TEST(SmbDcerpcPipes, EachPipeHasItsOwnConversationAndTheirNumberIsBounded) {
  SmbDcerpcPipes pipes(nullptr);
  test::ProtocolRecords r;
  // A request on a pipe whose bind went over another pipe knows no interface.
  feed(pipes, Direction::ToServer, SmbFileId{0, 1}, rpc::bind(1, {kSpoolss}), r);
  feed(pipes, Direction::ToClient, SmbFileId{0, 1}, rpc::bindAck(1, {0}), r);
  const size_t before = r.dirs.size();
  feed(pipes, Direction::ToServer, SmbFileId{0, 2}, rpc::request(2, 0, 10, "stub"), r);
  ASSERT_EQ(r.dirs.size(), before + 1);
  EXPECT_EQ(countOf(r, before, "dcerpc.iface"), 0u);
  for (uint64_t pipe = 3; pipe <= SmbDcerpcPipes::kMaxPipes + 2; ++pipe) {
    feed(pipes, Direction::ToServer, SmbFileId{0, pipe}, rpc::bind(1, {kSpoolss}), r);
  }
  EXPECT_EQ(r.bad, 2) << "the pipes past the bound are refused, counted";
}

}  // namespace
}  // namespace mamori
