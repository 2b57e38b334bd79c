// Names and rendering for Status codes.
#include "renkei/core/status.h"

namespace renkei {

std::string_view statusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidInput: return "InvalidInput";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::TooLarge: return "TooLarge";
    case StatusCode::Unsupported: return "Unsupported";
    case StatusCode::Unavailable: return "Unavailable";
    case StatusCode::Conflict: return "Conflict";
    case StatusCode::Internal: return "Internal";
  }
  return "Unknown";
}

std::string Status::toString() const {
  if (ok()) return "Ok";
  std::string out(statusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace renkei
