#pragma once

#include <libmnl/libmnl.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

// Reading netlink attributes without trusting them: every length is checked
// before a payload is touched. Shared by the netlink codecs; header-only
// because each helper is a line or two.
namespace wmsgate::netcfg::nlattr_read {

// mnl_nlmsg_ok without its flaw: it compares nlmsg_len as an int, so a
// length of 2 GiB or more passes and mnl_nlmsg_next then jumps far past the
// buffer (found by tests/fuzz, corpus/netlink/crash-length-over-2gib).
inline bool message_ok(const nlmsghdr* nlh, int len) {
    return len >= static_cast<int>(sizeof(nlmsghdr)) && nlh->nlmsg_len >= sizeof(nlmsghdr) &&
           nlh->nlmsg_len <= static_cast<unsigned>(len);
}

// Calls on_attr(attr) for each attribute in [data, data + len) until it
// returns false. False when an attribute's length runs past the end (the
// bytes are malformed) or on_attr refused one.
template <typename OnAttr>
bool walk(const void* data, std::size_t len, OnAttr&& on_attr) {
    const auto* attr = static_cast<const nlattr*>(data);
    int remaining = static_cast<int>(len);
    while (remaining >= static_cast<int>(sizeof(nlattr))) {
        if (!mnl_attr_ok(attr, remaining)) return false;
        if (!on_attr(attr)) return false;
        remaining -= static_cast<int>(MNL_ALIGN(attr->nla_len));
        attr = mnl_attr_next(attr);
    }
    return true;
}

// The attributes nested in `nest`.
template <typename OnAttr>
bool walk_nested(const nlattr* nest, OnAttr&& on_attr) {
    return walk(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest),
                static_cast<OnAttr&&>(on_attr));
}

// The attributes of a message after `header_size` bytes of family header.
template <typename OnAttr>
bool walk_message(const nlmsghdr* nlh, std::size_t header_size, OnAttr&& on_attr) {
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(header_size)) return false;
    const auto* start =
        static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + MNL_ALIGN(header_size);
    const auto len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(header_size);
    return walk(start, len, static_cast<OnAttr&&>(on_attr));
}

inline std::uint16_t type_of(const nlattr* attr) {
    return mnl_attr_get_type(attr);
}

// A fixed-size value; nullopt when the payload has another size.
template <typename T>
std::optional<T> fixed(const nlattr* attr) {
    if (mnl_attr_get_payload_len(attr) != sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, mnl_attr_get_payload(attr), sizeof(T));
    return value;
}

// A string attribute without its terminating NUL, if any.
inline std::string_view text(const nlattr* attr) {
    const auto* p = static_cast<const char*>(mnl_attr_get_payload(attr));
    std::size_t n = mnl_attr_get_payload_len(attr);
    while (n > 0 && p[n - 1] == '\0') --n;
    return {p, n};
}

}  // namespace wmsgate::netcfg::nlattr_read
