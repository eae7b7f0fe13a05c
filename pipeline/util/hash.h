// Hash helpers over xxHash (XXH3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace textmill {

uint64_t Hash64(std::string_view data, uint64_t seed = 0);

// 128-bit XXH3 as 32 lowercase hex digits: document ids and exact-dup keys.
std::string Hash128Hex(std::string_view data);

// 128-bit XXH3 of a file's content as hex ("" if unreadable).
std::string HashFile(const std::string& path);

}  // namespace textmill
