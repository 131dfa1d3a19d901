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
//
// A small file (kSmallFileBytes or less) is also kept in memory, up to kBytesPerThread for
// the thread, so that its reply leaves in one send with the head instead of a send and a
// sendfile(2). Its bytes are read once the file has not changed for kSettledSeconds: the
// kernel stamps a write with a coarse clock (a jiffy; a second or two on some filesystems),
// so a write in the same tick as the read could leave the times unchanged, but not a write
// to a file already older than that. A read is kept only if fstat(2) after it still
// describes the file the entry holds. The check of every use then covers the bytes too.
// Runs in: children. Leans on fstatat(2), fstat(2), pread(2), close(2), clock_gettime(2)
// (CLOCK_MONOTONIC_COARSE, CLOCK_REALTIME_COARSE).
#ifndef MPMD_CHILD_OPEN_FILE_CACHE_H
#define MPMD_CHILD_OPEN_FILE_CACHE_H

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace mpmd {

class OpenFileCache {
public:
    static constexpr int64_t kIdleSeconds = 60;
    static constexpr off_t kSmallFileBytes = 8192;
    static constexpr size_t kBytesPerThread = 131072;
    static constexpr int64_t kSettledSeconds = 2;

    OpenFileCache() = default;
    ~OpenFileCache();
    OpenFileCache(const OpenFileCache&) = delete;
    OpenFileCache& operator=(const OpenFileCache&) = delete;

    // The calling thread's cache.
    static OpenFileCache& this_thread();

    // The descriptor kept for `file` (a full path) when the path still names the same
    // unchanged file, with its fstat in *st and, when they are kept, its bytes in *bytes
    // (else *bytes is left empty); -1 otherwise (a changed entry is dropped).
    int find(const std::string& file, struct stat* st, std::shared_ptr<const std::string>* bytes = nullptr);
    // Keeps `fd` (a regular file opened without links, `st` its fstat) for `file`, pushing
    // out the least recently used entry when full. True: the cache owns fd now; false
    // (capacity 0): the caller still does.
    bool keep(const std::string& file, int fd, const struct stat& st, size_t capacity);

    size_t size() const { return entries_.size(); }
    // Bytes of small files held in memory.
    size_t bytes_held() const { return bytes_held_; }
    // How long a file must have been unchanged before its bytes are held (unit tests hold
    // them at once with 0; files they write have a change time of now).
    void set_settled_seconds(int64_t seconds) { settled_seconds_ = seconds; }
    // Closes every descriptor kept.
    void clear();

private:
    struct Entry {
        int fd = -1;
        struct stat st {};
        uint64_t last_use = 0;      // use_counter_ at the last hit or keep: recency
        int64_t last_use_s = 0;     // coarse monotonic seconds of the same: idleness
        std::shared_ptr<const std::string> bytes;   // the whole file, once read (small files)
    };

    void hold_bytes(Entry& e);
    void erase(std::unordered_map<std::string, Entry>::iterator it);
    void drop_idle(int64_t now_s);
    void drop_least_recent();

    std::unordered_map<std::string, Entry> entries_;
    uint64_t use_counter_ = 0;
    int64_t last_sweep_s_ = 0;
    size_t bytes_held_ = 0;
    int64_t settled_seconds_ = kSettledSeconds;
};

} // namespace mpmd

#endif
