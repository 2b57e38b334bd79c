// Taking whole files from a watched folder (see inbox_folder.h).
#include "renkei/core/inbox_folder.h"

#include <sys/stat.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/file_io.h"
#include "renkei/core/folder_names.h"
#include "renkei/core/json_log.h"
#include "renkei/core/time_text.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei {
namespace fs = std::filesystem;
namespace {

std::string reasonJson(const std::string& name, const std::string& source, const std::string& reason) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("file");
  w.String(name.c_str());
  w.Key("source");
  w.String(source.c_str());
  w.Key("reason");
  w.String(reason.c_str());
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

Status InboxFolder::prepare() const {
  std::error_code ec;
  fs::create_directories(options_.path / "failed", ec);
  if (ec) return Status::unavailable("source " + source_ + ": cannot create failed/: " + ec.message());
  return Status::okStatus();
}

Status InboxFolder::each(const std::function<bool()>& stopping, int64_t nowMs,
                         const std::function<Status(const std::string&, const std::string&)>& take) const {
  std::error_code ec;
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(options_.path, ec)) {
    const std::string name = e.path().filename().string();
    if (!ignoredName(name)) names.push_back(name);
  }
  if (ec) return Status::unavailable("cannot list the folder: " + ec.message());
  for (const std::string& name : names) {
    if (stopping()) break;
    struct stat st {};
    const std::string path = (options_.path / name).string();
    if (::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;  // done/, failed/
    if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
      RENKEI_RETURN_IF_ERROR(fail(name, std::string("not a regular file with one name (") + fileKindName(st.st_mode) +
                                            "): never followed"));
      continue;
    }
    const int64_t mtimeMs = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    if (nowMs - mtimeMs < options_.minAgeMs) continue;
    if (st.st_size > options_.maxFileBytes) {
      RENKEI_RETURN_IF_ERROR(fail(name, "larger than max_file_bytes (" + std::to_string(options_.maxFileBytes) + ")"));
      continue;
    }
    RENKEI_RETURN_IF_ERROR(take(name, path));
  }
  return Status::okStatus();
}

Status InboxFolder::moveTo(const std::string& name, const fs::path& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::unavailable("cannot create " + dir.filename().string() + ": " + ec.message());
  auto target = freePath(dir, name);
  if (!target.ok()) return target.status();
  fs::rename(options_.path / name, target.value(), ec);
  if (ec) return Status::unavailable("cannot move a file: " + ec.message());
  return Status::okStatus();
}

Status InboxFolder::done(const std::string& name, int64_t nowMs) const {
  return moveTo(name, options_.path / "done" / localDateAt(nowMs));
}

Status InboxFolder::fail(const std::string& name, const std::string& reason) const {
  auto target = freePath(options_.path / "failed", name);
  if (!target.ok()) return target.status();
  std::error_code ec;
  fs::rename(options_.path / name, target.value(), ec);
  if (ec) return Status::unavailable("cannot move a file to failed/: " + ec.message());
  Status written = writeFileAtomically(target.value().string() + ".reason.json", reasonJson(name, source_, reason));
  JsonLog::write(LogLevel::Warn, event_ + "_failed",
                 {{"source", source_}, {"reason", reason}, {"reason_file", written.ok() ? "written" : written.message()}});
  return Status::okStatus();
}

}  // namespace renkei
