#pragma once
// Runs correlation rules over events in packet-time order and hands each firing to a
// CorrelationMatchSink.
//
// Consumes CorrelationEvents (alerts, flows, DNS / HTTP / TLS records) in packet-time
// order. Each correlation rule keeps, per group (the values of its group-by fields), the
// events its base rules selected within the last `timespan` of packet time: a sliding
// window, an event at t counting while now - t <= timespan. The condition is evaluated
// when an event joins a group:
//   event_count       events in the window (with max-jitter: and regular enough);
//   value_count       distinct values of `field` in the window;
//   temporal          distinct rules whose events are in the window;
//   temporal_ordered  the longest chain of the rules' events in the rules' order (each
//                     later rule's event no earlier than the one before).
// Emitting: when the condition holds and the group has not emitted within its hold (the
// timespan, at most max_hold), the match goes out at once; further evidence while it
// holds is held back and goes out when the hold has passed since the last emission (on
// advance(), on a later event, or at flush()), provided the condition still held at the
// group's last event. So a group emits at most once per hold, and a sustained attack is
// seen again each hold with its evidence grown; max_hold keeps that more often than the
// incident manager's inactivity, so a long-timespan rule's incident (beaconing, an hour)
// is not closed for quiet while its evidence is held back.
//
// After a restart, resume() puts back the groups of the incidents the store kept open:
// such a group is armed, so its first event (and any after it) matches without building
// up to the condition again, and the incident carries on.
//
// A correlation rule named in another's `rules` feeds it each match it emits, as an event
// of event_type "correlation" with its group-by fields.
//
// Bounded: at most max_groups_per_rule groups per rule (beyond it the least recently
// active group is dropped, counted as an eviction) and max_events_per_group events per
// group (beyond it the oldest is dropped, counted). Over all rules, memcap bounds what the
// groups hold by an estimate of their bytes (the group, its key and values, each event's
// place in the window, the evidence taken from it, value_count's distinct values): the
// product of the two caps above has no useful bound, and a flood of random sources fills
// every scan rule's groups. Beyond it the joining rule gives up its own least recently
// active groups, then its joining group's oldest events (counted as evictions and dropped
// events, and in memcapHits()): a rule cannot push out another's groups, so the engine
// holds at most memcap plus one group per rule. Deterministic: the same events give
// the same matches in the same order. Not thread-safe: one engine per pipeline.
//
// Costs: an event is matched against each base rule once, reading its fields in place;
// the groups it joins are found by hashing the joined group values (order never depends
// on the hash: the LRU list is in joining order, held-back matches are due by (time, rule,
// group values)). What a match's evidence needs of the event is taken once, packed, and
// shared by every group holding it. Each measure is kept as events join and leave, so
// joining a group costs the same however full its window is: the count, a count per
// distinct value (value_count), a count per rule (temporal), OrderedChains
// (temporal_ordered; an event arriving out of order, rare, rebuilds it from the window).
// The window is walked only to build a match, and for max-jitter once the count holds.
// correlation_bench (every default rule, a million alerts from 10 000 hosts over an hour,
// 40 000 groups), one core of the 2-core reference machine: 15 k events/s and 19.5 KB per
// group when the measures walked the window and each group held a copy of the event;
// 97-122 k events/s and 8.1 KB per group now, with the same matches. What remains is
// mostly allocation (an event's evidence, window storage, matches), the group lookup's
// cache misses, and building matches for the incident manager.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "correlate/correlation_event.h"
#include "correlate/correlation_match.h"
#include "correlate/correlation_rule.h"
#include "correlate/ordered_chains.h"

namespace mamori {

struct CorrelationEngineConfig {
  size_t max_groups_per_rule = 10'000;
  size_t max_events_per_group = 4'096;
  size_t memcap = size_t{128} << 20;  // bytes, estimated, all rules
  size_t max_evidence = 100;  // entries per evidence list of a match
  TimeUs max_hold = 450'000'000;  // packet time; the pipeline sets half the incident inactivity
};

struct CorrelationRuleCounters {
  std::string rule;
  uint64_t events = 0;     // events that joined one of its groups
  uint64_t matches = 0;    // matches emitted
  uint64_t evictions = 0;  // groups dropped for the cap
  uint64_t dropped_events = 0;  // events dropped for the per-group cap
};

class CorrelationEngine {
 public:
  CorrelationEngine(CorrelationRuleSet rules, CorrelationEngineConfig config, CorrelationMatchSink& sink);

  // Advances packet time to the event's first.
  void onEvent(const CorrelationEvent& event);
  // Packet time has reached `now`: sends held-back matches that are due, forgets groups
  // without an event in the last timespan.
  void advance(TimeUs now);
  // End of input: sends every held-back match and forgets all state.
  void flush();
  // A restarted process's open incident of `rule` for `group` (the rule's group-by names
  // and values, in order), last seen at `last_seen`: its group is armed as described
  // above until it has gone a timespan without an event. False when no rule of that name
  // groups by those names (the rules changed across the restart).
  bool resume(const std::string& rule, const std::vector<std::pair<std::string, std::string>>& group,
              TimeUs last_seen);

  const std::vector<CorrelationRuleCounters>& counters() const { return counters_; }  // by rule, in rule-set order
  size_t groups() const;
  size_t memoryBytes() const { return held_; }  // the estimate memcap bounds
  uint64_t memcapHits() const { return memcap_hits_; }  // groups and events given up for memcap
  const CorrelationRuleSet& rules() const { return rules_; }

 private:
  // What a match's evidence takes from one event, taken once per event and shared by the
  // groups of every rule that holds the event.
  struct Evidence {
    std::shared_ptr<const CorrelationMatch> match;  // a correlation event's: evidence to inherit
    IpAddress src_ip, dest_ip;
    uint16_t dest_port = 0;
    bool port = false;  // dest_port counts (TCP, UDP, SCTP)
    uint64_t flow_id = 0;
    uint64_t alert_id = 0;
    // Host: an address besides src_ip and dest_ip (an incident record's hosts); Sensor:
    // the sensor that wrote the record (its EVE `host`).
    enum class Kind : uint8_t { Domain, Tactic, Technique, SignatureId, Signature, Host, Sensor };
    // Texts in the event's field order, packed into one buffer as kind, length, bytes: an
    // event costs two allocations however many texts it has.
    std::string texts;

    void add(Kind kind, std::string_view text);
    template <typename F>  // F(Kind, std::string_view)
    void each(F&& f) const {
      for (size_t at = 0; at < texts.size();) {
        uint32_t length;
        std::memcpy(&length, texts.data() + at + 1, sizeof length);
        f(static_cast<Kind>(texts[at]), std::string_view(texts).substr(at + 1 + sizeof length, length));
        at += 1 + sizeof length + length;
      }
    }
  };
  struct Entry {
    TimeUs ts = 0;
    uint32_t stages = 0;  // bit i: the rule's input i selected the event
    uint32_t bytes = 0;   // charged to memcap when it joined
    std::pair<const std::string, uint32_t>* value = nullptr;  // value_count: its count in Group::distinct
    std::shared_ptr<const Evidence> evidence;
  };
  struct Group;
  using Slot = std::pair<const std::string, Group>;  // joined group values, group
  struct Group {
    std::vector<std::pair<std::string, std::string>> values;  // group-by name, value
    std::deque<Entry> entries;                                  // by ts
    std::unordered_map<std::string, uint32_t> distinct;         // value_count: value -> entries holding it
    std::vector<uint32_t> stage_entries;  // temporal: per input, entries it selected
    OrderedChains chains;                 // temporal_ordered
    std::list<Slot*>::iterator lru;       // in RuleState::lru
    TimeUs last_active = 0;
    uint64_t joined = 0, reported = 0;  // events that joined the group; of them, in a match already
    bool holds = false;  // the condition, at the last event
    bool emitted = false;
    TimeUs last_emit = 0;
    bool pending = false;  // held-back evidence, due at last_emit + hold
    bool resumed = false;  // an open incident's group put back after a restart
    size_t bytes = 0;  // charged to memcap: the group and its entries
  };
  struct RuleState {
    std::unordered_map<std::string, Group> groups;  // by joined group values
    std::list<Slot*> lru;                            // least recently joined first
  };
  using Due = std::tuple<TimeUs, size_t, std::string>;  // when, rule, group key

  void process(size_t rule, uint32_t stages, const CorrelationEvent& event, std::shared_ptr<const Evidence>& evidence);
  TimeUs hold(size_t rule) const;
  // A new group of `rule` for the values in key_, cut at key_ends_; not yet in the LRU.
  Slot& create(size_t rule);
  void evaluate(size_t rule, Slot& slot, TimeUs now);
  void emit(size_t rule, Group& group, TimeUs now);
  CorrelationMatch build(size_t rule, const Group& group) const;
  void prune(size_t rule, Group& group, TimeUs now);
  void popFront(size_t rule, Group& group);
  void drop(size_t rule, const std::string& key);
  // Drops the rule's least recently active group, its held-back match sent first.
  void evictOldest(size_t rule);
  // Gives up `rule`'s groups other than `joining`, then joining's oldest events, until
  // the engine is within memcap.
  void holdToMemcap(size_t rule, Slot& joining);
  void charge(Group& group, size_t bytes);
  uint64_t measure(const CorrelationRule& rule, const Group& group, std::vector<std::string>* stages) const;
  bool regular(const Group& group, double max_jitter) const;
  static std::shared_ptr<const Evidence> evidenceOf(const CorrelationEvent& event);

  CorrelationRuleSet rules_;
  CorrelationEngineConfig config_;
  CorrelationMatchSink& sink_;
  std::vector<RuleState> state_;
  std::vector<CorrelationRuleCounters> counters_;
  std::set<Due> due_;
  size_t held_ = 0;  // the sum of the groups' bytes
  uint64_t memcap_hits_ = 0;
  std::vector<std::vector<size_t>> readers_;  // correlation -> the correlations reading its matches
  RegexMatchData regex_data_;
  // Scratch reused by every event: base rule results, field lookups, the group key.
  std::vector<int8_t> base_hits_;
  CorrelationEvent::FieldValues found_;
  std::string key_, value_;
  std::vector<size_t> key_ends_;
};

}  // namespace mamori
