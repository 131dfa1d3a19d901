// UniqueFd: one owned file descriptor, closed when the owner goes (a move-only handle, as
// std::unique_ptr is for memory), for code that walks directories with openat(2) and keeps
// O_PATH descriptors on the way.
// Runs in: both (any code that opens descriptors it must not leak on an early return).
// Leans on: close(2).
#ifndef MPMD_SHARED_UNIQUE_FD_H
#define MPMD_SHARED_UNIQUE_FD_H

#include <unistd.h>

#include <utility>

namespace mpmd {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other)
            reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    // Gives the descriptor up to the caller, who closes it.
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1)
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

} // namespace mpmd

#endif
