// The one error model for expected failures: Status (code + message) and Result<T>.
// Exceptions from third-party libraries are caught at adapter boundaries and turned into these.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace renkei {

enum class StatusCode {
  Ok,
  InvalidInput,  ///< the input is malformed or violates a rule
  NotFound,
  TooLarge,      ///< a size, depth or count limit was exceeded
  Unsupported,   ///< a format or feature Renkei does not handle
  Unavailable,   ///< a dependency (file, store, peer) cannot be reached now
  Conflict,
  Internal,
};

std::string_view statusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status okStatus() { return {}; }
  static Status invalidInput(std::string m) { return {StatusCode::InvalidInput, std::move(m)}; }
  static Status notFound(std::string m) { return {StatusCode::NotFound, std::move(m)}; }
  static Status tooLarge(std::string m) { return {StatusCode::TooLarge, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::Unsupported, std::move(m)}; }
  static Status unavailable(std::string m) { return {StatusCode::Unavailable, std::move(m)}; }
  static Status conflict(std::string m) { return {StatusCode::Conflict, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::Internal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::Ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "InvalidInput: message" for logs and CLI output.
  std::string toString() const;

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace renkei

/// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define RENKEI_RETURN_IF_ERROR(expr)      \
  do {                                    \
    ::renkei::Status renkei_st_ = (expr); \
    if (!renkei_st_.ok()) return renkei_st_; \
  } while (false)
