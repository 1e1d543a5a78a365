#pragma once
// Who a console request is: a signed-in analyst's account or a script's API token, and the
// role that decides what it may do. Produced by Accounts (sign-in, tokens) and kept by
// SessionTable; the console's handlers read it. Plain values: no shared state.
#include <cstdint>
#include <string>
#include <string_view>

namespace mamori {

// viewer reads everything; analyst also acts on incidents.
enum class Role : uint8_t { Viewer, Analyst };

const char* roleName(Role role);  // "viewer", "analyst": as in the accounts file and the API
// False, leaving `role` as it was, for anything but a role's name.
bool roleFromName(std::string_view name, Role& role);

struct Principal {
  std::string name;  // the account's or the token's name: what the incident history records
  Role role = Role::Viewer;
  bool token = false;  // an API token (no session, no CSRF token)
};

}  // namespace mamori
