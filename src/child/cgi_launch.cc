// See cgi_launch.h.
#include "child/cgi_launch.h"

#include "child/child_isolation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>

namespace mpmd {

namespace {

// ---- the script's own process, between fork and execve

void reset_signals()
{
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig)
        sigaction(sig, &sa, nullptr);   // SIGKILL and SIGSTOP refuse; nothing else matters
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

// In a process just forked from `parent`: killed when its parent ends. A parent that ended
// between the fork and the prctl(2) would never send the signal, so that is checked after.
void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
}

// Becomes the script, in a process forked from `parent`: `in`, `out` and `err` (its ends of
// the pipes) as 0, 1 and 2, nothing else open. On failure says why on its stderr (the error
// log reads it) and exits 127.
[[noreturn]] void become_script(pid_t parent, const CgiCommand& command, int in, int out, int err)
{
    die_with_parent(parent);
    setsid();
    reset_signals();
    // Above 2 first, so the dup2 calls cannot overwrite one another.
    int fds[3] = {fcntl(in, F_DUPFD, 3), fcntl(out, F_DUPFD, 3), fcntl(err, F_DUPFD, 3)};
    for (int i = 0; i < 3; ++i)
        if (fds[i] < 0 || dup2(fds[i], i) < 0)
            _exit(127);
    close_descriptors_except({0, 1, 2});
    std::vector<char*> argv{const_cast<char*>(command.program.c_str()), nullptr};
    std::vector<char*> envp;
    for (const std::string& entry : command.env)
        envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);
    if (chdir(command.directory.c_str()) != 0) {
        dprintf(2, "cannot change to the script's directory: %s\n", strerror(errno));
        _exit(127);
    }
    execve(command.program.c_str(), argv.data(), envp.data());
    dprintf(2, "exec of the script failed: %s\n", strerror(errno));
    _exit(127);
}

// Three pipes; ours[i] is the serving side's end of stdin, stdout, stderr, theirs[i] the
// script's.
bool make_pipes(UniqueFd ours[3], UniqueFd theirs[3])
{
    for (int i = 0; i < 3; ++i) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0)
            return false;
        // stdin: the script reads p[0]; stdout, stderr: it writes p[1].
        ours[i].reset(i == 0 ? p[1] : p[0]);
        theirs[i].reset(i == 0 ? p[0] : p[1]);
        fcntl(ours[i].get(), F_SETFL, fcntl(ours[i].get(), F_GETFL) | O_NONBLOCK);
    }
    return true;
}

// ---- prefork: fork here

class ForkingLauncher final : public CgiLauncher {
public:
    bool launch(const CgiCommand& command, CgiProcess* process, std::string* problem) override
    {
        UniqueFd ours[3], theirs[3];
        if (!make_pipes(ours, theirs)) {
            *problem = std::string("pipe: ") + strerror(errno);
            return false;
        }
        const pid_t parent = getpid();
        const pid_t pid = fork();
        if (pid < 0) {
            *problem = std::string("fork: ") + strerror(errno);
            return false;
        }
        if (pid == 0)
            become_script(parent, command, theirs[0].get(), theirs[1].get(), theirs[2].get());
        process->pid = pid;
        process->stdin_fd = std::move(ours[0]);
        process->stdout_fd = std::move(ours[1]);
        process->stderr_fd = std::move(ours[2]);
        return true;
    }

    int finish(CgiProcess& process) override
    {
        process.stdin_fd.reset();
        process.stdout_fd.reset();
        process.stderr_fd.reset();
        if (process.pid <= 0)
            return -1;
        int status = 0;
        pid_t got;
        do
            got = waitpid(process.pid, &status, WNOHANG);
        while (got < 0 && errno == EINTR);
        if (got == 0) {
            kill(-process.pid, SIGKILL);
            kill(process.pid, SIGKILL);   // in case it had not made its group yet
            do
                got = waitpid(process.pid, &status, 0);
            while (got < 0 && errno == EINTR);
        }
        process.pid = -1;
        return got > 0 ? status : -1;
    }
};

// ---- worker, event: the helper

// The command as bytes: each string as a 4-byte length and its bytes.
void put_string(std::string& out, const std::string& s)
{
    const uint32_t n = uint32_t(s.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n).append(s);
}

bool read_all(int fd, void* buffer, size_t size)
{
    char* p = static_cast<char*>(buffer);
    while (size > 0) {
        const ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool write_all(int fd, const char* p, size_t size)
{
    while (size > 0) {
        const ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool get_string(int fd, std::string* s)
{
    uint32_t n = 0;
    if (!read_all(fd, &n, sizeof n) || n > (64u << 20))
        return false;
    s->resize(n);
    return n == 0 || read_all(fd, &(*s)[0], n);
}

// Sends `data` with descriptors attached.
bool send_with_fds(int socket, const void* data, size_t size, const int* fds, int count)
{
    char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    iovec iov{const_cast<void*>(data), size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * size_t(count));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * size_t(count));
    std::memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * size_t(count));
    ssize_t n;
    do
        n = sendmsg(socket, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == ssize_t(size);
}

// Receives `size` bytes with up to `max` descriptors (close-on-exec); returns how many came,
// -1 on failure or end of file.
int receive_with_fds(int socket, void* data, size_t size, int* fds, int max)
{
    char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    iovec iov{data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n != ssize_t(size))
        return -1;
    int count = 0;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        const int got = int((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < got; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + sizeof(int) * size_t(i), sizeof fd);
            if (count < max)
                fds[count++] = fd;
            else
                close(fd);
        }
    }
    return count;
}

// In the process the helper forked for one script: reads the command from the serving
// thread's socket, makes the pipes, sends their far ends and its pid back, becomes the script.
[[noreturn]] void serve_one_script(pid_t helper, int channel)
{
    die_with_parent(helper);
    CgiCommand command;
    uint32_t entries = 0;
    if (!get_string(channel, &command.program) || !get_string(channel, &command.directory) ||
        !read_all(channel, &entries, sizeof entries) || entries > 65536)
        _exit(127);
    command.env.resize(entries);
    for (std::string& entry : command.env)
        if (!get_string(channel, &entry))
            _exit(127);
    UniqueFd ours[3], theirs[3];
    if (!make_pipes(ours, theirs))
        _exit(127);
    const pid_t self = getpid();
    const int fds[3] = {ours[0].get(), ours[1].get(), ours[2].get()};
    if (!send_with_fds(channel, &self, sizeof self, fds, 3))
        _exit(127);
    become_script(helper, command, theirs[0].get(), theirs[1].get(), theirs[2].get());
}

// The helper's loop: forks a script process for each socket its child sends, kills the
// script whose socket its child closed, reaps them all, and ends with its child.
[[noreturn]] void run_helper(pid_t child, int control)
{
    die_with_parent(child);
    const pid_t helper = getpid();
    reset_signals();
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, nullptr);
    const int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0 || !close_descriptors_except(sigfd < control ? std::vector<int>{0, 1, 2, sigfd, control}
                                                                   : std::vector<int>{0, 1, 2, control, sigfd}))
        _exit(1);
    std::map<pid_t, int> scripts;   // a running script's pid -> the helper's end of its socket
    for (;;) {
        std::vector<pollfd> fds{{control, POLLIN, 0}, {sigfd, POLLIN, 0}};
        std::vector<pid_t> pids;
        for (const auto& [pid, channel] : scripts) {
            if (channel < 0)
                continue;
            fds.push_back({channel, 0, 0});   // only its hang-up: the data is the script's to read
            pids.push_back(pid);
        }
        if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
            _exit(1);
        if (fds[1].revents != 0) {
            signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) > 0) {
            }
            pid_t pid;
            int status;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                auto it = scripts.find(pid);
                if (it == scripts.end())
                    continue;
                if (it->second >= 0)
                    close(it->second);   // a serving thread waiting for the pipes sees the end
                scripts.erase(it);
            }
        }
        for (size_t i = 2; i < fds.size(); ++i) {
            if (fds[i].revents == 0)
                continue;
            auto it = scripts.find(pids[i - 2]);
            if (it == scripts.end())
                continue;
            kill(-it->first, SIGKILL);
            kill(it->first, SIGKILL);
            close(it->second);
            it->second = -1;   // reaped at its SIGCHLD
        }
        if (fds[0].revents != 0) {
            char byte;
            int channel = -1;
            const int got = receive_with_fds(control, &byte, 1, &channel, 1);
            if (got < 0) {   // the child is gone: so are its scripts
                for (const auto& [pid, unused] : scripts) {
                    kill(-pid, SIGKILL);
                    kill(pid, SIGKILL);
                }
                _exit(0);
            }
            if (got == 0)
                continue;
            const pid_t pid = fork();
            if (pid == 0)
                serve_one_script(helper, channel);
            if (pid < 0)
                close(channel);   // the serving thread reads the end and answers 500
            else
                scripts[pid] = channel;
        }
    }
}

class HelperLauncher final : public CgiLauncher {
public:
    HelperLauncher(UniqueFd control, pid_t helper) : control_(std::move(control)), helper_(helper) {}

    ~HelperLauncher() override
    {
        control_.reset();   // the helper ends when it reads the end
        int status;
        while (waitpid(helper_, &status, 0) < 0 && errno == EINTR) {
        }
    }

    bool launch(const CgiCommand& command, CgiProcess* process, std::string* problem) override
    {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
            *problem = std::string("socketpair: ") + strerror(errno);
            return false;
        }
        UniqueFd ours(pair[0]), theirs(pair[1]);
        const char byte = 0;
        if (!send_with_fds(control_.get(), &byte, 1, &pair[1], 1)) {
            *problem = std::string("the CGI helper process is gone: ") + strerror(errno);
            return false;
        }
        theirs.reset();
        std::string bytes;
        put_string(bytes, command.program);
        put_string(bytes, command.directory);
        const uint32_t entries = uint32_t(command.env.size());
        bytes.append(reinterpret_cast<const char*>(&entries), sizeof entries);
        for (const std::string& entry : command.env)
            put_string(bytes, entry);
        pid_t pid = -1;
        int fds[3] = {-1, -1, -1};
        if (!write_all(ours.get(), bytes.data(), bytes.size()) ||
            receive_with_fds(ours.get(), &pid, sizeof pid, fds, 3) != 3) {
            for (int fd : fds)
                if (fd >= 0)
                    close(fd);
            *problem = "the CGI helper could not start the script";
            return false;
        }
        process->pid = pid;
        process->stdin_fd.reset(fds[0]);
        process->stdout_fd.reset(fds[1]);
        process->stderr_fd.reset(fds[2]);
        process->channel = std::move(ours);
        return true;
    }

    int finish(CgiProcess& process) override
    {
        process.stdin_fd.reset();
        process.stdout_fd.reset();
        process.stderr_fd.reset();
        process.channel.reset();   // the helper kills a script still running, and reaps it
        process.pid = -1;
        return -1;
    }

private:
    UniqueFd control_;   // SOCK_SEQPACKET: each message one socket, whole, whichever thread sends
    pid_t helper_;
};

} // namespace

std::unique_ptr<CgiLauncher> make_forking_launcher()
{
    return std::make_unique<ForkingLauncher>();
}

std::unique_ptr<CgiLauncher> make_helper_launcher(std::string* problem)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        *problem = std::string("socketpair: ") + strerror(errno);
        return nullptr;
    }
    const pid_t child = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        *problem = std::string("fork: ") + strerror(errno);
        close(pair[0]);
        close(pair[1]);
        return nullptr;
    }
    if (pid == 0) {
        close(pair[0]);
        run_helper(child, pair[1]);
    }
    close(pair[1]);
    return std::make_unique<HelperLauncher>(UniqueFd(pair[0]), pid);
}

} // namespace mpmd
