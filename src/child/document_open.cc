// See document_open.h.
#include "child/document_open.h"

#include "shared/path_names.h"
#include "shared/unique_fd.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace mpmd {

namespace {

constexpr int kMaxLinks = 40;   // the kernel's MAXSYMLINKS
// Walker::follow's answer for a name that stopped being a link between two looks at it;
// never an errno value.
constexpr int kChanged = -1;
// How often one name may change under the walk before it gives up (EAGAIN).
constexpr int kMaxChanges = 8;
constexpr int kDirectoryFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;

using Fd = UniqueFd;

using Location = std::vector<std::string>;   // a directory's names from '/'

// Where an open directory is, as the kernel names it (/proc/self/fd), else as realpath(3)
// finds `fallback` (a system without /proc; only the containment check uses it).
bool location_of(int fd, const std::string& fallback, Location* out)
{
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[PATH_MAX];
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    std::string path;
    if (n > 0 && target[0] == '/') {
        path.assign(target, size_t(n));
    } else {
        char* real = ::realpath(fallback.c_str(), nullptr);
        if (real == nullptr)
            return false;
        path = real;
        std::free(real);
    }
    out->clear();
    for (std::string_view name : path_names(path))
        out->emplace_back(name);
    return true;
}

bool beneath(const Location& where, const Location& root)
{
    if (where.size() < root.size())
        return false;
    for (size_t i = 0; i < root.size(); ++i)
        if (where[i] != root[i])
            return false;
    return true;
}

// Walks names one at a time, resolving links itself (see document_open.h).
class Walker {
public:
    Walker(const FileAccess& access, int flags) : access_(access), flags_(flags) {}

    // Resolves `path` from directory `dir`, which is at `where`. On success returns 0 with
    // *out open: the last name with the caller's flags when `open_last`, else (a directory
    // on the way) with O_PATH; `where` is then the place of *out's parent plus its name.
    int resolve(Fd dir, Location& where, std::string_view path, bool open_last, Fd* out);

    bool refused() const { return refused_; }

private:
    int reopen(const Fd& dir, bool open_last, Fd* out) const;
    int step(const Fd& dir, Location& where, const std::string& name, bool open_last, Fd* out);
    int follow(const Fd& dir, Location& where, const std::string& name, bool open_last, Fd* out);

    const FileAccess& access_;
    int flags_;
    int links_ = 0;
    bool refused_ = false;
};

// The directory itself as the result of a path that ends in it ("", ".", "..").
int Walker::reopen(const Fd& dir, bool open_last, Fd* out) const
{
    Fd fd(::openat(dir.get(), ".", open_last ? (flags_ | O_CLOEXEC) : kDirectoryFlags));
    if (!fd)
        return errno;
    *out = std::move(fd);
    return 0;
}

int Walker::resolve(Fd dir, Location& where, std::string_view path, bool open_last, Fd* out)
{
    const std::vector<std::string_view> names = path_names(path);
    if (names.empty())
        return reopen(dir, open_last, out);
    for (size_t i = 0; i < names.size(); ++i) {
        const bool last = i + 1 == names.size();
        const std::string name(names[i]);
        if (name == "..") {
            // ".." is the kernel's parent of what we hold, never a link.
            Fd up(::openat(dir.get(), "..", kDirectoryFlags));
            if (!up)
                return errno;
            dir = std::move(up);
            if (!where.empty())
                where.pop_back();
            if (last)
                return reopen(dir, open_last, out);
            continue;
        }
        Fd next;
        if (const int err = step(dir, where, name, last && open_last, &next))
            return err;
        if (last) {
            *out = std::move(next);
            return 0;
        }
        struct stat st;
        if (::fstat(next.get(), &st) != 0)
            return errno;
        if (!S_ISDIR(st.st_mode))
            return ENOTDIR;
        dir = std::move(next);
    }
    return 0;
}

// One name of a walk, opened into *out (with the caller's flags when `open_last`, else
// O_PATH), a link resolved; `where` moves to it. A name swapped between a link and a file
// while we look is looked at again, a few times.
int Walker::step(const Fd& dir, Location& where, const std::string& name, bool open_last, Fd* out)
{
    const int flags = (open_last ? flags_ : O_PATH) | O_NOFOLLOW | O_CLOEXEC;
    for (int changes = 0; changes <= kMaxChanges; ++changes) {
        Fd next(::openat(dir.get(), name.c_str(), flags));
        if (next) {
            struct stat st;
            if (::fstat(next.get(), &st) != 0)
                return errno;
            if (!S_ISLNK(st.st_mode)) {   // O_PATH | O_NOFOLLOW opens a link itself
                where.push_back(name);
                *out = std::move(next);
                return 0;
            }
        } else if (errno != ELOOP) {   // O_NOFOLLOW on a link opened for reading: ELOOP
            return errno;
        }
        const int err = follow(dir, where, name, open_last, out);
        if (err != kChanged)
            return err;
    }
    return EAGAIN;
}

// The link `name` in `dir` (at `where`): allowed by the rule, its target resolved from
// `dir` (or from '/' when absolute), and for SymLinksIfOwnerMatch owned by the link's owner.
// The link's owner and text are read from one descriptor of the link itself, so a link
// swapped under the name between the two reads cannot pair one link's owner with
// another's target. kChanged when the name is no longer a link (the caller opens it again).
// On success `where` is the place the link led to.
int Walker::follow(const Fd& dir, Location& where, const std::string& name, bool open_last, Fd* out)
{
    if (access_.symlinks == SymlinkRule::None) {
        refused_ = true;
        return EACCES;
    }
    if (++links_ > kMaxLinks)
        return ELOOP;
    const Fd link(::openat(dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!link)
        return errno;
    struct stat link_st;
    if (::fstat(link.get(), &link_st) != 0)
        return errno;
    if (!S_ISLNK(link_st.st_mode))
        return kChanged;
    char target[PATH_MAX];
    const ssize_t n = ::readlinkat(link.get(), "", target, sizeof target);
    if (n < 0)
        return errno;
    if (size_t(n) >= sizeof target)
        return ENAMETOOLONG;
    const std::string_view text(target, size_t(n));
    Fd base;
    Location base_where;
    if (!text.empty() && text.front() == '/') {
        base = Fd(::open("/", kDirectoryFlags));
    } else {
        base = Fd(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0));
        base_where = where;
    }
    if (!base)
        return errno;
    Fd resolved;
    if (const int err = resolve(std::move(base), base_where, text, open_last, &resolved))
        return err;
    if (access_.symlinks == SymlinkRule::IfOwnerMatch) {
        struct stat st;
        if (::fstat(resolved.get(), &st) != 0)
            return errno;
        if (st.st_uid != link_st.st_uid) {
            refused_ = true;
            return EACCES;
        }
    }
    where = std::move(base_where);
    *out = std::move(resolved);
    return 0;
}

// openat2(2) has no glibc wrapper in Debian 12.
int open_beneath_without_links(int root, const char* path, int flags)
{
#ifdef SYS_openat2
    struct open_how how {};
    how.flags = uint64_t(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return int(::syscall(SYS_openat2, root, path, &how, sizeof how));
#else
    (void)root;
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

} // namespace

DocumentFile open_document(const std::string& document_root, std::string_view path, const FileAccess& access,
                           int flags)
{
    DocumentFile result;
    Fd root(::open(document_root.c_str(), kDirectoryFlags));
    if (!root) {
        result.error = errno;
        return result;
    }
    std::string relative(path);
    while (!relative.empty() && relative.front() == '/')
        relative.erase(0, 1);
    if (relative.empty())
        relative = ".";

    if (access.symlinks == SymlinkRule::Follow && access.symlinks_outside_root) {
        // Apache's plain FollowSymLinks: the kernel follows every link, wherever it leads.
        result.fd = ::openat(root.get(), relative.c_str(), flags | O_CLOEXEC);
        result.error = result.fd < 0 ? errno : 0;
        return result;
    }

    result.fd = open_beneath_without_links(root.get(), relative.c_str(), flags);
    if (result.fd >= 0) {
        result.without_links = true;
        return result;
    }
    const int err = errno;
    // ELOOP: a link on the way. ENOSYS, EPERM, E2BIG: no usable openat2 (an old kernel, a
    // seccomp filter); the walk then decides everything.
    if (err != ELOOP && err != ENOSYS && err != EPERM && err != E2BIG) {
        result.error = err;
        return result;
    }
    if (err == ELOOP && access.symlinks == SymlinkRule::None) {
        result.error = EACCES;
        result.link_refused = true;
        return result;
    }

    Location root_where;
    if (!location_of(root.get(), document_root, &root_where)) {
        result.error = errno ? errno : EACCES;
        return result;
    }
    Location where = root_where;
    Walker walker(access, flags);
    Fd opened;
    if (const int walk_err = walker.resolve(std::move(root), where, relative, true, &opened)) {
        result.error = walk_err;
        result.link_refused = walker.refused();
        return result;
    }
    if (!access.symlinks_outside_root && !beneath(where, root_where)) {
        result.error = EACCES;
        result.link_refused = true;
        return result;
    }
    result.fd = opened.release();
    return result;
}

} // namespace mpmd
