// The scoreboard's segment: an anonymous mapping that children inherit through fork(2), or
// the POSIX shared-memory object ScoreBoardFile names, which the master creates and readers
// (mpmctl; the new master of a binary upgrade, for the old one's totals) attach read-only.
//
// A name in /dev/shm is one any local user can take first: the directory is world-writable
// (with the sticky bit). So the master never opens an object it finds under its name. It
// creates its own with O_CREAT|O_EXCL (shm_open(3) adds O_NOFOLLOW), mode 0600, and when the
// name is taken it looks at the entry without opening it (lstat(2): opening a FIFO would
// block, a link would lead elsewhere):
//   - a regular file of this user, mode 0600, is what an mpmd of this user makes, and only
//     this user (or root) could have written it: its header is read (bounded by its size) to
//     tell a server still running (refused, naming its pid) from a stale one (removed);
//   - anything else (another owner or mode, a link, a FIFO, a directory) is not read at
//     all: it is removed (a directory that is not empty is moved aside) and reported;
// then it creates again, a bounded number of times, since another process may take the name
// between the removal and the creation. Readers attach only a regular file that root or
// they themselves own and nobody else may write, and check its header before using it.
// Runs in: master (create, remove the name, rename it at a binary upgrade), mpmctl and the
// new master of a binary upgrade (attach).
// Leans on: boost::interprocess (anonymous_shared_memory: mmap MAP_SHARED|MAP_ANONYMOUS;
// shared_memory_object: shm_open(3), shm_unlink(3)), lstat(2), unlink(2), rmdir(2) and
// rename(2) in /dev/shm (shm_overview(7)), getrandom(2), kill(2) with 0.
#include "shared/scoreboard.h"

#include "shared/trusted_path.h"

#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace mpmd {

namespace bip = boost::interprocess;

struct Scoreboard::Mapping {
    bip::mapped_region region;
};

namespace {

// Creations tried while someone else keeps taking the name.
constexpr int kCreateTries = 8;

std::string object_path(const std::string& name) { return "/dev/shm" + name; }

// Whether a process with this pid exists (EPERM: it does, under another user).
bool pid_alive(int32_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

std::string native_error(const bip::interprocess_exception& e)
{
    return e.get_native_error() != 0 ? std::strerror(e.get_native_error()) : e.what();
}

// The problem with a header that is not this build's layout, or "".
std::string header_problem(const GlobalScore& g, size_t mapped)
{
    if (g.magic != kScoreboardMagic)
        return "not an mpmd scoreboard (bad magic)";
    if (g.layout_version != kScoreboardLayoutVersion)
        return "scoreboard layout version " + std::to_string(g.layout_version) + ", this program reads " +
               std::to_string(kScoreboardLayoutVersion) + " (mpmd and mpmctl from different builds?)";
    if (g.process_record_size != sizeof(ProcessScore) || g.worker_record_size != sizeof(WorkerScore))
        return "scoreboard record sizes differ from this build's";
    if (g.server_limit == 0 || g.thread_limit == 0 ||
        mapped < Scoreboard::segment_size(g.server_limit, g.thread_limit))
        return "scoreboard smaller than its slot counts say (" + std::to_string(mapped) + " bytes)";
    return {};
}

// "a symbolic link of mode 0777 owned by nobody (uid 65534)".
std::string describe_entry(const struct stat& st)
{
    const char* kind = S_ISREG(st.st_mode)    ? "a regular file"
                       : S_ISLNK(st.st_mode)  ? "a symbolic link"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISDIR(st.st_mode)  ? "a directory"
                                              : "a special file";
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    return std::string(kind) + " of mode " + mode + " owned by " + describe_user(st.st_uid);
}

// What the master creates: a regular file of this user, mode 0600.
bool made_by_this_user(const struct stat& st)
{
    return S_ISREG(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 07777) == 0600;
}

// What a reader trusts: a regular file root or the reader owns, that nobody else may write.
bool trusted_object(const struct stat& st)
{
    return S_ISREG(st.st_mode) && trusted_owner(st.st_uid) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// Moves a directory that cannot be removed out of the way; "" or why it could not.
std::string move_aside(const std::string& path, std::string* aside)
{
    unsigned long long random = 0;
    if (getrandom(&random, sizeof random, GRND_NONBLOCK) != sizeof random)
        random = (unsigned long long)getpid() << 32 ^ (unsigned long long)time(nullptr);
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".planted-%016llx", random);
    *aside = path + suffix;
    return std::rename(path.c_str(), aside->c_str()) == 0 ? std::string() : std::strerror(errno);
}

// Takes `name` back from whatever holds it (see the top of this file). Returns what was done,
// for the error log ("" when the entry had gone meanwhile); throws when a running mpmd holds
// the name or the entry cannot be removed.
std::string clear_name(const std::string& name)
{
    const std::string path = object_path(name);
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0)
        return {};
    std::string note;
    if (made_by_this_user(st)) {
        std::string problem;
        if (auto old = Scoreboard::attach(name, &problem)) {
            const int32_t owner = old->global().master_pid;
            if (owner != getpid() && pid_alive(owner))
                throw std::runtime_error("scoreboard " + name + " is in use by a running mpmd (pid " +
                                         std::to_string(owner) + "); give this server its own ScoreBoardFile");
            note = "replaced the stale scoreboard " + name + " of pid " + std::to_string(owner) + ", which is gone";
        } else {
            note = "replaced " + path + ", which is no scoreboard of this build: " + problem;
        }
    } else {
        note = "removed " + path + ", " + describe_entry(st) +
               ": not a scoreboard this server made, so it is neither read nor used";
    }
    if (unlink(path.c_str()) == 0 || errno == ENOENT)
        return note;
    if (errno == EISDIR && (rmdir(path.c_str()) == 0 || errno == ENOENT))
        return note;
    std::string aside;
    if ((errno == ENOTEMPTY || errno == EEXIST) && move_aside(path, &aside).empty())
        return note + " (moved to " + aside + ")";
    throw std::runtime_error("cannot remove " + path + " (" + describe_entry(st) + ") to create scoreboard " + name +
                             " there: " + std::strerror(errno) + "; remove it, or set another ScoreBoardFile");
}

// A new named segment of `size` bytes, mode 0600 whatever the umask (see the top of this file).
bip::mapped_region create_named(const std::string& name, size_t size, struct stat* identity,
                                std::vector<std::string>* notes)
{
    for (int attempt = 0; attempt < kCreateTries; ++attempt) {
        try {
            bip::permissions owner_only;
            owner_only.set_permissions(0600);
            bip::shared_memory_object shm(bip::create_only, name.c_str(), bip::read_write, owner_only);
            if (fchmod(shm.get_mapping_handle().handle, 0600) != 0)
                throw std::runtime_error("cannot set mode 0600 on " + name + ": " + std::strerror(errno));
            shm.truncate(bip::offset_t(size));
            fstat(shm.get_mapping_handle().handle, identity);
            return bip::mapped_region(shm, bip::read_write);
        } catch (const bip::interprocess_exception& e) {
            if (e.get_error_code() != bip::already_exists_error)
                throw std::runtime_error("cannot create scoreboard " + name + " of " + std::to_string(size) +
                                         " bytes: " + native_error(e));
        }
        const std::string note = clear_name(name);
        if (!note.empty() && notes != nullptr)
            notes->push_back(note);
    }
    throw std::runtime_error("cannot create scoreboard " + name + ": something took " + object_path(name) + " " +
                             std::to_string(kCreateTries) + " times while it was being cleared");
}

} // namespace

std::unique_ptr<Scoreboard> Scoreboard::create(uint32_t server_limit, uint32_t thread_limit, const std::string& name,
                                               std::vector<std::string>* notes)
{
    const size_t size = segment_size(server_limit, thread_limit);
    std::unique_ptr<Scoreboard> board(new Scoreboard());
    if (name.empty()) {
        try {
            board->mapping_.reset(new Mapping{bip::anonymous_shared_memory(size)});
        } catch (const bip::interprocess_exception& e) {
            throw std::runtime_error("cannot map a scoreboard of " + std::to_string(size) +
                                     " bytes: " + e.what());
        }
    } else {
        struct stat identity {};
        board->mapping_.reset(new Mapping{create_named(name, size, &identity, notes)});
        board->name_ = name;
        board->device_ = identity.st_dev;
        board->inode_ = identity.st_ino;
    }
    char* base = static_cast<char*>(board->mapping_->region.get_address());
    std::memset(base, 0, size);
    board->lay_out(base, server_limit, thread_limit);
    GlobalScore& g = *board->global_;
    g.magic = kScoreboardMagic;
    g.layout_version = kScoreboardLayoutVersion;
    g.server_limit = server_limit;
    g.thread_limit = thread_limit;
    g.process_record_size = sizeof(ProcessScore);
    g.worker_record_size = sizeof(WorkerScore);
    g.start_time = g.restart_time = now_microseconds();
    g.master_pid = getpid();
    for (uint32_t s = 0; s < server_limit; ++s)
        for (uint32_t t = 0; t < thread_limit; ++t)
            board->worker(s, t).status = char(WorkerStatus::Dead);
    return board;
}

std::unique_ptr<const Scoreboard> Scoreboard::attach(const std::string& name, std::string* error)
{
    const std::string untrusted = "scoreboard " + name + " (" + object_path(name) + ") is ";
    const std::string why_not = ": not read, since only root or this user could have made a scoreboard worth reading";
    struct stat entry {};
    if (lstat(object_path(name).c_str(), &entry) == 0 && !trusted_object(entry)) {
        *error = untrusted + describe_entry(entry) + why_not;
        return nullptr;
    }
    std::unique_ptr<Scoreboard> board(new Scoreboard());
    try {
        bip::shared_memory_object shm(bip::open_only, name.c_str(), bip::read_only);
        struct stat identity {};
        if (fstat(shm.get_mapping_handle().handle, &identity) != 0 || !trusted_object(identity)) {
            *error = untrusted + describe_entry(identity) + why_not;
            return nullptr;
        }
        if (size_t(identity.st_size) < sizeof(GlobalScore)) {
            *error = "scoreboard " + name + " is empty or truncated";
            return nullptr;
        }
        board->mapping_.reset(new Mapping{bip::mapped_region(shm, bip::read_only)});
        board->device_ = identity.st_dev;
        board->inode_ = identity.st_ino;
    } catch (const bip::interprocess_exception& e) {
        if (e.get_error_code() == bip::not_found_error)
            *error = "no scoreboard " + name + " (" + object_path(name) + "): mpmd is not running, or not with "
                     "this ScoreBoardFile";
        else if (e.get_native_error() == EACCES)
            *error = "cannot read scoreboard " + name + ": permission denied (it is mode 0600: run as root "
                     "or as the user who started mpmd)";
        else
            *error = "cannot open scoreboard " + name + ": " + native_error(e);
        return nullptr;
    }
    char* base = static_cast<char*>(board->mapping_->region.get_address());
    // A copy: the children of the server can write the live header, and the sizes checked
    // must be the sizes used.
    GlobalScore g;
    std::memcpy(static_cast<void*>(&g), base, sizeof g);
    const std::string problem = header_problem(g, board->mapping_->region.get_size());
    if (!problem.empty()) {
        *error = name + ": " + problem;
        return nullptr;
    }
    board->lay_out(base, g.server_limit, g.thread_limit);
    board->name_ = name;
    return board;
}

// By the entry itself (lstat), never by opening it: whatever another user put at the name
// since (a FIFO...) must not hold the master up at exit.
bool Scoreboard::name_is_ours() const
{
    struct stat now {};
    return !name_.empty() && lstat(object_path(name_).c_str(), &now) == 0 && S_ISREG(now.st_mode) &&
           uint64_t(now.st_dev) == device_ && uint64_t(now.st_ino) == inode_;
}

void Scoreboard::remove_name()
{
    if (!name_.empty() && global_->master_pid == getpid() && name_is_ours())
        bip::shared_memory_object::remove(name_.c_str());
}

bool Scoreboard::rename_name(const std::string& to, std::string* error)
{
    if (!name_is_ours()) {
        *error = "scoreboard " + name_ + " is no longer this server's segment";
        return false;
    }
    const std::string from_path = object_path(name_), to_path = object_path(to);
    if (std::rename(from_path.c_str(), to_path.c_str()) != 0) {
        *error = "cannot rename " + from_path + " to " + to_path + ": " + std::strerror(errno);
        return false;
    }
    name_ = to;
    return true;
}

Scoreboard::~Scoreboard() = default;

} // namespace mpmd
