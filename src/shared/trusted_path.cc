// See trusted_path.h for the rule; this is the walk that applies it.
#include "shared/trusted_path.h"

#include "shared/path_names.h"
#include "shared/unique_fd.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <vector>

namespace mpmd {

namespace {

constexpr int kMaxLinks = 40;                  // path_resolution(7): ELOOP beyond
constexpr long kProcSuperMagic = 0x9fa0;       // statfs(2) f_type of /proc
constexpr const char* kSharedFix =
    "remove it; better, use a directory only root can write to, such as /var/log/mpmd or /run";

std::string errno_text(int err) { return std::strerror(err); }

std::string trusted_users()
{
    return geteuid() == 0 ? "root" : "root or " + describe_user(geteuid());
}

// "name (uid N)" through getpwuid_r(3) or getgrgid_r(3), or "uid N" for an id without a name.
template <typename Entry, typename Id>
std::string describe_id(Id id, const char* kind, int (*lookup)(Id, Entry*, char*, size_t, Entry**),
                        char* Entry::*name)
{
    Entry entry {};
    Entry* found = nullptr;
    std::vector<char> buffer(4096);
    const std::string number = std::string(kind) + " " + std::to_string(id);
    if (lookup(id, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
        return std::string(found->*name) + " (" + number + ")";
    return number;
}

// The names of `path` as strings, to be walked in order (links splice theirs in front).
std::deque<std::string> components(const std::string& path)
{
    const std::vector<std::string_view> names = path_names(path);
    return std::deque<std::string>(names.begin(), names.end());
}

std::string join(const std::string& directory, const std::string& name)
{
    return directory == "/" ? "/" + name : directory + "/" + name;
}

std::string parent_of(const std::string& directory)
{
    const size_t slash = directory.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : directory.substr(0, slash);
}

// Rule 1 for the directory open at `fd`: "" when it may hold a file root writes (and
// *shared says whether others may add entries to it), else why not.
std::string directory_problem(int fd, const std::string& path, bool* shared)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return errno_text(errno);
    if (!trusted_owner(st.st_uid))
        return "directory " + path + " is owned by " + describe_user(st.st_uid) +
               ", who could put a link to any file there in place of the one mpmd writes as root (make " +
               trusted_users() + " its owner, or use a directory only root can write to)";
    // A directory its group may write to (Ubuntu's /var/log is root:syslog 0775) is shared
    // like a sticky one: rule 3 then holds the file itself to a trusted owner and one link,
    // checked on what was opened. One every user may write to without the sticky bit is a
    // mistake to point out, not to work around.
    const bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0)
        return "directory " + path + " is writable by every user and has no sticky bit, so the file mpmd "
               "writes there as root could be replaced by a link to any other (chmod o-w " + path +
               ", or use a directory only root can write to)";
    *shared = others_write;
    return {};
}

bool read_link(int directory, const std::string& name, std::string* target)
{
    std::vector<char> buffer(256);
    for (;;) {
        const ssize_t n = readlinkat(directory, name.c_str(), buffer.data(), buffer.size());
        if (n < 0)
            return false;
        if (size_t(n) < buffer.size()) {
            target->assign(buffer.data(), size_t(n));
            return true;
        }
        if (buffer.size() >= PATH_MAX) {
            errno = ENAMETOOLONG;
            return false;
        }
        buffer.resize(buffer.size() * 2);
    }
}

bool on_proc(int directory)
{
    struct statfs fs {};
    return fstatfs(directory, &fs) == 0 && long(fs.f_type) == kProcSuperMagic;
}

// The walk (see trusted_path.h); keeps the directory reached so far open.
class Walk {
public:
    Walk(FinalLink final_link, std::string* error) : final_link_(final_link), error_(error) {}

    bool broke_rule() const { return broke_rule_; }

    std::optional<TrustedDirectory> run(const std::string& path)
    {
        std::string absolute = path;
        if (absolute.empty() || absolute.front() != '/') {
            std::vector<char> cwd(PATH_MAX);
            if (getcwd(cwd.data(), cwd.size()) == nullptr)
                return fail(errno_text(errno));
            absolute = join(cwd.data(), path);
        }
        if (absolute.back() == '/')
            return fail(absolute + " names a directory, not a file");
        std::deque<std::string> todo = components(absolute);
        if (!enter_root())
            return std::nullopt;
        int links = 0;
        while (!todo.empty()) {
            const std::string name = todo.front();
            todo.pop_front();
            const bool last = todo.empty();
            if (name == "..") {
                if (!enter(openat(dir_.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC), parent_of(here_)))
                    return std::nullopt;
                continue;
            }
            const std::string entry = join(here_, name);
            struct stat st {};
            if (fstatat(dir_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT && last)
                    return reached(name, false);   // to be created
                return fail(errno_text(errno));
            }
            if (S_ISLNK(st.st_mode)) {
                if (!trusted_owner(st.st_uid))
                    return broken(entry + " is a symbolic link owned by " + describe_user(st.st_uid) +
                                "; mpmd follows a link on the way to a file it writes as root only when " +
                                trusted_users() + " owns it (remove the link, or name the real file)");
                if (last && final_link_ == FinalLink::Keep)
                    return reached(name, false);
                if (last && on_proc(dir_.get()))
                    return reached(name, true);
                std::string target;
                if (++links > kMaxLinks)
                    return fail(errno_text(ELOOP));
                if (!read_link(dir_.get(), name, &target))
                    return fail(errno_text(errno));
                const std::deque<std::string> more = components(target);
                todo.insert(todo.begin(), more.begin(), more.end());
                if (target.front() == '/' && !enter_root())
                    return std::nullopt;
                continue;
            }
            if (last)
                return reached(name, false);
            if (!S_ISDIR(st.st_mode))
                return fail(errno_text(ENOTDIR));
            if (!enter(openat(dir_.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), entry))
                return std::nullopt;
        }
        return fail(absolute + " names a directory, not a file");
    }

private:
    bool enter_root() { return enter(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), "/"); }

    bool enter(int fd, const std::string& path)
    {
        if (fd < 0) {
            *error_ = errno_text(errno);
            return false;
        }
        UniqueFd next(fd);
        const std::string problem = directory_problem(fd, path, &shared_);
        if (!problem.empty()) {
            *error_ = problem;
            broke_rule_ = true;
            return false;
        }
        dir_ = std::move(next);
        here_ = path;
        return true;
    }

    std::optional<TrustedDirectory> reached(const std::string& name, bool magic)
    {
        return TrustedDirectory(dir_.release(), here_, name, shared_, magic);
    }

    std::optional<TrustedDirectory> fail(const std::string& why)
    {
        *error_ = why;
        return std::nullopt;
    }

    std::optional<TrustedDirectory> broken(const std::string& why)
    {
        broke_rule_ = true;
        return fail(why);
    }

    FinalLink final_link_;
    std::string* error_;
    UniqueFd dir_;
    std::string here_;
    bool shared_ = false;
    bool broke_rule_ = false;   // the failure is the rule's, not a system error
};

} // namespace

TrustedDirectory::TrustedDirectory(int fd, std::string path, std::string name, bool shared, bool magic_link)
    : fd_(fd), path_(std::move(path)), name_(std::move(name)), shared_(shared), magic_link_(magic_link)
{
}

TrustedDirectory::~TrustedDirectory()
{
    if (fd_ >= 0)
        close(fd_);
}

TrustedDirectory::TrustedDirectory(TrustedDirectory&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), name_(std::move(other.name_)), shared_(other.shared_),
      magic_link_(other.magic_link_)
{
    other.fd_ = -1;
}

bool trusted_owner(uid_t uid) { return uid == 0 || uid == geteuid(); }

std::string describe_user(uid_t uid) { return describe_id<struct passwd>(uid, "uid", getpwuid_r, &passwd::pw_name); }

std::optional<TrustedDirectory> reach_trusted_directory(const std::string& path, FinalLink final_link,
                                                        std::string* error, bool* broken_rule)
{
    Walk walk(final_link, error);
    std::optional<TrustedDirectory> reached = walk.run(path);
    if (broken_rule != nullptr)
        *broken_rule = walk.broke_rule();
    return reached;
}

std::string shared_directory_file_problem(const TrustedDirectory& directory, int fd)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return errno_text(errno);
    const std::string entry = join(directory.path(), directory.name());
    const std::string where = ", in " + directory.path() + ", a directory other users can write to";
    if (!S_ISREG(st.st_mode))
        return entry + " is not a regular file" + where + " (" + kSharedFix + ")";
    if (!trusted_owner(st.st_uid))
        return entry + " is owned by " + describe_user(st.st_uid) + where +
               ": mpmd does not write as root to a file another user made (" + kSharedFix + ")";
    if (st.st_nlink != 1)
        return entry + " has " + std::to_string(st.st_nlink) + " hard links" + where +
               ": one may be another user's link to a file mpmd must not write (" + kSharedFix + ")";
    return {};
}

int open_trusted(const std::string& path, int flags, mode_t mode, std::string* error)
{
    const std::optional<TrustedDirectory> directory = reach_trusted_directory(path, FinalLink::Follow, error);
    if (!directory)
        return -1;
    const char* name = directory->name().c_str();
    if (directory->magic_link()) {
        const int fd = openat(directory->fd(), name, flags | O_CLOEXEC, mode);
        if (fd < 0)
            *error = errno_text(errno);
        return fd;
    }
    // In a shared directory the entry may change between the walk and the open (to a link:
    // O_NOFOLLOW refuses it; to another user's file or FIFO: rule 3 on what was opened, and
    // no open that could block on a FIFO).
    const int fd = openat(directory->fd(), name, flags | O_NOFOLLOW | O_CLOEXEC | (directory->shared() ? O_NONBLOCK : 0),
                          mode);
    if (fd < 0) {
        *error = errno == ELOOP ? join(directory->path(), name) + " became a symbolic link while it was opened"
                                : errno_text(errno);
        return -1;
    }
    if (directory->shared()) {
        const std::string problem = shared_directory_file_problem(*directory, fd);
        if (!problem.empty()) {
            close(fd);
            *error = problem;
            return -1;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    return fd;
}

} // namespace mpmd
