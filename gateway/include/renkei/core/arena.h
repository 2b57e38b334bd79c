// A bump allocator for trees that live and die together (one parsed document, one definition set).
// Allocation is a pointer increment; everything is released when the arena is destroyed or reset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace renkei {

class Arena {
 public:
  explicit Arena(std::size_t firstBlockBytes = 16 * 1024) : nextBlockBytes_(firstBlockBytes) {}
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) noexcept = default;
  Arena& operator=(Arena&&) noexcept = delete;

  void* allocate(std::size_t bytes, std::size_t align = alignof(std::max_align_t)) {
    std::size_t pad = (align - (reinterpret_cast<std::uintptr_t>(cur_) & (align - 1))) & (align - 1);
    if (cur_ == nullptr || pad + bytes > static_cast<std::size_t>(end_ - cur_)) {
      grow(bytes + align);
      pad = (align - (reinterpret_cast<std::uintptr_t>(cur_) & (align - 1))) & (align - 1);
    }
    char* p = cur_ + pad;
    cur_ = p + bytes;
    return p;
  }

  /// Constructs a trivially destructible T in the arena (destructors are never run).
  template <typename T, typename... Args>
  T* make(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  /// Copies `s` into the arena and returns a view of the copy (NUL-terminated).
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(allocate(s.size() + 1, 1));
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return {p, s.size()};
  }

  /// Releases every block but the largest, which is kept for reuse.
  void reset();
  std::size_t bytesReserved() const { return reserved_; }

 private:
  void grow(std::size_t atLeast);
  void release();

  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size;
  };
  Block first_{};              // most arenas never need a second block: no vector allocation
  std::vector<Block> blocks_;  // blocks after the first
  char* cur_ = nullptr;
  char* end_ = nullptr;
  std::size_t nextBlockBytes_;
  std::size_t reserved_ = 0;
};

}  // namespace renkei
