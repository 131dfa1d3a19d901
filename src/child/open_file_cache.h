// OpenFileCache: the regular files a serving thread opened lately, kept open with what
// fstat said of them (nginx's open_file_cache, checked on every use), so that a request for
// one costs a single fstatat(2) of its path instead of open, openat2, fstat and two closes.
//
// An entry is served only while its path still names the same, unchanged file: the same
// device and inode, size, modification and change times. A rewrite, a truncation, a rename
// over it, a chmod or chown, a removal, or a swapped link on the way to it (a DocumentRoot
// "current -> releases/42" switched by a deployment) each make the check miss; the entry is
// then dropped and the file opened again under the full rules (document_open.h). Only files
// that document_open reached without any symbolic link below DocumentRoot are kept, and the
// check does not follow a link in the file's own place, so a link never enters through here.
//
// One cache per thread, so no lock: prefork's process, each worker thread of worker and
// event. A descriptor the cache holds is lent to a Response, which never closes it; a
// thread answers one request at a time, so an entry cannot be dropped while it is being sent.
// A removed file's disk space comes back when its entry goes: at the next request for it,
// when newer files push it out, or once it has not been used for kIdleSeconds and the thread
// serves again.
// Runs in: children. Leans on fstatat(2), close(2), clock_gettime(2) (CLOCK_MONOTONIC_COARSE).
#ifndef MPMD_CHILD_OPEN_FILE_CACHE_H
#define MPMD_CHILD_OPEN_FILE_CACHE_H

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace mpmd {

class OpenFileCache {
public:
    static constexpr int64_t kIdleSeconds = 60;

    OpenFileCache() = default;
    ~OpenFileCache();
    OpenFileCache(const OpenFileCache&) = delete;
    OpenFileCache& operator=(const OpenFileCache&) = delete;

    // The calling thread's cache.
    static OpenFileCache& this_thread();

    // The descriptor kept for `file` (a full path) when the path still names the same
    // unchanged file, with its fstat in *st; -1 otherwise (a changed entry is dropped).
    int find(const std::string& file, struct stat* st);
    // Keeps `fd` (a regular file opened without links, `st` its fstat) for `file`, pushing
    // out the least recently used entry when full. True: the cache owns fd now; false
    // (capacity 0): the caller still does.
    bool keep(const std::string& file, int fd, const struct stat& st, size_t capacity);

    size_t size() const { return entries_.size(); }
    // Closes every descriptor kept.
    void clear();

private:
    struct Entry {
        int fd = -1;
        struct stat st {};
        uint64_t last_use = 0;      // use_counter_ at the last hit or keep: recency
        int64_t last_use_s = 0;     // coarse monotonic seconds of the same: idleness
    };

    void drop_idle(int64_t now_s);
    void drop_least_recent();

    std::unordered_map<std::string, Entry> entries_;
    uint64_t use_counter_ = 0;
    int64_t last_sweep_s_ = 0;
};

} // namespace mpmd

#endif
