// Block management for the bump allocator. Freed blocks go to a small per-thread cache, so a
// thread that parses document after document reuses the same memory instead of calling malloc.
#include "renkei/core/arena.h"

#include <algorithm>

namespace renkei {
namespace {

constexpr std::size_t kMaxCachedBlock = 1u << 20;
constexpr std::size_t kMaxCachedBlocks = 8;

// 0 before the thread's cache exists, 1 while it lives, 2 after it was destroyed (arenas that
// outlive it, such as static definitions at exit, then free their blocks directly).
thread_local int tCacheState = 0;

struct BlockCache {
  BlockCache() { tCacheState = 1; }
  ~BlockCache() { tCacheState = 2; }
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  std::vector<std::pair<std::unique_ptr<char[]>, std::size_t>> blocks;

  std::unique_ptr<char[]> take(std::size_t atLeast, std::size_t* size) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].second >= atLeast) {
        *size = blocks[i].second;
        std::unique_ptr<char[]> b = std::move(blocks[i].first);
        blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(i));
        return b;
      }
    }
    return nullptr;
  }
  void give(std::unique_ptr<char[]> b, std::size_t size) {
    if (size > kMaxCachedBlock || blocks.size() >= kMaxCachedBlocks) return;
    blocks.emplace_back(std::move(b), size);
  }
};

BlockCache* cache() {
  if (tCacheState == 2) return nullptr;
  thread_local BlockCache c;
  return &c;
}

std::size_t roundUp(std::size_t n) {
  std::size_t p = 16 * 1024;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

Arena::~Arena() { release(); }

void Arena::release() {
  if (BlockCache* c = cache()) {
    if (first_.data) c->give(std::move(first_.data), first_.size);
    for (Block& b : blocks_) c->give(std::move(b.data), b.size);
  }
  first_ = Block{};
  blocks_.clear();
  cur_ = end_ = nullptr;
  reserved_ = 0;
}

void Arena::grow(std::size_t atLeast) {
  std::size_t size = roundUp(std::max(nextBlockBytes_, atLeast));
  std::size_t got = 0;
  BlockCache* c = cache();
  std::unique_ptr<char[]> data = c ? c->take(size, &got) : nullptr;
  if (data == nullptr) {
    data.reset(new char[size]);
    got = size;
  }
  cur_ = data.get();
  end_ = cur_ + got;
  reserved_ += got;
  if (first_.data) {
    blocks_.push_back({std::move(data), got});
  } else {
    first_ = {std::move(data), got};
  }
  nextBlockBytes_ = std::min<std::size_t>(got * 2, 8u << 20);
}

void Arena::reset() {
  if (!first_.data) return;
  // Keep the largest block as the new first block; return the rest.
  Block* largest = &first_;
  for (Block& b : blocks_) {
    if (b.size > largest->size) largest = &b;
  }
  Block keep = std::move(*largest);
  release();
  first_ = std::move(keep);
  reserved_ = first_.size;
  cur_ = first_.data.get();
  end_ = cur_ + first_.size;
}

}  // namespace renkei
