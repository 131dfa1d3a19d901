// RawTerminal: the tty in raw mode for `mpmctl top` (no echo, no line buffering, keys read one
// at a time) on the alternate screen with the cursor hidden; the destructor puts everything
// back. SIGINT, SIGTERM, SIGHUP and SIGWINCH only set flags (no work in a handler), so the loop
// leaves normally and the destructor restores the terminal whatever ended it.
// Runs in: mpmctl.
// Leans on: termios(3) (tcgetattr, tcsetattr, cfmakeraw-style flags), ioctl_tty(2)
// (TIOCGWINSZ), poll(2), sigaction(2); xterm's alternate screen (CSI ? 1049 h/l).
#ifndef MPMD_CTL_RAW_TERMINAL_H
#define MPMD_CTL_RAW_TERMINAL_H

#include <termios.h>

#include <string>

namespace mpmd {

class RawTerminal {
public:
    // Takes `fd` (a tty) into raw mode; false with *error when it is not a terminal.
    bool enter(int in_fd, int out_fd, std::string* error);
    ~RawTerminal();
    RawTerminal() = default;
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

    void restore();
    void write(const std::string& text) const;
    // The window size (80x24 when the tty does not say).
    int columns() const;
    int rows() const;
    // Waits up to timeout_ms for a key; returns it, -1 on timeout or a signal, kClosed when
    // the terminal is gone.
    static constexpr int kClosed = -2;
    int read_key(int timeout_ms) const;

    // Set by the signal handlers; stop_requested() is INT, TERM or HUP.
    static bool stop_requested();
    // True once after each SIGWINCH.
    static bool take_resized();

private:
    int in_ = -1;
    int out_ = -1;
    bool active_ = false;
    struct termios saved_ {};
    void window(int* columns, int* rows) const;
};

} // namespace mpmd

#endif
