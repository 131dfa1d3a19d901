// See raw_terminal.h.
// Runs in: mpmctl.
#include "ctl/raw_terminal.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mpmd {

namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_resized = 0;

void on_stop(int) { g_stop = 1; }
void on_resize(int) { g_resized = 1; }

void catch_signal(int signo, void (*handler)(int))
{
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, nullptr);   // no SA_RESTART: poll(2) returns EINTR
}

} // namespace

bool RawTerminal::enter(int in_fd, int out_fd, std::string* error)
{
    if (!isatty(in_fd) || !isatty(out_fd) || tcgetattr(in_fd, &saved_) != 0) {
        *error = "not a terminal (mpmctl top needs a tty; use mpmctl status)";
        return false;
    }
    in_ = in_fd;
    out_ = out_fd;
    for (int signo : {SIGINT, SIGTERM, SIGHUP})
        catch_signal(signo, on_stop);
    catch_signal(SIGWINCH, on_resize);
    struct termios raw = saved_;
    raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_oflag &= ~tcflag_t(OPOST);
    raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN);   // ISIG kept: ^C is SIGINT
    raw.c_cflag = (raw.c_cflag & ~tcflag_t(CSIZE | PARENB)) | CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(in_fd, TCSAFLUSH, &raw) != 0) {
        *error = std::string("cannot set raw mode: ") + std::strerror(errno);
        return false;
    }
    active_ = true;
    write("\x1b[?1049h\x1b[?25l\x1b[2J");
    return true;
}

RawTerminal::~RawTerminal() { restore(); }

void RawTerminal::restore()
{
    if (!active_)
        return;
    active_ = false;
    write("\x1b[0m\x1b[?25h\x1b[?1049l");
    tcsetattr(in_, TCSAFLUSH, &saved_);
}

void RawTerminal::write(const std::string& text) const
{
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(out_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += size_t(n);
    }
}

void RawTerminal::window(int* columns, int* rows) const
{
    struct winsize size {};
    const bool known = ioctl(out_, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0;
    *columns = known ? size.ws_col : 80;
    *rows = known ? size.ws_row : 24;
}

int RawTerminal::columns() const
{
    int columns = 0, rows = 0;
    window(&columns, &rows);
    return columns;
}

int RawTerminal::rows() const
{
    int columns = 0, rows = 0;
    window(&columns, &rows);
    return rows;
}

int RawTerminal::read_key(int timeout_ms) const
{
    struct pollfd fd {in_, POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0)
        return -1;
    unsigned char key = 0;
    const ssize_t n = ::read(in_, &key, 1);
    return n == 1 ? key : (n == 0 || errno != EINTR) ? kClosed : -1;
}

bool RawTerminal::stop_requested() { return g_stop != 0; }

bool RawTerminal::take_resized()
{
    const bool resized = g_resized != 0;
    g_resized = 0;
    return resized;
}

} // namespace mpmd
