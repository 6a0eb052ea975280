// BodyBufferPool: the buffers streamed request bodies are read into, kept
// from one request to the next (their memory reused, not mapped afresh).

#include "server/http/body_buffer_pool.h"

#include <gtest/gtest.h>

#include <vector>

namespace pixeldex::server {
namespace {

TEST(BodyBufferPoolTest, GivesBackTheMemoryOfABufferItWasGiven) {
  BodyBufferPool pool(4096, 2);
  BodyBuffer first = pool.Take();
  EXPECT_EQ(first.capacity(), 4096u);
  EXPECT_EQ(first.size(), 0u);
  const char* memory = first.data();
  first.set_size(100);
  pool.Give(std::move(first));
  EXPECT_EQ(pool.kept(), 1u);
  BodyBuffer again = pool.Take();
  EXPECT_EQ(again.data(), memory);
  EXPECT_EQ(again.size(), 0u);  // emptied for its next reads
  EXPECT_EQ(pool.kept(), 0u);
}

TEST(BodyBufferPoolTest, KeepsNoMoreThanItsBoundAndOnlyBuffersOfItsCapacity) {
  BodyBufferPool pool(4096, 2);
  std::vector<BodyBuffer> taken;
  for (int i = 0; i < 3; ++i) taken.push_back(pool.Take());
  for (BodyBuffer& buffer : taken) pool.Give(std::move(buffer));
  EXPECT_EQ(pool.kept(), 2u);
  BodyBufferPool other(4096, 2);
  other.Give(BodyBuffer(8192));
  other.Give(BodyBuffer());
  EXPECT_EQ(other.kept(), 0u);
}

}  // namespace
}  // namespace pixeldex::server
