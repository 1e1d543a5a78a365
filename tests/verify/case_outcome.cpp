#include "tests/verify/case_outcome.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;

namespace mamori::test {
namespace {

constexpr size_t kMaxSidClauses = 4;  // beyond this a reason stops being readable

struct LoadFailure {
  uint32_t sid = 0;
  unsigned line = 0;
  std::string reason;
};

struct LoadReport {
  size_t loaded = 0;
  std::map<uint32_t, std::string> checked;  // why a rule of a sid the case checks did not load
  std::vector<LoadFailure> others;          // failures without a sid, or of a sid the case does not check
};

// Why rules in the case's file did not load, from `mamori rules check --json`.
LoadReport loadReport(const VerifyCase& c) {
  LoadReport report;
  auto r = run(mamoriBinary() + " rules check --json '" + c.rules() + "' 2>/dev/null");
  rapidjson::Document doc;
  doc.Parse(r.out.c_str(), r.out.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("failures") || !doc["failures"].IsArray()) {
    report.others.push_back({0, 0, "`mamori rules check --json` gave no report (exit " + std::to_string(r.exit_code) + ")"});
    return report;
  }
  if (doc.HasMember("loaded") && doc["loaded"].IsUint64()) report.loaded = doc["loaded"].GetUint64();
  std::set<uint32_t> checked;
  for (const auto& e : c.alerts) checked.insert(e.sid);
  for (const auto& f : doc["failures"].GetArray()) {
    LoadFailure failure{f["sid"].GetUint(), f["line"].GetUint(), f["reason"].GetString()};
    if (failure.sid && checked.count(failure.sid)) {
      report.checked.emplace(failure.sid, failure.reason);
    } else {
      report.others.push_back(failure);
    }
  }
  return report;
}

std::map<uint32_t, int64_t> alertsPerSid(const std::string& eve) {
  std::map<uint32_t, int64_t> got;
  EveLog log = EveLog::load(eve);
  for (const auto* a : log.ofType("alert")) ++got[uint32_t(EveLog::number(*a, "alert.signature_id"))];
  return got;
}

// The kind of a load failure, without what it names: "unsupported keyword 'flowbits'" and
// "unsupported keyword 'ttl'" are one kind, so the summary's tallies stay few.
std::string reasonKind(const std::string& reason) {
  std::string kind = reason.substr(0, reason.find_first_of(":'(\""));
  while (!kind.empty() && kind.back() == ' ') kind.pop_back();
  return kind;
}

std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string oneLine(std::string s) {
  for (char& ch : s)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  return s;
}

std::string lastLine(const std::string& out) {
  auto end = out.find_last_not_of("\n");
  if (end == std::string::npos) return "";
  auto start = out.rfind('\n', end);
  return out.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string alerts(int64_t n) { return std::to_string(n) + (n == 1 ? " alert" : " alerts"); }

// One clause per kind of wrong count; sids failing alike share one, as a rule set refused for one
// keyword often fails them all. `first_unloaded` gets the first load refusal among them.
std::vector<std::string> sidClauses(const std::vector<const ExpectedAlerts*>& wrong, std::map<uint32_t, int64_t>& got,
                                    const std::map<uint32_t, std::string>& not_loaded, std::string& first_unloaded) {
  struct Group {
    std::vector<std::string> sids;
    int64_t expected, got;
    std::string not_loaded;
  };
  std::vector<Group> groups;
  for (const auto* e : wrong) {
    auto it = not_loaded.find(e->sid);
    std::string why = it == not_loaded.end() ? "" : it->second;
    auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.expected == e->count && g.got == got[e->sid] && g.not_loaded == why;
    });
    if (same == groups.end()) same = groups.insert(groups.end(), {{}, e->count, got[e->sid], why});
    same->sids.push_back(std::to_string(e->sid));
  }
  std::vector<std::string> clauses;
  size_t unlisted = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    const auto& g = groups[i];
    if (i >= kMaxSidClauses) {
      unlisted += g.sids.size();
      continue;
    }
    bool many = g.sids.size() > 1;
    std::string clause = (many ? "sids " : "sid ") + joined(g.sids, ", ") + ": expected " + alerts(g.expected) +
                         (many ? " each" : "") + ", got " + std::to_string(g.got);
    if (!g.not_loaded.empty()) {
      clause += "; rule not loaded: " + g.not_loaded;
      if (first_unloaded.empty()) first_unloaded = g.not_loaded;
    }
    clauses.push_back(clause);
  }
  if (unlisted) clauses.push_back(std::to_string(unlisted) + " more sids wrong");
  return clauses;
}

// Why the case may not be something mamori can pass yet, whatever the counts say.
std::vector<std::string> caseNotes(const VerifyCase& c) {
  std::vector<std::string> notes;
  auto beyond = c.beyondIssue3();
  if (c.category() == CaseCategory::AppLayer) notes.push_back("needs the app layer; beyond issue 3: " + joined(beyond, ", "));
  if (c.category() == CaseCategory::OtherKeywords) notes.push_back("uses keywords beyond issue 3: " + joined(beyond, ", "));
  for (const auto& s : c.unmodelledSettings()) notes.push_back("Suricata ran with '" + s + "'");
  if (!c.min_version.empty()) notes.push_back("written for Suricata >= " + c.min_version);
  return notes;
}

std::string cachePath(const VerifyCase& c) {
  std::string file = c.name;
  for (char& ch : file)
    if (ch == '/') ch = '+';
  return binaryDir() + "/tests/verify-results/" + file;
}

// Outcomes depend on `mamori` (what it detects) and this binary (how reasons are worded).
std::string currentStamp() {
  auto mtime = [](const fs::path& p) {
    std::error_code ec;
    auto t = fs::last_write_time(p, ec);
    return ec ? std::string("missing") : std::to_string(t.time_since_epoch().count());
  };
  return mtime(mamoriBinary()) + "/" + mtime(fs::read_symlink("/proc/self/exe"));
}

void store(const VerifyCase& c, const CaseOutcome& o) {
  fs::path path = cachePath(c);
  fs::create_directories(path.parent_path());
  // Written aside and renamed, since the summary may read it while ctest -j runs this case.
  fs::path tmp = path.string() + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(tmp);
    out << currentStamp() << '\n' << o.passed << '\n' << o.cause << '\n' << o.reason << '\n';
  }
  fs::rename(tmp, path);
}

}  // namespace

CaseOutcome runCase(const VerifyCase& c, const std::string& work_dir) {
  fs::create_directories(work_dir);
  const std::string eve = work_dir + "/eve.json";
  std::string output;
  int rc = runMamori(c.pcap(), eve, "--rules '" + c.rules() + "' --workers 1", &output);
  auto got = alertsPerSid(eve);
  std::vector<const ExpectedAlerts*> wrong;
  for (const auto& e : c.alerts)
    if (got[e.sid] != e.count) wrong.push_back(&e);
  // Exit 2 is a damaged capture read up to the damage, as two of the corpus's pcaps are.
  // Exit 1 with no rule of the set loaded is mamori refusing to run a sensor that cannot
  // alert: no alert is then what it raised, and the load report says why.
  std::optional<LoadReport> loads;
  if (rc == 1) loads = loadReport(c);
  bool refused_without_rules = rc == 1 && loads->loaded == 0 && (!loads->checked.empty() || !loads->others.empty());
  bool ran = rc == 0 || rc == 2 || refused_without_rules;

  CaseOutcome o;
  o.passed = wrong.empty() && ran && !c.alerts.empty();
  if (!o.passed) {
    if (!loads) loads = loadReport(c);
    std::vector<std::string> parts;
    if (c.alerts.empty()) parts.push_back("expected.json lists no alerts");
    if (!ran) parts.push_back("mamori exited " + std::to_string(rc) + ": " + oneLine(lastLine(output)));
    std::string first_unloaded;
    for (auto& clause : sidClauses(wrong, got, loads->checked, first_unloaded)) parts.push_back(std::move(clause));
    if (!loads->others.empty()) {
      const auto& f = loads->others.front();
      size_t more = loads->others.size() - 1;
      std::string where = f.sid ? "sid " + std::to_string(f.sid) + ": " : f.line ? "line " + std::to_string(f.line) + ": " : "";
      parts.push_back("other rules not loaded: " + where + f.reason + (more ? " (and " + std::to_string(more) + " more)" : ""));
    }
    for (auto& n : caseNotes(c)) parts.push_back(std::move(n));
    o.reason = oneLine(joined(parts, "; "));
    if (!ran) {
      o.cause = rc >= 128 ? "mamori crashed" : "mamori run failed";
    } else if (!first_unloaded.empty()) {
      o.cause = "rule not loaded: " + reasonKind(first_unloaded);
    } else if (!loads->others.empty()) {
      o.cause = "another rule of the set not loaded: " + reasonKind(loads->others.front().reason);
    } else {
      o.cause = "rules loaded, alert counts differ";
    }
  }
  store(c, o);
  return o;
}

std::optional<CaseOutcome> cachedOutcome(const VerifyCase& c) {
  std::ifstream in(cachePath(c));
  std::string stamp, passed;
  CaseOutcome o;
  if (!std::getline(in, stamp) || stamp != currentStamp()) return std::nullopt;
  if (!std::getline(in, passed) || !std::getline(in, o.cause) || !std::getline(in, o.reason)) return std::nullopt;
  o.passed = passed == "1";
  return o;
}

}  // namespace mamori::test
