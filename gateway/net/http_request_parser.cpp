// The strict incremental HTTP/1.1 request parser (see http_request_parser.h for the rules).
#include "renkei/net/http_request_parser.h"

#include <algorithm>
#include <cctype>

namespace renkei::net {
namespace {

bool isTokenChar(unsigned char c) {
  return std::isalnum(c) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                     std::string_view::npos;
}

bool isFieldValueChar(unsigned char c) { return c == '\t' || c >= 0x20 ? c != 0x7f : false; }

std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Whether a comma-separated header value lists `token` (case-insensitive).
bool listsToken(std::string_view value, std::string_view token) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    if (lowerCase(trim(value.substr(start, comma - start))) == token) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view lowerName) const {
  for (const auto& [name, value] : headers) {
    if (name == lowerName) return value;
  }
  return {};
}

bool HttpRequest::hasHeader(std::string_view lowerName) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return h.first == lowerName; });
}

void HttpRequestParser::reset() {
  const HttpLimits limits = limits_;
  *this = HttpRequestParser(limits);
}

void HttpRequestParser::fail(int status, std::string text) {
  state_ = State::Error;
  errorStatus_ = status;
  errorText_ = std::move(text);
}

std::size_t HttpRequestParser::feed(std::string_view data) {
  switch (state_) {
    case State::Head:
      return feedHead(data);
    case State::Body:
      if (chunked_) return feedChunked(data);
      {
        const std::size_t take = static_cast<std::size_t>(
            std::min<int64_t>(contentLength_ - static_cast<int64_t>(request_.body.size()),
                              static_cast<int64_t>(data.size())));
        request_.body.append(data.substr(0, take));
        if (static_cast<int64_t>(request_.body.size()) == contentLength_) state_ = State::Done;
        return take;
      }
    default:
      return 0;
  }
}

std::size_t HttpRequestParser::feedHead(std::string_view data) {
  std::size_t used = 0;
  // Empty lines before a request line are tolerated (RFC 9112 §2.2).
  while (head_.empty() && used + 1 < data.size() && data[used] == '\r' && data[used + 1] == '\n') {
    used += 2;
  }
  for (; used < data.size(); ++used) {
    const char c = data[used];
    if (c == '\n' && (head_.empty() || head_.back() != '\r')) {
      fail(400, "a header line ends with a bare LF; lines must end with CRLF");
      return used + 1;
    }
    if (!head_.empty() && head_.back() == '\r' && c != '\n') {
      fail(400, "a bare CR in the request head");
      return used + 1;
    }
    head_.push_back(c);
    if (head_.size() > limits_.maxHeadBytes) {
      fail(431, "the request head is larger than " + std::to_string(limits_.maxHeadBytes) + " bytes");
      return used + 1;
    }
    if (c == '\n' && head_.size() >= 4 && head_.compare(head_.size() - 4, 4, "\r\n\r\n") == 0) {
      parseHead();
      return used + 1;
    }
  }
  return used;
}

bool HttpRequestParser::parseRequestLine(std::string_view line) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    fail(400, "malformed request line");
    return false;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(),
                                     [](char c) { return isTokenChar(static_cast<unsigned char>(c)); })) {
    fail(400, "malformed request method");
    return false;
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7f;
      })) {
    fail(400, "malformed request target");
    return false;
  }
  if (version == "HTTP/1.1") {
    request_.minorVersion = 1;
  } else if (version == "HTTP/1.0") {
    request_.minorVersion = 0;
  } else if (version.rfind("HTTP/", 0) == 0) {
    fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
    return false;
  } else {
    fail(400, "malformed HTTP version");
    return false;
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  std::string_view path = target;
  // absolute-form (RFC 9112 §3.2.2): the path is what follows the authority.
  const std::size_t scheme = path.find("://");
  if (path.front() != '/' && scheme != std::string_view::npos) {
    const std::size_t slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  const std::size_t q = path.find('?');
  request_.path = std::string(path.substr(0, q));
  if (q != std::string_view::npos) request_.query = std::string(path.substr(q + 1));
  return true;
}

void HttpRequestParser::parseHead() {
  const std::string_view head(head_);
  std::size_t lineStart = 0;
  std::size_t lineEnd = head.find("\r\n");
  if (!parseRequestLine(head.substr(0, lineEnd))) return;
  for (lineStart = lineEnd + 2; lineStart < head.size() - 2; lineStart = lineEnd + 2) {
    lineEnd = head.find("\r\n", lineStart);
    const std::string_view line = head.substr(lineStart, lineEnd - lineStart);
    if (line.front() == ' ' || line.front() == '\t') {
      fail(400, "obsolete header line folding is not accepted");
      return;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return isTokenChar(static_cast<unsigned char>(c)); })) {
      fail(400, "malformed header field name");
      return;
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(),
                     [](char c) { return isFieldValueChar(static_cast<unsigned char>(c)); })) {
      fail(400, "a header field value holds a control character");
      return;
    }
    if (request_.headers.size() >= limits_.maxHeaderCount) {
      fail(431, "more than " + std::to_string(limits_.maxHeaderCount) + " header fields");
      return;
    }
    request_.headers.emplace_back(lowerCase(line.substr(0, colon)), std::string(value));
  }
  head_.clear();
  head_.shrink_to_fit();
  if (interpretHeaders()) state_ = State::HeadDone;
}

bool HttpRequestParser::interpretHeaders() {
  int authorizations = 0, hosts = 0, lengths = 0, encodings = 0;
  for (const auto& [name, value] : request_.headers) {
    if (name == "authorization") ++authorizations;
    if (name == "host") ++hosts;
    if (name == "content-length") ++lengths;
    if (name == "transfer-encoding") ++encodings;
  }
  if (authorizations > 1) {
    fail(400, "more than one Authorization header");
    return false;
  }
  if (hosts > 1 || (hosts == 0 && request_.minorVersion == 1)) {
    fail(400, "an HTTP/1.1 request needs exactly one Host header");
    return false;
  }
  if (lengths > 1 || encodings > 1 || (lengths == 1 && encodings == 1)) {
    fail(400, "the body length is ambiguous (Content-Length and Transfer-Encoding)");
    return false;
  }
  if (encodings == 1) {
    if (lowerCase(request_.header("transfer-encoding")) != "chunked") {
      fail(501, "only the chunked transfer coding is accepted");
      return false;
    }
    chunked_ = true;
  }
  if (lengths == 1) {
    const std::string_view text = request_.header("content-length");
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail(400, "malformed Content-Length");
      return false;
    }
    contentLength_ = std::stoll(std::string(text));
    if (contentLength_ > limits_.maxBodyBytes) {
      fail(413, "the request is larger than " + std::to_string(limits_.maxBodyBytes) + " bytes");
      return false;
    }
  }
  const std::string_view expect = request_.header("expect");
  if (!expect.empty()) {
    if (lowerCase(expect) != "100-continue") {
      fail(417, "only Expect: 100-continue is understood");
      return false;
    }
    expectContinue_ = request_.minorVersion == 1;
  }
  const std::string_view connection = request_.header("connection");
  keepAlive_ = request_.minorVersion == 1 ? !listsToken(connection, "close")
                                          : listsToken(connection, "keep-alive");
  return true;
}

void HttpRequestParser::startBody() {
  if (state_ != State::HeadDone) return;
  state_ = expectsBody() ? State::Body : State::Done;
}

std::size_t HttpRequestParser::feedChunked(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size() && state_ == State::Body) {
    if (chunkPart_ == ChunkPart::Data) {
      const std::size_t take =
          static_cast<std::size_t>(std::min<int64_t>(chunkLeft_, static_cast<int64_t>(data.size() - used)));
      request_.body.append(data.substr(used, take));
      used += take;
      chunkLeft_ -= static_cast<int64_t>(take);
      if (chunkLeft_ == 0) chunkPart_ = ChunkPart::DataEnd;
      continue;
    }
    const char c = data[used++];
    chunkLine_.push_back(c);
    if (chunkLine_.size() > limits_.maxHeadBytes) {
      fail(400, "a chunk header or trailer is too long");
      break;
    }
    if (c != '\n') continue;
    if (chunkLine_.size() < 2 || chunkLine_[chunkLine_.size() - 2] != '\r') {
      fail(400, "a chunk line ends with a bare LF");
      break;
    }
    const std::string line = chunkLine_.substr(0, chunkLine_.size() - 2);
    chunkLine_.clear();
    if (chunkPart_ == ChunkPart::DataEnd) {
      if (!line.empty()) {
        fail(400, "chunk data is longer than its size");
        break;
      }
      chunkPart_ = ChunkPart::Size;
    } else if (chunkPart_ == ChunkPart::Size) {
      const std::string size = line.substr(0, line.find(';'));
      if (size.empty() || size.size() > 15 ||
          !std::all_of(size.begin(), size.end(), [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; })) {
        fail(400, "malformed chunk size");
        break;
      }
      chunkLeft_ = std::stoll(size, nullptr, 16);
      if (static_cast<int64_t>(request_.body.size()) + chunkLeft_ > limits_.maxBodyBytes) {
        fail(413, "the request is larger than " + std::to_string(limits_.maxBodyBytes) + " bytes");
        break;
      }
      chunkPart_ = chunkLeft_ == 0 ? ChunkPart::Trailer : ChunkPart::Data;
    } else if (line.empty()) {  // the end of the trailer section
      state_ = State::Done;
    }
  }
  return used;
}

}  // namespace renkei::net
