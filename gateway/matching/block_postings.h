// The patient index's blocks: which patients (slots) carry each blocking key, in one flat
// open-addressed table of (key, slot) cells — 16 bytes a posting instead of a hash map node and a
// vector per key, which at a million patients was most of the index's memory.
#pragma once

#include <cstdint>
#include <vector>

namespace renkei::matching {

class BlockPostings {
 public:
  void add(uint64_t key, uint32_t slot);
  void remove(uint64_t key, uint32_t slot);
  /// Every slot posted under `key` (in no particular order).
  template <typename F>
  void each(uint64_t key, F&& f) const {
    if (cells_.empty()) return;
    for (std::size_t i = start(key);; i = (i + 1) & (cells_.size() - 1)) {
      const Cell& c = cells_[i];
      if (c.state == kEmpty) return;
      if (c.state == kFull && c.key == key) f(c.slot);
    }
  }

 private:
  enum : uint32_t { kEmpty = 0, kFull = 1, kRemoved = 2 };
  struct Cell {
    uint64_t key = 0;
    uint32_t slot = 0;
    uint32_t state = kEmpty;
  };
  std::size_t start(uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & (cells_.size() - 1);
  }
  void grow();

  std::vector<Cell> cells_;
  std::size_t used_ = 0;  ///< full and removed cells (both lengthen probes)
};

}  // namespace renkei::matching
