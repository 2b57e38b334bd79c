// Reading a received fax's pages with libtiff (see fax_pages.h).
#include "renkei/forms/fax_pages.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include <tiffio.h>

namespace renkei::forms {
namespace {

/// libtiff reports through these; a fax that cannot be read is said once, by our status.
void quiet(const char*, const char*, va_list) {}

/// An in-memory file for TIFFClientOpen.
struct Memory {
  const std::string* bytes;
  toff_t at = 0;
};

tmsize_t readMemory(thandle_t h, void* buffer, tmsize_t size) {
  auto* m = static_cast<Memory*>(h);
  if (m->at >= m->bytes->size()) return 0;
  const tmsize_t n = std::min<tmsize_t>(size, static_cast<tmsize_t>(m->bytes->size() - m->at));
  std::memcpy(buffer, m->bytes->data() + m->at, static_cast<std::size_t>(n));
  m->at += static_cast<toff_t>(n);
  return n;
}
tmsize_t writeMemory(thandle_t, void*, tmsize_t) { return 0; }
toff_t seekMemory(thandle_t h, toff_t offset, int whence) {
  auto* m = static_cast<Memory*>(h);
  toff_t base = whence == SEEK_CUR ? m->at : whence == SEEK_END ? m->bytes->size() : 0;
  m->at = base + offset;
  return m->at;
}
int closeMemory(thandle_t) { return 0; }
toff_t sizeMemory(thandle_t h) { return static_cast<Memory*>(h)->bytes->size(); }
int mapMemory(thandle_t, void**, toff_t*) { return 0; }
void unmapMemory(thandle_t, void*, toff_t) {}

/// A fax page: one sample of one bit a pixel (G3, G4 or uncompressed).
bool isBilevel(TIFF* tiff) {
  uint16_t bits = 0, samples = 0, photometric = 0;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  const bool known = TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric) == 1;
  return bits == 1 && samples == 1 && known &&
         (photometric == PHOTOMETRIC_MINISWHITE || photometric == PHOTOMETRIC_MINISBLACK) && !TIFFIsTiled(tiff);
}

/// Scanline by scanline, each bit a pixel: several times faster than through RGBA.
bool readBilevel(TIFF* tiff, GrayPage& page, int repeat) {
  uint16_t photometric = 0;
  TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
  const uint8_t ink = 0, paper = 255;
  const bool whiteIsZero = photometric == PHOTOMETRIC_MINISWHITE;
  const tmsize_t lineBytes = TIFFScanlineSize(tiff);
  if (lineBytes < tmsize_t((page.width + 7) / 8)) return false;
  std::vector<uint8_t> line(static_cast<std::size_t>(lineBytes));
  const uint32_t rows = page.height / repeat;
  for (uint32_t y = 0; y < rows; ++y) {
    if (TIFFReadScanline(tiff, line.data(), y, 0) < 0) return false;
    uint8_t* out = page.pixels.data() + uint64_t{y} * repeat * page.width;
    for (uint32_t x = 0; x < page.width; ++x) {
      const bool set = (line[x / 8] >> (7 - x % 8)) & 1;
      out[x] = set == whiteIsZero ? ink : paper;
    }
    for (int r = 1; r < repeat; ++r) std::copy_n(out, page.width, out + uint64_t(r) * page.width);
  }
  return true;
}

/// Any other TIFF through libtiff's RGBA reader.
bool readAnyDepth(TIFF* tiff, GrayPage& page, int repeat) {
  const uint32_t width = page.width, height = page.height / repeat;
  std::vector<uint32_t> rgba(uint64_t{width} * height);
  if (!TIFFReadRGBAImageOriented(tiff, width, height, rgba.data(), ORIENTATION_TOPLEFT, 0)) return false;
  for (uint32_t y = 0; y < height; ++y) {
    for (uint32_t x = 0; x < width; ++x) {
      const uint32_t p = rgba[uint64_t{y} * width + x];
      const auto gray = static_cast<uint8_t>((TIFFGetR(p) * 30 + TIFFGetG(p) * 59 + TIFFGetB(p) * 11) / 100);
      for (int r = 0; r < repeat; ++r) page.pixels[(uint64_t{y} * repeat + r) * width + x] = gray;
    }
  }
  return true;
}

Result<std::vector<GrayPage>> readPages(TIFF* tiff, const FaxLimits& limits) {
  if (tiff == nullptr) return Status::invalidInput("not a TIFF image");
  std::vector<GrayPage> pages;
  Status problem = Status::okStatus();
  do {
    if (static_cast<int>(pages.size()) >= limits.maxPages) {
      problem = Status::tooLarge("more than " + std::to_string(limits.maxPages) + " pages");
      break;
    }
    uint32_t width = 0, height = 0;
    float xres = 0, yres = 0;
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetField(tiff, TIFFTAG_XRESOLUTION, &xres);
    TIFFGetField(tiff, TIFFTAG_YRESOLUTION, &yres);
    // Standard resolution (about half as many rows an inch as dots a row): each row twice.
    const int repeat = xres > 0 && yres > 0 && yres < xres * 0.75f ? 2 : 1;
    const uint64_t pixels = uint64_t{width} * height * repeat;
    if (width == 0 || height == 0 || pixels > limits.maxPixelsPerPage) {
      problem = Status::tooLarge("a page of " + std::to_string(width) + " × " + std::to_string(height) +
                                 " pixels");
      break;
    }
    GrayPage page;
    page.width = width;
    page.height = height * repeat;
    page.pixels.resize(uint64_t{page.width} * page.height);
    if (!(isBilevel(tiff) ? readBilevel(tiff, page, repeat) : readAnyDepth(tiff, page, repeat))) {
      problem = Status::invalidInput("page " + std::to_string(pages.size() + 1) + " cannot be decoded");
      break;
    }
    pages.push_back(std::move(page));
  } while (TIFFReadDirectory(tiff));
  TIFFClose(tiff);
  if (!problem.ok()) return problem;
  return pages;
}

}  // namespace

Result<std::vector<GrayPage>> readFaxPages(int fd, const std::string& name, const FaxLimits& limits) {
  TIFFSetErrorHandler(quiet);
  TIFFSetWarningHandler(quiet);
  TIFF* tiff = TIFFFdOpen(fd, name.c_str(), "r");
  if (tiff == nullptr) {
    ::close(fd);
    return Status::invalidInput("not a TIFF image");
  }
  return readPages(tiff, limits);
}

Result<std::vector<GrayPage>> readFaxPagesFromMemory(const std::string& bytes, const FaxLimits& limits) {
  TIFFSetErrorHandler(quiet);
  TIFFSetWarningHandler(quiet);
  Memory memory{&bytes};
  TIFF* tiff = TIFFClientOpen("memory", "rm", &memory, readMemory, writeMemory, seekMemory,
                              closeMemory, sizeMemory, mapMemory, unmapMemory);
  return readPages(tiff, limits);
}

Result<std::string> encodeFaxTiff(const std::vector<GrayPage>& pages, double xres, double yres) {
  TIFFSetErrorHandler(quiet);
  TIFFSetWarningHandler(quiet);
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::tmpfile(), &std::fclose);
  if (!file) return Status::internal("no temporary file for the TIFF");
  // libtiff closes the descriptor it is given: it gets its own copy.
  TIFF* tiff = TIFFFdOpen(dup(fileno(file.get())), "fax.tif", "w");
  if (tiff == nullptr) return Status::internal("the TIFF could not be started");
  uint16_t number = 0;
  for (const GrayPage& page : pages) {
    TIFFSetField(tiff, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, page.width);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, page.height);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(tiff, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
    TIFFSetField(tiff, TIFFTAG_XRESOLUTION, float(xres));
    TIFFSetField(tiff, TIFFTAG_YRESOLUTION, float(yres));
    TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, page.height);
    TIFFSetField(tiff, TIFFTAG_PAGENUMBER, number++, uint16_t(pages.size()));
    std::vector<uint8_t> row((page.width + 7) / 8);
    for (uint32_t y = 0; y < page.height; ++y) {
      std::fill(row.begin(), row.end(), 0);
      for (uint32_t x = 0; x < page.width; ++x) {
        if (page.pixels[std::size_t(y) * page.width + x] < 128) row[x / 8] |= uint8_t(0x80 >> (x % 8));
      }
      if (TIFFWriteScanline(tiff, row.data(), y, 0) < 0) {
        TIFFClose(tiff);
        return Status::internal("the TIFF could not be written");
      }
    }
    if (!TIFFWriteDirectory(tiff)) {
      TIFFClose(tiff);
      return Status::internal("the TIFF could not be written");
    }
  }
  TIFFClose(tiff);
  std::string out;
  std::rewind(file.get());
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0;) out.append(buffer, n);
  return out;
}

}  // namespace renkei::forms
