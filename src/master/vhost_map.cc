// See vhost_map.h. Every vhost answers on every Listen (name-based only), so each listener
// lists them all, in file order, the first as its default server.
#include "master/vhost_map.h"

namespace mpmd {

namespace {

std::string padded(std::string text, size_t width)
{
    if (text.size() < width)
        text.resize(width, ' ');
    return text + ' ';
}

std::string listener_name(const ListenAddress& address)
{
    return address.host.empty() ? "*:" + std::to_string(address.port) : address.text();
}

std::string account(const std::string& name, unsigned long id)
{
    return "name=\"" + name + "\" id=" + std::to_string(id);
}

} // namespace

std::string vhost_map_text(const ServerConfig& server)
{
    std::string out = "VirtualHost configuration:\n";
    for (const ListenAddress& address : server.listen) {
        if (server.vhosts.empty())
            break;
        const VirtualHost& first = server.vhosts.front();
        out += padded(listener_name(address), 22) + "is a NameVirtualHost\n";
        out += "         default server " + first.server_name + " (" + first.file + ":" +
               std::to_string(first.line) + ")\n";
        for (const VirtualHost& vhost : server.vhosts) {
            out += "         port " + std::to_string(address.port) + " namevhost " + vhost.server_name + " (" +
                   vhost.file + ":" + std::to_string(vhost.line) + ")\n";
            for (const std::string& alias : vhost.aliases)
                out += std::string("                 ") +
                       (alias.find_first_of("*?") == std::string::npos ? "alias " : "wild alias ") + alias + "\n";
        }
    }
    out += "ServerRoot: \"" + server.server_root + "\"\n";
    out += "Main DocumentRoot: \"" + server.document_root + "\"\n";
    out += "Main ErrorLog: \"" + server.error_log + "\"\n";
    out += "PidFile: \"" + server.pid_file + "\"\n";
    out += "User: " + account(server.user, server.uid) + "\n";
    out += "Group: " + account(server.group, server.gid) + "\n";
    return out;
}

} // namespace mpmd
