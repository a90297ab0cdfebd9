#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace wmsgate::netcfg::testing {

// Writes netlink bytes by hand, without libmnl, so that the codec tests
// compare the codecs against an encoding spelled out separately. Host byte
// order, as netlink uses; every attribute padded to 4 bytes.
class NlBytes {
  public:
    NlBytes& attr(std::uint16_t type, const void* data, std::size_t len) {
        put16(static_cast<std::uint16_t>(4 + len));
        put16(type);
        const auto* p = static_cast<const std::uint8_t*>(data);
        bytes_.insert(bytes_.end(), p, p + len);
        pad();
        return *this;
    }
    NlBytes& u8(std::uint16_t type, std::uint8_t v) { return attr(type, &v, 1); }
    NlBytes& u16(std::uint16_t type, std::uint16_t v) { return attr(type, &v, 2); }
    NlBytes& u32(std::uint16_t type, std::uint32_t v) { return attr(type, &v, 4); }
    NlBytes& u64(std::uint16_t type, std::uint64_t v) { return attr(type, &v, 8); }
    NlBytes& strz(std::uint16_t type, const std::string& s) {
        return attr(type, s.c_str(), s.size() + 1);
    }
    // Marked NLA_F_NESTED, as both libmnl and the kernel mark nests.
    NlBytes& nest(std::uint16_t type, const std::function<void(NlBytes&)>& body) {
        const auto start = bytes_.size();
        put16(0);
        put16(static_cast<std::uint16_t>(type | nested_flag));
        body(*this);
        const auto len = static_cast<std::uint16_t>(bytes_.size() - start);
        std::memcpy(&bytes_[start], &len, 2);
        return *this;
    }
    NlBytes& raw(const void* data, std::size_t len) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        bytes_.insert(bytes_.end(), p, p + len);
        return *this;
    }

    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

    // nlmsghdr (len, type, flags, seq 0, pid 0) in front of `payload`.
    static std::vector<std::uint8_t> message(std::uint16_t type, std::uint16_t flags,
                                             const std::vector<std::uint8_t>& payload) {
        NlBytes out;
        out.put32(static_cast<std::uint32_t>(16 + payload.size()));
        out.put16(type);
        out.put16(flags);
        out.put32(0);
        out.put32(0);
        out.bytes_.insert(out.bytes_.end(), payload.begin(), payload.end());
        return out.bytes_;
    }
    // A generic netlink message: nlmsghdr, genlmsghdr (cmd, version, 0), attributes.
    static std::vector<std::uint8_t> genl(std::uint16_t type, std::uint16_t flags, std::uint8_t cmd,
                                          std::uint8_t version, const NlBytes& attrs) {
        std::vector<std::uint8_t> payload{cmd, version, 0, 0};
        payload.insert(payload.end(), attrs.bytes_.begin(), attrs.bytes_.end());
        return message(type, flags, payload);
    }

  private:
    static constexpr std::uint16_t nested_flag = 1u << 15;  // NLA_F_NESTED
    void put16(std::uint16_t v) { raw(&v, 2); }
    void put32(std::uint32_t v) { raw(&v, 4); }
    void pad() {
        while (bytes_.size() % 4) bytes_.push_back(0);
    }
    std::vector<std::uint8_t> bytes_;
};

}  // namespace wmsgate::netcfg::testing
