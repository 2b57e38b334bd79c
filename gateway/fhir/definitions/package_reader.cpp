// FHIR package reading: gzip via zlib, a minimal ustar walk, or a directory listing.
#include "package_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <vector>

#include "renkei/core/file_io.h"

namespace renkei::fhir {
namespace {

namespace fs = std::filesystem;

bool wantedJson(const std::string& name) {
  std::string base = name.substr(name.find_last_of('/') + 1);
  if (base.size() < 6 || base.compare(base.size() - 5, 5, ".json") != 0) return false;
  return base != "package.json" && base != ".index.json" && base[0] != '.';
}

Result<std::string> gunzip(const std::string& in, std::size_t maxBytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::internal("zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  // Inflated straight into the result, sized by the gzip trailer's ISIZE (the size modulo
  // 4 GiB, so only a first guess) and grown when that was short.
  std::size_t hint = 1 << 16;
  if (in.size() >= 18) {
    uint32_t isize = 0;
    for (std::size_t i = 0; i < 4; ++i) isize |= static_cast<uint32_t>(static_cast<unsigned char>(in[in.size() - 4 + i])) << (8 * i);
    hint = std::max<std::size_t>(hint, isize);
  }
  std::string out(std::min(hint, maxBytes + 1), '\0');
  std::size_t used = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (used == out.size()) {
      if (used > maxBytes) {
        inflateEnd(&zs);
        return Status::tooLarge("package expands beyond " + std::to_string(maxBytes) + " bytes");
      }
      out.resize(std::min(out.size() * 2, maxBytes + 1));
    }
    const std::size_t room = std::min<std::size_t>(out.size() - used, 1u << 30);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::invalidInput("corrupt gzip data");
    }
    used += room - zs.avail_out;
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::invalidInput("truncated gzip data");
    }
  }
  inflateEnd(&zs);
  if (used > maxBytes) return Status::tooLarge("package expands beyond " + std::to_string(maxBytes) + " bytes");
  out.resize(used);
  return out;
}

std::size_t octal(const char* p, std::size_t n) {
  std::size_t v = 0;
  for (std::size_t i = 0; i < n && p[i]; ++i) {
    if (p[i] == ' ') continue;
    if (p[i] < '0' || p[i] > '7') break;
    v = v * 8 + static_cast<std::size_t>(p[i] - '0');
  }
  return v;
}

Status walkTar(const std::string& tar, const PackageLimits& limits,
               const std::function<void(const std::string&, std::string)>& onFile) {
  std::size_t pos = 0;
  std::string longName;
  while (pos + 512 <= tar.size()) {
    const char* h = tar.data() + pos;
    if (std::all_of(h, h + 512, [](char c) { return c == 0; })) break;
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    std::size_t size = octal(h + 124, 12);
    char type = h[156];
    pos += 512;
    if (pos + size > tar.size()) return Status::invalidInput("truncated tar entry " + name);
    if (type == 'L') {
      longName.assign(tar.data() + pos, strnlen(tar.data() + pos, size));
    } else {
      if (!longName.empty()) name = std::move(longName), longName.clear();
      if ((type == '0' || type == '\0') && wantedJson(name)) {
        if (size > limits.maxFileBytes) return Status::tooLarge(name + " is too large");
        onFile(name, tar.substr(pos, size));
      }
    }
    pos += (size + 511) / 512 * 512;
  }
  return {};
}

Status readFolder(const fs::path& dir, const PackageLimits& limits,
                  const std::function<void(const std::string&, std::string)>& onFile) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && wantedJson(entry.path().filename().string())) {
      files.push_back(entry.path());
    }
  }
  if (ec) return Status::unavailable("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto content = readFileLimited(f.string(), limits.maxFileBytes);
    if (!content.ok()) return content.status();
    onFile(f.string(), std::move(content).value());
  }
  return {};
}

}  // namespace

Status readPackageFiles(const std::string& path, const PackageLimits& limits,
                        const std::function<void(const std::string&, std::string)>& onFile) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    RENKEI_RETURN_IF_ERROR(readFolder(path, limits, onFile));
    fs::path sub = fs::path(path) / "package";
    if (fs::is_directory(sub, ec)) RENKEI_RETURN_IF_ERROR(readFolder(sub, limits, onFile));
    return {};
  }
  auto bytes = readFileLimited(path, limits.maxTotalBytes);
  if (!bytes.ok()) return bytes.status();
  return readPackageBytes(bytes.value(), path, limits, onFile);
}

Status readPackageBytes(const std::string& bytes, const std::string& what, const PackageLimits& limits,
                        const std::function<void(const std::string&, std::string)>& onFile) {
  auto tar = gunzip(bytes, limits.maxTotalBytes);
  if (!tar.ok()) return Status(tar.status().code(), what + ": " + tar.status().message());
  return walkTar(tar.value(), limits, onFile);
}

}  // namespace renkei::fhir
