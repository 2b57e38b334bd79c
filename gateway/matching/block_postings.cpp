// BlockPostings: linear probing, at most half full counting removed cells; grows by doubling.
#include "block_postings.h"

namespace renkei::matching {

void BlockPostings::add(uint64_t key, uint32_t slot) {
  if ((used_ + 1) * 2 > cells_.size()) grow();
  for (std::size_t i = start(key);; i = (i + 1) & (cells_.size() - 1)) {
    Cell& c = cells_[i];
    if (c.state == kEmpty) {
      c = {key, slot, kFull};
      ++used_;
      return;
    }
  }
}

void BlockPostings::remove(uint64_t key, uint32_t slot) {
  if (cells_.empty()) return;
  for (std::size_t i = start(key);; i = (i + 1) & (cells_.size() - 1)) {
    Cell& c = cells_[i];
    if (c.state == kEmpty) return;
    if (c.state == kFull && c.key == key && c.slot == slot) {
      c.state = kRemoved;
      return;
    }
  }
}

void BlockPostings::grow() {
  std::vector<Cell> old;
  old.swap(cells_);
  std::size_t live = 0;
  for (const Cell& c : old) live += c.state == kFull;
  std::size_t size = 1024;
  while (size < (live + 1) * 4) size *= 2;
  cells_.assign(size, Cell{});
  used_ = 0;
  for (const Cell& c : old) {
    if (c.state == kFull) add(c.key, c.slot);
  }
}

}  // namespace renkei::matching
