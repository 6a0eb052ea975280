#pragma once
// UniqueFd: owns one file descriptor and closes it when it goes (or on
// Close(), which reports the error: NFS reports write errors there). Movable,
// not copyable; -1 owns nothing.

#include <unistd.h>

#include <utility>

namespace pixeldex {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { Reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and returns close(2)'s result (0 when nothing was owned).
  int Close() { return fd_ >= 0 ? ::close(std::exchange(fd_, -1)) : 0; }
  void Reset() { (void)Close(); }

 private:
  int fd_ = -1;
};

}  // namespace pixeldex
