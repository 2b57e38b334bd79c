// SHA-256 digests: the standard's test vectors, one-shot and in chunks the same.
#include <gtest/gtest.h>

#include <string>

#include "renkei/core/digest.h"

namespace renkei {
namespace {

TEST(Sha256, GivesTheStandardsTestVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, InChunksIsTheSameAsAtOnce) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "連携" + std::to_string(i);
  Sha256 chunked;
  for (std::size_t at = 0; at < text.size(); at += 77) chunked.update(std::string_view(text).substr(at, 77));
  EXPECT_EQ(chunked.hex(), sha256Hex(text));
}

}  // namespace
}  // namespace renkei
