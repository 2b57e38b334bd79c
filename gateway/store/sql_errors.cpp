// Classification of SQLite, PostgreSQL, POCO and standard exceptions into statuses.
#include "sql_errors.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <initializer_list>
#include <new>

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Exception.h>

namespace renkei::store {
namespace {

enum class Kind { Conflict, Transient, Permanent };

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool mentions(const std::string& lowered, std::initializer_list<const char*> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](const char* n) { return lowered.find(n) != std::string::npos; });
}

bool isUniqueViolation(const std::string& lowered) {
  return mentions(lowered, {"unique", "duplicate key"});
}

/// PostgreSQL reports everything as text (POCO keeps no SQLSTATE): the server's English
/// messages decide. What is not recognised is treated as transient (retried, never dropped).
Kind classifyText(const std::string& what) {
  const std::string t = lower(what);
  if (isUniqueViolation(t)) return Kind::Conflict;
  if (mentions(t, {"could not serialize", "deadlock detected", "lock timeout", "could not obtain lock",
                   "lock not available", "canceling statement", "terminating connection",
                   "server closed the connection", "connection", "the database system is",
                   "too many clients", "out of memory", "no space left", "could not extend",
                   "timeout", "timed out", "read-only transaction"})) {
    return Kind::Transient;
  }
  if (mentions(t, {"violates", "invalid byte sequence", "character with byte sequence",
                   "invalid input", "out of range", "value too long", "overflow", "syntax error",
                   "does not exist", "division by zero", "malformed", "null value"})) {
    return Kind::Permanent;
  }
  return Kind::Transient;
}

Status make(Kind kind, const std::string& what) {
  const std::string message = "store: " + withoutValues(what);
  switch (kind) {
    case Kind::Conflict: return Status::conflict(message);
    case Kind::Transient: return Status::unavailable(message);
    case Kind::Permanent: return Status::internal(message);
  }
  return Status::unavailable(message);
}

}  // namespace

std::string withoutValues(const std::string& what) {
  std::string out = what.substr(0, what.find("DETAIL"));
  out = out.substr(0, out.find('\n'));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

Status statusFromCurrentException() {
  namespace sqlite = Poco::Data::SQLite;
  namespace pg = Poco::Data::PostgreSQL;
  try {
    throw;
  } catch (const sqlite::ConstraintViolationException& e) {
    return make(isUniqueViolation(lower(e.displayText())) ? Kind::Conflict : Kind::Permanent,
                e.displayText());
  } catch (const sqlite::DataTypeMismatchException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const sqlite::RowTooBigException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const sqlite::ParameterCountMismatchException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const sqlite::InvalidSQLStatementException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const sqlite::InvalidLibraryUseException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const sqlite::SQLiteException& e) {
    // Busy, locked, I/O, full, read-only, cannot open, interrupted, corrupt: the database or
    // its disk, not the data.
    return make(Kind::Transient, e.displayText());
  } catch (const pg::ConnectionException& e) {
    return make(Kind::Transient, e.displayText());
  } catch (const pg::PostgreSQLException& e) {
    return make(classifyText(e.displayText()), e.displayText());
  } catch (const Poco::Data::BindingException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::Data::ExtractException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::Data::UnknownTypeException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::Data::LengthExceededException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::Data::DataException& e) {
    return make(classifyText(e.displayText()), e.displayText());
  } catch (const Poco::BadCastException& e) {
    // A value that does not convert (Dynamic::Var): our code or the data, not the database.
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::DataException& e) {
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::LogicException& e) {
    // Bad casts, invalid arguments, ranges, null pointers: our own code.
    return make(Kind::Permanent, e.displayText());
  } catch (const Poco::Exception& e) {
    const std::string t = lower(e.displayText());
    return make(isUniqueViolation(t) ? Kind::Conflict : Kind::Transient, e.displayText());
  } catch (const std::bad_alloc& e) {
    return make(Kind::Transient, e.what());
  } catch (const std::exception& e) {
    const std::string t = lower(e.what());
    return make(isUniqueViolation(t) ? Kind::Conflict : Kind::Permanent, e.what());
  } catch (...) {
    return make(Kind::Permanent, "unknown exception");
  }
}

}  // namespace renkei::store
