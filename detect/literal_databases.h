#pragma once
// Hyperscan block-mode literal databases of signatures' fast patterns, for the signature
// groups and the app-buffer databases alike.
#include <cstdint>
#include <vector>

#include "detect/hs_database_cache.h"
#include "detect/signature_groups.h"

struct hs_database;

namespace mamori {

struct Signature;

// One database per list of `cells` (indexes into `signatures`; Hyperscan ids are those
// indexes), compiled on every core: Hyperscan's compiler is thread-safe and a large rule
// set needs hundreds of databases. Empty when one is refused (then `refusal` says which),
// and none of them is kept.
std::vector<hs_database*> compileLiteralDatabases(const std::vector<Signature>& signatures,
                                                  const std::vector<const std::vector<uint32_t>*>& cells,
                                                  const HsDatabaseCache* cache, SignatureGroups::Refusal& refusal);

}  // namespace mamori
