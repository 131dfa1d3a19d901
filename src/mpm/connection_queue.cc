// See connection_queue.h. One mutex; the critical sections are a few instructions.
#include "mpm/connection_queue.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>

namespace mpmd {

bool ConnectionQueue::pop(std::unique_ptr<Connection>* out)
{
    std::unique_lock<std::mutex> lock(mutex_);
    ++idle_;
    worker_idle_.notify_one();
    if (idle_notify_fd_ >= 0 && idle_ > queue_.size() && idle_notice_wanted_.exchange(false)) {
        const uint64_t one = 1;
        const ssize_t ignored = write(idle_notify_fd_, &one, sizeof one);
        (void)ignored;
    }
    work_ready_.wait(lock, [this] { return !queue_.empty() || closed_; });
    --idle_;
    if (queue_.empty())
        return false;
    *out = std::move(queue_.front());
    queue_.pop_front();
    return true;
}

void ConnectionQueue::push(std::unique_ptr<Connection> connection)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(connection));
    }
    work_ready_.notify_one();
}

ConnectionQueue::Wait ConnectionQueue::wait_for_idle_worker(int timeout_ms)
{
    std::unique_lock<std::mutex> lock(mutex_);
    const bool done = worker_idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                            [this] { return idle_ > queue_.size() || closed_; });
    if (closed_)
        return Wait::Closed;
    return done ? Wait::Idle : Wait::TimedOut;
}

uint32_t ConnectionQueue::idle_workers() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return idle_ > queue_.size() ? uint32_t(idle_ - queue_.size()) : 0;
}

size_t ConnectionQueue::waiting() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

void ConnectionQueue::close()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
    }
    work_ready_.notify_all();
    worker_idle_.notify_all();
}

} // namespace mpmd
