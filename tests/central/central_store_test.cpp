// CentralStore: the checkpoint, the rule sets and the push audit trail, in the incident
// store's SQLite file, surviving a reopen.
#include <gtest/gtest.h>

#include "central/central_store.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

RuleSetPackage set(const std::string& text, const std::string& comment) {
  RuleSetPackage p;
  p.files = {{"a.rules", text}, {"b.yaml", "# correlation\n"}};
  p.comment = comment;
  return p;
}

TEST(CentralStore, CheckpointIsCommittedWithItsTransactionAndSurvivesAReopen) {
  const std::string path = test::tempDir() + "/central.db";
  {
    IncidentStore incidents = IncidentStore::open(path);
    CentralStore store(incidents);
    EXPECT_EQ(store.eveOffset(), 0u);
    EXPECT_TRUE(store.streams().empty());
    incidents.transaction([&] { store.saveCheckpoint(1234, {{"sensor-a", {"stream-1", 40}}}); });
    // A transaction that fails leaves the checkpoint as it was.
    EXPECT_ANY_THROW(incidents.transaction([&] {
      store.saveCheckpoint(9999, {{"sensor-a", {"stream-1", 99}}});
      throw std::runtime_error("the batch failed");
    }));
    incidents.transaction([&] { store.saveCheckpoint(2000, {{"sensor-b", {"stream-2", 7}}}); });
  }
  IncidentStore incidents = IncidentStore::open(path);
  CentralStore store(incidents);
  EXPECT_EQ(store.eveOffset(), 2000u);
  const auto streams = store.streams();
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams.at("sensor-a").stream, "stream-1");
  EXPECT_EQ(streams.at("sensor-a").last_seq, 40u);
  EXPECT_EQ(streams.at("sensor-b").last_seq, 7u);
}

TEST(CentralStore, KeepsRuleSetsByVersionAndPrunesAllButTheNewestAndTheCurrent) {
  const std::string path = test::tempDir() + "/central.db";
  IncidentStore incidents = IncidentStore::open(path);
  CentralStore store(incidents);
  std::vector<std::string> versions;
  for (int i = 0; i < 5; ++i) {
    RuleSetPackage p = set("alert ip any any -> any any (msg:\"" + std::to_string(i) + "\"; sid:1;)\n", "push " + std::to_string(i));
    const uint64_t seq = store.nextRuleSetSequence();
    EXPECT_EQ(seq, uint64_t(i + 1));
    p.version = RuleSetPackage::makeVersion(seq, p.contentHash());
    store.saveRuleSet(p, seq, "alice", "SHA256:0011223344556677", 1000 + i);
    versions.push_back(p.version);
  }
  auto back = store.loadRuleSet(versions[2]);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->comment, "push 2");
  ASSERT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->files[0].text, "alert ip any any -> any any (msg:\"2\"; sid:1;)\n");
  EXPECT_EQ(back->contentHash().substr(0, 12), versions[2].substr(2));

  store.setCurrentVersion(versions[0]);
  store.pruneRuleSets(2, versions[0]);
  EXPECT_TRUE(store.loadRuleSet(versions[0])) << "the current set is never pruned";
  EXPECT_FALSE(store.loadRuleSet(versions[1]));
  EXPECT_FALSE(store.loadRuleSet(versions[2]));
  EXPECT_TRUE(store.loadRuleSet(versions[4]));
  EXPECT_EQ(store.ruleSets().size(), 3u);
  EXPECT_EQ(store.nextRuleSetSequence(), 6u) << "pruned sets keep their numbers: versions are never reused";
  EXPECT_EQ(store.currentVersion(), versions[0]);
}

TEST(CentralStore, TheAuditTrailKeepsEveryPushAndEachSensorsResult) {
  const std::string path = test::tempDir() + "/central.db";
  IncidentStore incidents = IncidentStore::open(path);
  CentralStore store(incidents);
  PushRecord refused;
  refused.time_us = 1;
  refused.kind = "push";
  refused.author = "alice";
  refused.author_fingerprint = "SHA256:0011223344556677";
  refused.result = "refused";
  refused.errors = {"x.rules:1:5: sid 3: unterminated content"};
  store.addPush(refused);
  PushRecord accepted = refused;
  accepted.time_us = 2;
  accepted.result = "accepted";
  accepted.version = "1-0123456789ab";
  accepted.errors.clear();
  const uint64_t id = store.addPush(accepted);
  store.addPushResult(id, {"sensor-a", "ok", 100, 0.5, {}, 3});
  store.addPushResult(id, {"sensor-b", "refused", 0, 0.2, {"x.rules:1:1: sid 4: unknown variable $SCADA_NET"}, 4});
  EXPECT_EQ(store.latestPushOf("1-0123456789ab"), id);
  EXPECT_TRUE(store.refused("sensor-b", "1-0123456789ab"));
  EXPECT_FALSE(store.refused("sensor-a", "1-0123456789ab"));
  // A rollback to the same version is a new push: the refusal was of the earlier one.
  PushRecord rollback = accepted;
  rollback.kind = "rollback";
  store.addPush(rollback);
  EXPECT_FALSE(store.refused("sensor-b", "1-0123456789ab"));

  const auto pushes = store.pushes(10);
  ASSERT_EQ(pushes.size(), 3u);
  EXPECT_EQ(pushes[2].result, "refused");
  EXPECT_EQ(pushes[2].errors, refused.errors);
  ASSERT_EQ(pushes[1].sensors.size(), 2u);
  EXPECT_EQ(pushes[1].sensors[1].sensor, "sensor-b");
  EXPECT_EQ(pushes[1].sensors[1].errors.size(), 1u);
  EXPECT_EQ(pushes[0].kind, "rollback");
}

}  // namespace
}  // namespace mamori
