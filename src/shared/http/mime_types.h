// MimeTypes: the TypesConfig file (mime.types format: "type ext ext ...", '#' comments) as a
// hash map from lower-case extension to media type, for the Content-Type of static files.
// Runs in: master (loads and validates with the config) and children (lookups).
// Leans on RFC 6838 (type/subtype names) and the mime.types(5) layout.
#ifndef MPMD_SHARED_HTTP_MIME_TYPES_H
#define MPMD_SHARED_HTTP_MIME_TYPES_H

#include <string>
#include <string_view>
#include <unordered_map>

namespace mpmd {

class MimeTypes {
public:
    // Replaces the current table only on success. A later line naming an extension again wins;
    // a leading dot is dropped; names with a dot or longer than 15 bytes are skipped.
    // Only a malformed media type is an error.
    // On failure `error` gets "path: reason" or "path:line: reason".
    bool load(const std::string& path, std::string* error);
    // Same rules, from text already in memory; `origin` names it in errors.
    bool load_text(std::string_view text, std::string_view origin, std::string* error);

    // Media type for the extension of the last segment of `path` (text after its last '.'),
    // compared without case; kDefaultType when there is none or it is unknown.
    const std::string& lookup(std::string_view path) const;

    size_t size() const { return by_extension_.size(); }

    static const std::string kDefaultType;   // "application/octet-stream"

private:
    std::unordered_map<std::string, std::string> by_extension_;
};

} // namespace mpmd

#endif
