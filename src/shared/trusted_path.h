// Files the master writes as root (PidFile, ErrorLog, CustomLog), reached so that no other
// user can steer the write: a symbolic link planted where mpmd will open a log must not make
// root append to /etc/passwd, and a directory another user can change must not hold a file
// root writes (Apache's security tips warn of exactly this for its logs directory).
//
// The rule, for every path below (mpmd.conf(5), "Files written as root"); "trusted" means
// root, or the user mpmd runs as when it was not started as root:
//   1. Every directory on the way is owned by a trusted user and writable by nobody else,
//      or has the sticky bit (as /tmp: others may add entries, but not remove or rename
//      the ones they do not own), or is writable by its group only (Ubuntu's /var/log,
//      root:syslog 0775). OpenSSH's StrictModes, with those two shared cases allowed.
//   2. Every symbolic link on the way is followed only when a trusted user owns it, so an
//      administrator's deliberate link (made as root) works and a planted one is refused;
//      its target is then walked by the same rule. Linux's fs.protected_symlinks, made a
//      rule everywhere instead of a sysctl for sticky directories only.
//   3. In a directory others may write to (rule 1's shared cases) the file itself must be
//      absent (then it is created), or a regular file a trusted user owns, with one link
//      (a hard link to another file is what a planted one looks like).
// The walk goes component by component with openat(2) on O_PATH descriptors, and the file
// is opened O_NOFOLLOW in the directory it reached, so what was checked is what is opened.
// Runs in: master (opens at start, restarts and LogWatch reopens), and `mpmd -k` (reads PidFile).
// Leans on: openat(2) O_PATH|O_NOFOLLOW, fstatat(2) AT_SYMLINK_NOFOLLOW, readlinkat(2),
// fstatfs(2) (/proc's own links), path_resolution(7), getpwuid_r(3).
#ifndef MPMD_SHARED_TRUSTED_PATH_H
#define MPMD_SHARED_TRUSTED_PATH_H

#include <sys/types.h>

#include <optional>
#include <string>

namespace mpmd {

// Whether a link at the very end of the path is followed (log files: an administrator may
// point one elsewhere) or left as the entry itself (PidFile, which is replaced by rename(2)
// and so never written through a link).
enum class FinalLink { Follow, Keep };

// The directory that holds the file, reached by the rule, and the file's name in it.
class TrustedDirectory {
public:
    TrustedDirectory(int fd, std::string path, std::string name, bool shared, bool magic_link);
    ~TrustedDirectory();
    TrustedDirectory(TrustedDirectory&& other) noexcept;
    TrustedDirectory& operator=(TrustedDirectory&&) = delete;
    TrustedDirectory(const TrustedDirectory&) = delete;

    int fd() const { return fd_; }                      // O_PATH; for openat(2) and the like
    const std::string& path() const { return path_; }   // as reached, for messages
    const std::string& name() const { return name_; }
    // Others may add entries (the sticky case of rule 1): rule 3 applies to the file.
    bool shared() const { return shared_; }
    // The name is one of /proc's own links (/proc/self/fd/2, as /dev/stderr leads to):
    // only the kernel can follow it, by opening it.
    bool magic_link() const { return magic_link_; }

private:
    int fd_;
    std::string path_;
    std::string name_;
    bool shared_;
    bool magic_link_;
};

// Walks to the directory of `path` (made absolute against the working directory if it is
// not). nullopt with *error set: a plain system error as strerror(3) alone ("No such file or
// directory", as open(2) would say), a broken rule as a sentence naming the component, who
// owns it and the fix; *broken_rule (if given) tells which.
std::optional<TrustedDirectory> reach_trusted_directory(const std::string& path, FinalLink final_link,
                                                        std::string* error, bool* broken_rule = nullptr);

// Opens `path` with `flags` (O_CREAT allowed, with `mode`) by the rule; the descriptor is
// O_CLOEXEC. -1 with *error set as above.
int open_trusted(const std::string& path, int flags, mode_t mode, std::string* error);

// Rule 3 for a file open in `directory`: "" when `fd` may be used, else why not.
std::string shared_directory_file_problem(const TrustedDirectory& directory, int fd);

// Whether `uid` is trusted: root, or the user this process runs as.
bool trusted_owner(uid_t uid);
// "nobody (uid 65534)", or "uid 1234" for an id with no name.
std::string describe_user(uid_t uid);

} // namespace mpmd

#endif
