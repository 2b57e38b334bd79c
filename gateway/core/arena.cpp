// Block management for the bump allocator.
#include "renkei/core/arena.h"

#include <algorithm>

namespace renkei {

void Arena::grow(std::size_t atLeast) {
  std::size_t size = std::max(nextBlockBytes_, atLeast);
  blocks_.push_back({std::unique_ptr<char[]>(new char[size]), size});
  reserved_ += size;
  cur_ = blocks_.back().data.get();
  end_ = cur_ + size;
  nextBlockBytes_ = std::min<std::size_t>(size * 2, 8u << 20);
}

void Arena::reset() {
  if (blocks_.empty()) return;
  auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                  [](const Block& a, const Block& b) { return a.size < b.size; });
  Block keep = std::move(*largest);
  blocks_.clear();
  reserved_ = keep.size;
  cur_ = keep.data.get();
  end_ = cur_ + keep.size;
  blocks_.push_back(std::move(keep));
}

}  // namespace renkei
