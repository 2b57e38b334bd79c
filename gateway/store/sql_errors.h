// What a database exception means for the caller, as a Status: Conflict for a unique-key race
// (two writers of one key: the next try finds the other's row), Unavailable for what passes by
// itself or by an operator's hand (connection lost, busy or locked, serialization failure or
// deadlock, disk full, I/O errors), Internal for what retrying cannot cure (any other constraint
// violation, type mismatch, oversized or malformed data, bad SQL, an exception from our own code)
// — the pipeline turns that message or delivery into a FAILED or DEAD row with the reason. The
// message never quotes row values (PostgreSQL's DETAIL can hold identifiers).
#pragma once

#include <string>

#include "renkei/core/status.h"

namespace renkei::store {

/// The status for the exception being handled; call it only inside a catch block.
Status statusFromCurrentException();

/// The database's message without the parts that can quote row values.
std::string withoutValues(const std::string& what);

}  // namespace renkei::store
