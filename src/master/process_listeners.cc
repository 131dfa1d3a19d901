// See process_listeners.h.
#include "master/process_listeners.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>

namespace mpmd {

namespace {

template <typename Number>
bool parse_hex(std::string_view text, Number* out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out, 16);
    return error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> fields(std::string_view line)
{
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ')
            ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ')
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

std::set<unsigned long> socket_inodes(pid_t pid, bool* readable)
{
    std::set<unsigned long> inodes;
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = opendir(dir.c_str());
    *readable = d != nullptr;
    if (d == nullptr)
        return inodes;
    while (const dirent* entry = readdir(d)) {
        char target[64];
        const std::string link = dir + "/" + entry->d_name;
        const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n <= 0)
            continue;
        const std::string_view text(target, size_t(n));
        constexpr std::string_view prefix = "socket:[";
        if (text.substr(0, prefix.size()) != prefix || text.back() != ']')
            continue;
        unsigned long inode = 0;
        const std::string_view digits = text.substr(prefix.size(), text.size() - prefix.size() - 1);
        if (std::from_chars(digits.data(), digits.data() + digits.size(), inode).ec == std::errc())
            inodes.insert(inode);
    }
    closedir(d);
    return inodes;
}

// The listening TCP sockets of this network namespace, asked of the kernel by state
// (sock_diag(7)), so the cost does not grow with the connections a busy server holds, as
// reading /proc/net/tcp does. False when netlink is not available here.
bool listening_sockets_by_netlink(std::vector<ProcSocketLine>* out)
{
    const int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return false;
    bool ok = true;
    for (const int family : {AF_INET, AF_INET6}) {
        struct {
            nlmsghdr header;
            inet_diag_req_v2 request;
        } message{};
        message.header.nlmsg_len = sizeof message;
        message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        message.request.sdiag_family = uint8_t(family);
        message.request.sdiag_protocol = IPPROTO_TCP;
        message.request.idiag_states = 1u << TCP_LISTEN;
        if (send(fd, &message, sizeof message, 0) != ssize_t(sizeof message)) {
            ok = false;
            break;
        }
        bool done = false;
        while (ok && !done) {
            alignas(nlmsghdr) char buffer[16384];
            ssize_t n = recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                ok = false;
                break;
            }
            for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, size_t(n)); h = NLMSG_NEXT(h, n)) {
                if (h->nlmsg_type == NLMSG_DONE) {
                    done = true;
                    break;
                }
                if (h->nlmsg_type == NLMSG_ERROR) {
                    ok = false;
                    break;
                }
                const auto* socket_info = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
                char host[INET6_ADDRSTRLEN] = "";
                inet_ntop(family, socket_info->id.idiag_src, host, sizeof host);
                const std::string port = std::to_string(ntohs(socket_info->id.idiag_sport));
                out->push_back(ProcSocketLine{family == AF_INET6 ? "[" + std::string(host) + "]:" + port
                                                                 : std::string(host) + ":" + port,
                                              socket_info->idiag_inode});
            }
        }
        if (!ok)
            break;
    }
    close(fd);
    return ok;
}

} // namespace

std::optional<ProcSocketLine> parse_listening_line(std::string_view line, bool ipv6)
{
    const std::vector<std::string_view> f = fields(line);
    if (f.size() < 10 || f[3] != "0A")
        return std::nullopt;
    const std::string_view local = f[1];
    const size_t colon = local.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const std::string_view address = local.substr(0, colon);
    unsigned port = 0;
    ProcSocketLine out;
    if (!parse_hex(local.substr(colon + 1), &port) ||
        std::from_chars(f[9].data(), f[9].data() + f[9].size(), out.inode).ec != std::errc())
        return std::nullopt;
    char host[INET6_ADDRSTRLEN] = "";
    if (!ipv6) {
        uint32_t word = 0;
        if (address.size() != 8 || !parse_hex(address, &word))
            return std::nullopt;
        in_addr in4{};
        std::memcpy(&in4, &word, sizeof word);   // the kernel printed the word as it lies in memory
        inet_ntop(AF_INET, &in4, host, sizeof host);
        out.key = std::string(host) + ":" + std::to_string(port);
    } else {
        if (address.size() != 32)
            return std::nullopt;
        in6_addr in6{};
        for (int i = 0; i < 4; ++i) {
            uint32_t word = 0;
            if (!parse_hex(address.substr(size_t(i) * 8, 8), &word))
                return std::nullopt;
            std::memcpy(reinterpret_cast<unsigned char*>(&in6) + i * 4, &word, sizeof word);
        }
        inet_ntop(AF_INET6, &in6, host, sizeof host);
        out.key = "[" + std::string(host) + "]:" + std::to_string(port);
    }
    return out;
}

std::optional<std::vector<std::string>> listening_keys_of(pid_t pid)
{
    bool readable = false;
    const std::set<unsigned long> inodes = socket_inodes(pid, &readable);
    if (!readable)
        return std::nullopt;
    std::vector<std::string> keys;
    std::vector<ProcSocketLine> listening;
    if (listening_sockets_by_netlink(&listening)) {
        for (const ProcSocketLine& socket_line : listening)
            if (inodes.count(socket_line.inode))
                keys.push_back(socket_line.key);
        return keys;
    }
    for (const bool ipv6 : {false, true}) {
        std::ifstream table("/proc/" + std::to_string(pid) + "/net/" + (ipv6 ? "tcp6" : "tcp"));
        std::string line;
        while (std::getline(table, line)) {
            const std::optional<ProcSocketLine> parsed = parse_listening_line(line, ipv6);
            if (parsed && inodes.count(parsed->inode))
                keys.push_back(parsed->key);
        }
    }
    return keys;
}

} // namespace mpmd
