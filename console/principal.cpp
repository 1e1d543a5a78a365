#include "console/principal.h"

namespace mamori {

const char* roleName(Role role) { return role == Role::Analyst ? "analyst" : "viewer"; }

bool roleFromName(std::string_view name, Role& role) {
  if (name == "viewer") {
    role = Role::Viewer;
  } else if (name == "analyst") {
    role = Role::Analyst;
  } else {
    return false;
  }
  return true;
}

}  // namespace mamori
