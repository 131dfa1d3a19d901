// See connection_queue.h. One mutex; the critical sections are a few instructions.
#include "mpm/connection_queue.h"

#include <chrono>
#include <cstdint>

namespace mpmd {

bool ConnectionQueue::pop(std::unique_ptr<Connection>* out)
{
    std::unique_lock<std::mutex> lock(mutex_);
    ++idle_;
    worker_idle_.notify_one();
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

ConnectionQueue::Wait ConnectionQueue::wait_for_idle_worker(int timeout_ms, const std::atomic<size_t>* claimed)
{
    std::unique_lock<std::mutex> lock(mutex_);
    const bool done = worker_idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this, claimed] {
        const size_t others = claimed != nullptr ? claimed->load(std::memory_order_relaxed) : 0;
        return idle_ > queue_.size() + others || closed_;
    });
    if (closed_)
        return Wait::Closed;
    return done ? Wait::Idle : Wait::TimedOut;
}

void ConnectionQueue::claims_released()
{
    {
        // Taken so the waiter is either before its predicate check or asleep, never between.
        std::lock_guard<std::mutex> lock(mutex_);
    }
    worker_idle_.notify_one();
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
