// See open_file_cache.h.
#include "child/open_file_cache.h"

#include <fcntl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>

namespace mpmd {

namespace {

int64_t coarse_seconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);   // the vDSO: no system call
    return ts.tv_sec;
}

bool same_time(const struct timespec& a, const struct timespec& b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

// True when `a` and `b` describe the same regular file with the same size, times and mode.
bool same_unchanged_file(const struct stat& a, const struct stat& b)
{
    // The change time moves with any write, truncation, chmod, chown, link count change or
    // rename of the inode; size and modification time are compared as well because they are
    // what the response's validators (ETag, Last-Modified, Content-Length) are made of.
    return S_ISREG(a.st_mode) && S_ISREG(b.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
           a.st_size == b.st_size && a.st_mode == b.st_mode && same_time(a.st_mtim, b.st_mtim) &&
           same_time(a.st_ctim, b.st_ctim);
}

// The later of a file's modification and change times, in whole seconds.
int64_t last_change_s(const struct stat& st)
{
    return std::max<int64_t>(st.st_mtim.tv_sec, st.st_ctim.tv_sec);
}

int64_t realtime_coarse_seconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);   // the vDSO: no system call
    return ts.tv_sec;
}

} // namespace

OpenFileCache::~OpenFileCache() { clear(); }

OpenFileCache& OpenFileCache::this_thread()
{
    static thread_local OpenFileCache cache;
    return cache;
}

int OpenFileCache::find(const std::string& file, struct stat* st, std::shared_ptr<const std::string>* bytes)
{
    if (entries_.empty())
        return -1;
    const int64_t now_s = coarse_seconds();
    if (now_s - last_sweep_s_ >= kIdleSeconds / 4)
        drop_idle(now_s);
    const auto it = entries_.find(file);
    if (it == entries_.end())
        return -1;
    // AT_SYMLINK_NOFOLLOW: a link put in the file's place is seen as a change, never served.
    if (::fstatat(AT_FDCWD, file.c_str(), st, AT_SYMLINK_NOFOLLOW) != 0 || !same_unchanged_file(*st, it->second.st)) {
        erase(it);
        return -1;
    }
    Entry& e = it->second;
    e.last_use = ++use_counter_;
    e.last_use_s = now_s;
    if (bytes != nullptr) {
        if (!e.bytes)
            hold_bytes(e);
        *bytes = e.bytes;
    }
    return e.fd;
}

bool OpenFileCache::keep(const std::string& file, int fd, const struct stat& st, size_t capacity)
{
    if (capacity == 0 || !S_ISREG(st.st_mode))
        return false;
    const auto it = entries_.find(file);
    if (it != entries_.end())   // not expected (find() drops what changed); never leak its fd
        erase(it);
    while (entries_.size() >= capacity)
        drop_least_recent();
    Entry& e = entries_[file];
    e.fd = fd;
    e.st = st;
    e.last_use = ++use_counter_;
    e.last_use_s = coarse_seconds();
    return true;
}

// Reads a small, settled file whole into e.bytes, within the thread's budget.
void OpenFileCache::hold_bytes(Entry& e)
{
    const off_t size = e.st.st_size;
    if (size > kSmallFileBytes || bytes_held_ + size_t(size) > kBytesPerThread ||
        realtime_coarse_seconds() - last_change_s(e.st) < settled_seconds_)
        return;
    auto bytes = std::make_shared<std::string>(size_t(size), '\0');
    struct stat after {};
    if (::pread(e.fd, bytes->data(), size_t(size), 0) != ssize_t(size) || ::fstat(e.fd, &after) != 0 ||
        !same_unchanged_file(after, e.st))
        return;
    bytes_held_ += size_t(size);
    e.bytes = std::move(bytes);
}

void OpenFileCache::erase(std::unordered_map<std::string, Entry>::iterator it)
{
    ::close(it->second.fd);
    if (it->second.bytes)
        bytes_held_ -= it->second.bytes->size();
    entries_.erase(it);
}

void OpenFileCache::drop_idle(int64_t now_s)
{
    last_sweep_s_ = now_s;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto next = std::next(it);
        if (now_s - it->second.last_use_s >= kIdleSeconds)
            erase(it);
        it = next;
    }
}

void OpenFileCache::drop_least_recent()
{
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->second.last_use < oldest->second.last_use)
            oldest = it;
    if (oldest == entries_.end())
        return;
    erase(oldest);
}

void OpenFileCache::clear()
{
    for (auto& [file, e] : entries_)
        ::close(e.fd);
    entries_.clear();
    bytes_held_ = 0;
}

} // namespace mpmd
