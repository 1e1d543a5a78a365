#pragma once
// LdapMessage: what one LDAPMessage (RFC 4511 section 4.1.1) says that detection and EVE use,
// as LdapMessageDecoder reads it out of the BER. Strings are views into the message's bytes
// (valid while they are); at most kMaxAttributeTypes attribute descriptions are kept, past
// which the rest are not (the message still is).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

// The protocolOp's APPLICATION tag number, which is also the number Suricata's
// ldap.request.operation / ldap.responses.operation compare.
enum class LdapOperation : uint8_t {
  BindRequest = 0,
  BindResponse = 1,
  UnbindRequest = 2,
  SearchRequest = 3,
  SearchResultEntry = 4,
  SearchResultDone = 5,
  ModifyRequest = 6,
  ModifyResponse = 7,
  AddRequest = 8,
  AddResponse = 9,
  DelRequest = 10,
  DelResponse = 11,
  ModDnRequest = 12,
  ModDnResponse = 13,
  CompareRequest = 14,
  CompareResponse = 15,
  AbandonRequest = 16,
  SearchResultReference = 19,
  ExtendedRequest = 23,
  ExtendedResponse = 24,
  IntermediateResponse = 25,
};

bool ldapIsRequest(LdapOperation op);
// A response after which no other answers its request: every one but a search's entries and
// references and an intermediate response.
bool ldapEndsRequest(LdapOperation op);

struct LdapMessage {
  static constexpr size_t kMaxAttributeTypes = 32;

  uint32_t message_id = 0;
  LdapOperation operation = LdapOperation::BindRequest;
  // The entry the operation names: a request's name / baseObject / object / entry, a search
  // result entry's objectName, an LDAPResult's matchedDN.
  std::string_view dn;
  // LDAPResult (every response but entries, references and intermediate responses).
  bool has_result = false;
  uint32_t result_code = 0;
  std::string_view diagnostic_message;
  // An extended or intermediate operation's name (an OID), a SASL bind's mechanism.
  std::string_view oid;
  std::string_view sasl_mechanism;
  // The attribute descriptions the message names: a search's requested attributes, an
  // entry's, an add's or a modify's types, a compare's assertion.
  std::array<std::string_view, kMaxAttributeTypes> attribute_types{};
  size_t attribute_type_count = 0;
  // Search: scope; bind: version; abandon: the message id it abandons.
  uint32_t number = 0;
};

}  // namespace mamori
