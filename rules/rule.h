#pragma once
// One signature as loaded from a rule file: header compiled to matchers, options
// decoded. Produced by RuleParser, consumed by detect's SignatureDatabase; it knows
// nothing about Hyperscan or packets beyond addresses, ports and protocol numbers.
#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/address_matcher.h"
#include "rules/dataset.h"
#include "rules/hash_list.h"
#include "rules/ip_reputation.h"
#include "rules/port_matcher.h"
#include "rules/public_suffix_list.h"
#include "rules/rule_metadata.h"
#include "rules/rule_regex.h"

namespace mamori {

enum class RuleAction : uint8_t { Alert, Pass, Drop, Reject, RejectSrc, RejectDst, RejectBoth };
const char* ruleActionName(RuleAction action);  // as written in rules: "alert", "rejectsrc", ...

enum class RuleDirection : uint8_t {
  Forward,        // ->  source to destination only
  Bidirectional,  // <>  either way round
  Transactional,  // =>  source to destination, once per transaction with both its sides
};

struct RuleProtocol {
  std::string name;              // as written: "tcp", "icmp", "http", ...
  std::bitset<256> ip_protocols; // IP protocol numbers the rule can see
  uint8_t ip_version = 0;        // 0: both; 4 or 6 for "ipv4" / "ipv6" rules
  // An application protocol ("http", "dns", ...): the rule applies only to flows where
  // that protocol was identified, so it needs app-layer detection, not just a transport.
  bool app_layer = false;
  // pkthdr: also frames that are not IP or that the decoder could not finish.
  bool any_frame = false;
  // ether: frames with an Ethernet header, IP or not; arp: frames of that ethertype only.
  bool ethernet = false;
  uint16_t ethertype = 0;

  // An IP packet of that version and protocol (version 0: not IP).
  bool matches(uint8_t version, uint8_t proto) const {
    if (version == 0) return any_frame || ethernet;
    return ethertype == 0 && (ip_version == 0 || ip_version == version) && ip_protocols.test(proto);
  }
  // A frame: its ethertype, and whether it has an Ethernet header.
  bool matches(uint8_t version, uint8_t proto, uint16_t frame_type, bool has_ethernet) const {
    if (ethernet && !has_ethernet) return false;
    if (ethertype) return version == 0 && frame_type == ethertype;
    return matches(version, proto);
  }
  // Whether the rule can match a frame that is not IP.
  bool seesFrames() const { return any_frame || ethernet || ethertype != 0; }
};

// A number a keyword takes either as written or from a byte_extract / byte_math
// variable of the same rule, read when the rule is verified.
struct RuleValue {
  int64_t value = 0;
  int variable = -1;  // index into Rule::variables; -1: the literal `value`
};

// Suricata's integer comparisons ("5", "<5", ">=5", "!5", "3-7", "3<>7", "!3-7"); ranges
// exclude their ends, as Suricata's do.
struct NumericTest {
  enum class Op : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Range, NotRange };
  Op op = Op::Eq;
  uint64_t a = 0, b = 0;

  bool matches(uint64_t v) const {
    switch (op) {
      case Op::Eq: return v == a;
      case Op::Ne: return v != a;
      case Op::Lt: return v < a;
      case Op::Le: return v <= a;
      case Op::Gt: return v > a;
      case Op::Ge: return v >= a;
      case Op::Range: return v > a && v < b;
      case Op::NotRange: return v <= a || v >= b;
    }
    return false;
  }
};

struct ContentMatch {
  std::string bytes;     // after |hex| and escape decoding
  bool nocase = false;
  bool negated = false;  // content:!"..." : the rule needs it absent
  bool has_offset = false, has_depth = false, has_distance = false, has_within = false;
  RuleValue offset, depth, distance, within;
  bool startswith = false, endswith = false;
  bool fast_pattern = false, fast_pattern_only = false;
  // fast_pattern:offset,length: only that slice goes to the prefilter.
  uint32_t chop_offset = 0, chop_length = 0;

  // distance / within place it after the previous payload match, not from the start.
  bool relative() const { return has_distance || has_within; }
};

struct PcreMatch {
  std::shared_ptr<const RuleRegex> regex;
  bool negated = false;
  bool relative = false;  // R: from the end of the previous payload match
};

enum class ByteEndian : uint8_t { Big, Little };

// How byte_* read a number: `bytes` raw bytes in `endian`, or `bytes` characters of
// text in base `base` (10, 16, 8) when `string` is set.
struct ByteReader {
  uint8_t bytes = 1;
  // byte_test / byte_jump / byte_math: the count from a variable instead (Suricata 7); a
  // value outside what `bytes` may be makes the keyword not match.
  int bytes_variable = -1;
  bool string = false;
  uint8_t base = 10;
  ByteEndian endian = ByteEndian::Big;
  uint32_t bitmask = 0;  // 0: none
  RuleValue offset;
  bool relative = false;
};

struct ByteTest {
  enum class Op : uint8_t { Lt, Gt, Eq, Le, Ge, And, Xor };
  ByteReader reader;
  Op op = Op::Eq;
  bool negated = false;
  RuleValue value;
};

struct ByteJump {
  ByteReader reader;
  uint32_t multiplier = 1;
  bool align = false, from_beginning = false, from_end = false;
  int32_t post_offset = 0;
};

struct ByteExtract {
  ByteReader reader;
  uint32_t multiplier = 1;
  uint8_t align = 0;  // 0, 2 or 4
  int variable = 0;   // index into Rule::variables
};

struct ByteMath {
  enum class Op : uint8_t { Add, Sub, Mul, Div, Shl, Shr };
  ByteReader reader;
  Op op = Op::Add;
  RuleValue rvalue;
  int variable = 0;  // result
};

struct IsDataAt {
  RuleValue position;
  bool relative = false;
  bool negated = false;
};

// base64_decode: decodes `bytes` bytes of the buffer from `offset` (after the previous
// match when relative) for Rule::base64_data, which then ends the chain: keywords after
// it in its own chain are never reached, as in Suricata.
struct Base64Decode {
  uint32_t bytes = 65535;  // of encoded input; Suricata's cap, also when 0 or none is given
  uint32_t offset = 0;
  bool relative = false;
};

// asn1: the BER objects decoded from an offset of the payload (absolute, or from where the
// previous match ended), children included; holds when one of them fails a check:
// a length over `oversize_length`, a BIT STRING whose unused-bits count exceeds its bits,
// a decimal-encoded REAL longer than 256 bytes (the MS ASN.1 library's overflow).
struct Asn1Check {
  bool bitstring_overflow = false, double_overflow = false;
  std::optional<uint32_t> oversize_length;
  std::optional<uint16_t> absolute_offset;
  std::optional<int32_t> relative_offset;
};

// dataset:CMD,NAME,... / datarep:NAME,OP,VALUE,...: the sticky buffer's whole value (after
// its transforms) tested against a named set (rules/dataset.h). Set adds the value and
// holds when it was not there yet; Unset removes it and holds when it was; IsSet and
// IsNotSet test; Reputation holds when the value is listed with a reputation passing
// `reputation`.
struct DatasetTest {
  enum class Cmd : uint8_t { Set, Unset, IsSet, IsNotSet, Reputation };
  Cmd cmd = Cmd::IsSet;
  std::shared_ptr<const Dataset> set;
  NumericTest reputation;
};

// Payload keywords in rule order: each relative one continues from where the one before
// it matched, so they are verified as one chain.
using PayloadMatch = std::variant<ContentMatch, PcreMatch, ByteTest, ByteJump, ByteExtract, ByteMath, IsDataAt,
                                  Base64Decode, Asn1Check, DatasetTest>;

// Packet header buffers a sticky-buffer keyword (ipv4.hdr, tcp.hdr, ...) points the
// following payload keywords at, each header with its options / extension headers.
enum class HeaderBuffer : uint8_t { Ipv4, Ipv6, Tcp, Udp, Icmpv4, Icmpv6, Ether };

struct HeaderBufferMatch {
  HeaderBuffer buffer;
  std::vector<PayloadMatch> matches;  // a chain of its own, as Rule::payload
};

// App-layer buffers: sticky-buffer keywords and legacy content modifiers point payload
// keywords at one of them. The app layer hands them in per transaction; which phase of a
// transaction provides which buffer is detect/app_buffers.h's business.
enum class AppBufferId : uint8_t {
  HttpUri, HttpUriRaw, HttpMethod, HttpHost, HttpHostRaw, HttpUserAgent, HttpHeader, HttpHeaderRaw,
  HttpHeaderNames, HttpCookie, HttpContentType, HttpContentLen, HttpRequestBody, HttpResponseBody,
  FileData, HttpStatCode, HttpStatMsg, HttpProtocol, HttpRequestLine, HttpResponseLine, HttpStart,
  HttpReferer, HttpAccept, HttpAcceptLang, HttpAcceptEnc, HttpConnection, HttpLocation, HttpServer,
  DnsQuery, TlsSni, TlsCertSubject, TlsCertIssuer, TlsCertSerial, TlsCertFingerprint, TlsCerts,
  Ja3Hash, Ja3String, Ja3sHash, Ja3sString, SshProto, SshSoftware,
  TlsVersion,  // not a sticky buffer: the version as 2 bytes big-endian, for tls.version
  TlsRandom, TlsRandomTime, TlsRandomBytes, HttpRequestHeader, HttpResponseHeader,
  DnsOpcode, DnsRcode, DnsRrtype,  // not sticky buffers: header fields (1 byte), query types (2 bytes each)
  FileName, FileMagic,  // of each tracked file (file.name, file.magic)
  Http2HeaderName, Http2Header,  // an HTTP/2 stream's header fields, one instance each
  Ja4Hash,
  Count
};
// The built-in buffers; the protocol plug-ins' follow (rules/protocol_buffers.h).
constexpr size_t kAppBufferCount = static_cast<size_t>(AppBufferId::Count);
const char* appBufferName(AppBufferId id);  // the sticky-buffer keyword: "http.uri", ...

// Which side of a transaction a buffer's keyword inspects, as Suricata registers it: the
// request's (http.uri, tls.sni), the response's (http.stat_code, ja3s.hash), or either
// (file.data, http.header, tls.random, dns.query: both sides have one).
enum class BufferDirection : uint8_t { Request, Response, Either };
BufferDirection appBufferDirection(AppBufferId id);

// For a buffer both sides have, which side's instance a rule inspects: named as
// "file.data: to_client", else Unnamed, the side the rule's direction gives.
enum class BufferSide : uint8_t { Unnamed, ToServer, ToClient };

// Transforms a sticky buffer's bytes go through before its keywords see them, in order,
// each with its parameters as parsed and checked at load.
struct Transform {
  enum class Kind : uint8_t {
    ToLowercase, ToUppercase, StripWhitespace, CompressWhitespace, DotPrefix, UrlDecode,
    Xor, FromBase64, Pcrexform, Subslice, Gunzip, ZlibDeflate, ToMd5, ToSha1, ToSha256,
    StripPseudoHeaders, HeaderLowercase, Domain, Tld,
  };
  // xor: a fixed key, or `key_length` bytes read at `key_offset` of the buffer itself;
  // the bytes before `start` are left as they are.
  struct Xor {
    std::string key;
    uint16_t key_offset = 0;
    uint8_t key_length = 0;  // 0: the fixed `key`
    uint32_t start = 0;
  };
  // from_base64: `bytes` (0: all) of the buffer from `offset`, decoded as `mode` says.
  struct FromBase64 {
    enum class Mode : uint8_t { Rfc4648, Rfc2045, Strict };
    uint32_t offset = 0, bytes = 0;
    Mode mode = Mode::Rfc4648;
  };
  // pcrexform: the regex's one capture group becomes the buffer.
  struct Pcrexform {
    std::shared_ptr<const RuleRegex> regex;
  };
  // subslice: from `offset` (negative: from the end), `length` bytes (negative: up to
  // that many before the end; none: to the end); out of range is clamped when
  // `truncate`, else the buffer becomes empty.
  struct Subslice {
    int64_t offset = 0;
    std::optional<int64_t> length;
    bool truncate = false;
  };
  // gunzip, zlib_deflate: at most `max_size` bytes of decompressed output.
  struct Decompress {
    uint32_t max_size = 0;
  };
  // domain, tld: the registrable domain or the public suffix of a name, by this list.
  struct Suffixes {
    std::shared_ptr<const PublicSuffixList> list;
  };

  Kind kind;
  std::variant<std::monostate, Xor, FromBase64, Pcrexform, Subslice, Decompress, Suffixes> params;
};

struct AppBufferMatch {
  AppBufferId buffer;
  BufferSide side = BufferSide::Unnamed;
  std::vector<Transform> transforms;
  std::vector<NumericTest> sizes;     // bsize, urilen: the length after the transforms
  std::vector<PayloadMatch> matches;  // a chain of its own, as Rule::payload
  // absent: the transaction must not have the buffer; absent:or_else: not have it, or
  // have one that passes `sizes` and `matches` (Suricata 8).
  enum class Absence : uint8_t { Present, Absent, AbsentOrElse };
  Absence absence = Absence::Present;
};

// tls.version: the buffer read as a big-endian number is one of `values` (none of them
// when negated). dns.opcode / dns.rcode / dns.rrtype: some instance passes `test` instead.
struct AppValueTest {
  AppBufferId buffer;
  std::vector<uint64_t> values;
  bool negated = false;
  std::optional<NumericTest> test;
  // A keyword with a matcher of its own (rules/protocol_buffers.h): what its parser read
  // from the value, in the matcher's layout (dcerpc.iface: the UUID's bytes).
  std::string operand = {};
};

// app-layer-protocol:[!]NAME[,MODE] on the flow's identified protocol; never matches while
// it is unknown. The mode (Suricata 8) says which of the flow's protocols: Original the
// one it had before it changed protocol (an HTTP/1 upgrade, STARTTLS), which a flow that
// never changed does not have; the others the one it has (mamori identifies one protocol
// per flow, for both directions).
struct AppProtocolTest {
  enum class Mode : uint8_t { Direction, Final, Either, ToServer, ToClient, Original };
  std::string name;
  bool negated = false;
  Mode mode = Mode::Direction;
};

// app-layer-event:PROTO.NAME, or a protocol detection event (applayer_NAME, `protocol`
// empty): the transaction or flow being inspected has raised it
// (rules/app_layer_event_names.h knows the names).
struct AppEventTest {
  std::string protocol;
  std::string name;  // lower-case
};

// filemd5 / filesha1 / filesha256: the file's hash is on the list (not on it when
// negated); a file without that hash (not computed, truncated) matches neither way.
struct FileHashTest {
  std::shared_ptr<const HashList> list;  // its digest_hex_length says which hash
  bool negated = false;
};

// filestore[:direction,scope]: keep the files of a match in the file store. Direction
// Rule: the rule's own (its flow keywords), else that side's files only. Scope File:
// the matching file; Tx and Flow are accepted and keep the matching file too.
struct FileStoreAction {
  enum class Direction : uint8_t { Rule, ToServer, ToClient, Both };
  enum class Scope : uint8_t { File, Tx, Flow };
  Direction direction = Direction::Rule;
  Scope scope = Scope::File;
};

// Keywords on each file a flow carries (file.name and file.magic are app buffers).
struct FileTests {
  std::vector<NumericTest> sizes;  // filesize; of a truncated file only '>' ('>=') can hold
  std::vector<FileHashTest> hashes;
  std::optional<FileStoreAction> store;

  bool any() const { return !sizes.empty() || !hashes.empty() || store.has_value(); }
};

// tcp.flags: `flags` must be set; Exact: no others outside `ignored`; Plus: others may
// be set too; Any: at least one of `flags`; Not: none of `flags`.
struct FlagTest {
  enum class Mode : uint8_t { Exact, Plus, Any, Not };
  Mode mode = Mode::Exact;
  uint8_t flags = 0;
  uint8_t ignored = 0;

  bool matches(uint8_t v) const {
    v &= static_cast<uint8_t>(~ignored);
    switch (mode) {
      case Mode::Exact: return v == flags;
      case Mode::Plus: return (v & flags) == flags;
      case Mode::Any: return (v & flags) != 0;
      case Mode::Not: return (v & flags) == 0;
    }
    return false;
  }
};

// Keywords on the packet headers, checked before any payload work.
struct HeaderTests {
  std::optional<NumericTest> ttl, ip_proto, itype, icode, icmp_id, icmp_seq, seq, ack, window,
      dsize, fragoffset;
  std::optional<NumericTest> icmpv6_mtu;  // of ICMPv6 Packet Too Big (type 2, code 0) only
  std::optional<NumericTest> tcp_mss;     // of a TCP header's MSS option; none: no match
  std::optional<FlagTest> flags;
  std::optional<FlagTest> fragbits;  // bits: 0x01 reserved, 0x02 more fragments, 0x04 don't fragment
  bool sameip = false;
};

// flow.pkts / flow.bytes: the flow's counters so far, in one direction or either.
struct FlowCounterTest {
  enum class Side : uint8_t { ToServer, ToClient, Either };
  Side side = Side::Either;
  NumericTest test;
};

// stream_size: how far a TCP stream's sequence numbers went (bytes + 1 for the SYN),
// of the server's or the client's side, both or either.
struct StreamSizeTest {
  enum class Side : uint8_t { Server, Client, Both, Either };
  Side side = Side::Either;
  NumericTest test;
};

struct FlowTests {
  bool established = false, not_established = false, stateless = false;
  bool to_server = false, to_client = false;
  bool only_stream = false, no_stream = false, only_frag = false, no_frag = false;
  std::optional<FlowCounterTest> packets, bytes;
  std::vector<StreamSizeTest> stream_size;  // each must hold (a rule may test both sides)
  std::optional<NumericTest> age;           // flow.age: whole seconds since the flow's first packet
};

struct FlowbitOp {
  enum class Cmd : uint8_t { Set, IsSet, IsNotSet, Unset, Toggle };
  Cmd cmd = Cmd::Set;
  std::vector<std::string> names;
  bool any = false;  // names joined by '|': one of them is enough (isset / isnotset)
};

struct FlowintOp {
  enum class Cmd : uint8_t { Assign, Add, Sub, Eq, Ne, Lt, Le, Gt, Ge, IsSet, NotSet };
  Cmd cmd = Cmd::Assign;
  std::string name;
  int64_t value = 0;
  std::string value_name;  // the operand is another flowint when set

  bool modifies() const { return cmd == Cmd::Assign || cmd == Cmd::Add || cmd == Cmd::Sub; }
};

// xbits: bits kept across flows, per host (the packet's source or destination address:
// one host's bits whichever way it is tracked) or per address pair (either way round),
// until `expire` seconds after they were last set.
struct XbitOp {
  enum class Cmd : uint8_t { Set, IsSet, IsNotSet, Unset, Toggle };
  enum class Track : uint8_t { IpSrc, IpDst, IpPair };
  Cmd cmd = Cmd::Set;
  std::string name;
  Track track = Track::IpSrc;
  uint32_t expire = 30;  // Suricata's default

  bool modifies() const { return cmd == Cmd::Set || cmd == Cmd::Unset || cmd == Cmd::Toggle; }
};

// iprep:SIDE,CATEGORY,OP[,VALUE]: the score the packet's source and / or destination
// address has in a reputation category (rules/ip_reputation.h): below, above or equal to
// VALUE, or whether it has one at all. Any: either address; Both: each.
struct IpRepTest {
  enum class Side : uint8_t { Any, Src, Dst, Both };
  enum class Op : uint8_t { Lt, Gt, Eq, IsSet, IsNotSet };
  Side side = Side::Any;
  uint8_t category = 0;
  Op op = Op::IsSet;
  uint8_t value = 0;
  std::shared_ptr<const IpReputation> table;
};

// threshold / detection_filter.
struct Threshold {
  // Backoff (Suricata 8, by_flow only): alerts on the count-th match, then each time the
  // matches reach count * multiplier^k, with no time window.
  enum class Type : uint8_t { Limit, Threshold, Both, Backoff };
  enum class Track : uint8_t { BySrc, ByDst, ByRule, ByBoth, ByFlow };
  Type type = Type::Threshold;
  Track track = Track::BySrc;
  uint32_t count = 1;
  uint32_t seconds = 1;
  uint32_t multiplier = 0;  // backoff only
  // detection_filter unique_on (Suricata 9): counts distinct ports, not matches.
  enum class UniqueOn : uint8_t { None, SrcPort, DstPort };
  UniqueOn unique_on = UniqueOn::None;
};

struct Rule {
  RuleAction action = RuleAction::Alert;
  RuleProtocol protocol;
  AddressMatcher source, destination;
  PortMatcher source_ports, destination_ports;
  RuleDirection direction = RuleDirection::Forward;

  std::string msg;
  uint32_t gid = 1, sid = 0, rev = 0;
  std::string classtype;  // shortname; empty when the rule has none
  std::string category;   // the classtype's description (EVE alert.category)
  int priority = 3;       // effective: priority: option, else the classtype's, else 3
  std::vector<std::string> references;  // "url,example.com/x", kept as written
  std::vector<std::string> metadata;    // each metadata option's text, as written
  std::shared_ptr<const RuleMetadata> metadata_pairs;  // the same, parsed; shared by its alerts

  std::vector<PayloadMatch> payload;     // in rule order
  std::vector<HeaderBufferMatch> header_buffers;
  std::vector<AppBufferMatch> app_buffers;  // one per buffer the rule names, in first-use order
  std::vector<PayloadMatch> base64_data;  // after base64_data: on what a base64_decode decoded
  std::vector<AppValueTest> app_values;
  std::vector<AppProtocolTest> app_protocols;
  std::vector<AppEventTest> app_events;  // all of them must have been raised
  FileTests files;  // filesize, filemd5 / filesha1 / filesha256, filestore
  std::vector<std::string> variables;    // byte_extract / byte_math results, by index
  HeaderTests header;
  FlowTests flow;
  std::vector<FlowbitOp> flowbits;
  std::vector<FlowintOp> flowints;
  std::vector<XbitOp> xbits;
  std::vector<IpRepTest> ipreps;  // all must hold
  // decode-event / stream-event: events the packet must carry, as "decoder.ipv6.trunc_pkt"
  // or "stream.3whs_synack_flood".
  std::vector<std::string> engine_events;
  std::optional<Threshold> threshold;         // suppresses alerts after matching
  std::optional<Threshold> detection_filter;  // alerts only past a rate
  bool noalert = false;  // noalert, or flowbits:noalert: state changes only

  std::string file;  // where the rule came from, for messages
  uint32_t line = 0;
  std::string text;  // the rule as written, continuation lines joined
};

}  // namespace mamori
