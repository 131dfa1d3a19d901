// SparePool: a thread's bounded stack of objects kept for reuse, so a thread that serves one
// connection or request after another allocates nothing for them once warm (part 7: no
// allocation per request). Each type and bound has one pool per thread, so no lock: an
// object let go on one thread is reused by that thread's next user. What does not fit is
// let go as usual.
// Users: Connection's buffers (child/connection.cc), the request parser's state
// (http/request_parser.cc), a Response's lists and fields (http/response.cc).
// Runs in: children (every serving thread).
#ifndef MPMD_SHARED_SPARE_POOL_H
#define MPMD_SHARED_SPARE_POOL_H

#include <cstddef>
#include <utility>
#include <vector>

namespace mpmd {

template <typename T, size_t Max>
class SparePool {
public:
    static SparePool& this_thread()
    {
        thread_local SparePool pool;
        return pool;
    }

    bool empty() const { return items_.empty(); }
    bool full() const { return items_.size() >= Max; }
    // Moves the object kept last into *out; false (and *out untouched) when none is kept.
    bool take(T* out)
    {
        if (items_.empty())
            return false;
        *out = std::move(items_.back());
        items_.pop_back();
        return true;
    }
    // Keeps `item` when there is room; false when the pool is full (the caller lets it go).
    bool keep(T&& item)
    {
        if (full())
            return false;
        items_.push_back(std::move(item));
        return true;
    }

private:
    SparePool() { items_.reserve(Max); }   // pushes never allocate
    std::vector<T> items_;
};

} // namespace mpmd

#endif
