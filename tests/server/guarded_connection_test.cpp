// GuardedConnection's outgoing side over a real socket pair: held writes are
// not on the wire until released (or the connection closes), then arrive
// whole and in order, and what is written after the release arrives at once.

#include "server/listener/guarded_connection.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace pixeldex::server {
namespace {

class GuardedConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    peer_ = fds[1];
    connection_ = std::make_unique<GuardedConnection>(fds[0], new DcmTCPConnection(fds[0]));
  }
  void TearDown() override { ::close(peer_); }

  // True when the peer could read without waiting (poll with no timeout).
  bool PeerHasData() const {
    pollfd p{peer_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }
  std::string PeerRead(size_t size) const {
    std::string bytes(size, '\0');
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::read(peer_, bytes.data() + done, size - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
  }
  // `expected` is readable at once, without waiting.
  void ExpectPeerGets(const std::string& expected) const {
    ASSERT_TRUE(PeerHasData());
    EXPECT_EQ(PeerRead(expected.size()), expected);
  }
  void Write(std::string bytes) {
    ASSERT_EQ(connection_->write(bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }

  int peer_ = -1;
  std::unique_ptr<GuardedConnection> connection_;
};

TEST_F(GuardedConnectionTest, WritesGoStraightOutWhenNotHeld) {
  Write("ping");
  ExpectPeerGets("ping");
}

TEST_F(GuardedConnectionTest, HeldWritesWaitForTheReleaseThenTheFinalOneGoesStraightOut) {
  connection_->writes().Hold();
  Write("pending-1|");
  Write("pending-2|");
  EXPECT_FALSE(PeerHasData());
  connection_->writes().Release();
  ExpectPeerGets("pending-1|pending-2|");
  Write("final");
  ExpectPeerGets("final");
}

TEST_F(GuardedConnectionTest, HeldBytesGoOutBeforeTheConnectionCloses) {
  connection_->writes().Hold();
  Write("abort");
  EXPECT_FALSE(PeerHasData());
  connection_->close();
  EXPECT_EQ(PeerRead(16), "abort");  // then end of stream
}

}  // namespace
}  // namespace pixeldex::server
