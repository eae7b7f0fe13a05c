#include "stages/extract/ubjson.h"

#include <cstring>

namespace textmill {
namespace {

constexpr int kMaxDepth = 64;

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool AtEnd() const { return pos_ == bytes_.size(); }

  bool Value(UbjValue& out, int depth) {
    char marker = 0;
    return Byte(marker) && ValueOf(marker, out, depth);
  }

 private:
  bool Byte(char& c) {
    if (pos_ >= bytes_.size()) return false;
    c = bytes_[pos_++];
    return true;
  }

  // A big-endian value of `size` bytes.
  bool BigEndian(size_t size, uint64_t& out) {
    if (bytes_.size() - pos_ < size) return false;
    out = 0;
    for (size_t k = 0; k < size; ++k) out = (out << 8) | static_cast<unsigned char>(bytes_[pos_ + k]);
    pos_ += size;
    return true;
  }

  template <typename T>
  bool Fixed(int64_t& out) {
    uint64_t raw = 0;
    if (!BigEndian(sizeof(T), raw)) return false;
    out = static_cast<T>(raw);
    return true;
  }

  // An integer of the type `marker` names.
  bool Integer(char marker, int64_t& out) {
    switch (marker) {
      case 'i':
        return Fixed<int8_t>(out);
      case 'U':
        return Fixed<uint8_t>(out);
      case 'I':
        return Fixed<int16_t>(out);
      case 'l':
        return Fixed<int32_t>(out);
      case 'L':
        return Fixed<int64_t>(out);
      default:
        return false;
    }
  }

  bool Float32(float& out) {
    uint64_t raw = 0;
    if (!BigEndian(4, raw)) return false;
    const auto bits = static_cast<uint32_t>(raw);
    std::memcpy(&out, &bits, sizeof out);
    return true;
  }

  bool Float64(double& out) {
    uint64_t raw = 0;
    if (!BigEndian(8, raw)) return false;
    std::memcpy(&out, &raw, sizeof out);
    return true;
  }

  // A length (an integer with its marker), then that many bytes.
  bool String(std::string& out) {
    char marker = 0;
    int64_t length = 0;
    if (!Byte(marker) || !Integer(marker, length) || length < 0 ||
        static_cast<uint64_t>(length) > bytes_.size() - pos_) {
      return false;
    }
    out.assign(bytes_.substr(pos_, static_cast<size_t>(length)));
    pos_ += static_cast<size_t>(length);
    return true;
  }

  bool ValueOf(char marker, UbjValue& out, int depth) {
    switch (marker) {
      case 'Z':
        out.type = UbjValue::Type::kNull;
        return true;
      case 'T':
      case 'F':
        out.type = UbjValue::Type::kBool;
        out.integer = marker == 'T';
        return true;
      case 'd': {
        float v = 0;
        if (!Float32(v)) return false;
        out.type = UbjValue::Type::kFloat;
        out.number = v;
        return true;
      }
      case 'D':
        out.type = UbjValue::Type::kFloat;
        return Float64(out.number);
      case 'S':
        out.type = UbjValue::Type::kString;
        return String(out.string);
      case '[':
        return depth < kMaxDepth && Array(out, depth + 1);
      case '{':
        return depth < kMaxDepth && Object(out, depth + 1);
      default:
        out.type = UbjValue::Type::kInt;
        return Integer(marker, out.integer);
    }
  }

  bool Array(UbjValue& out, int depth) {
    out.type = UbjValue::Type::kArray;
    char marker = 0;
    if (!Byte(marker)) return false;
    char type = 0;
    if (marker == '$') {  // typed: "$" type "#" count, then bare values
      if (!Byte(type) || !Byte(marker) || marker != '#') return false;
    }
    if (marker != '#') {  // plain: values until ']'
      --pos_;
      while (true) {
        if (!Byte(marker)) return false;
        if (marker == ']') return true;
        out.items.emplace_back();
        if (!ValueOf(marker, out.items.back(), depth)) return false;
      }
    }
    char count_marker = 0;
    int64_t count = 0;
    if (!Byte(count_marker) || !Integer(count_marker, count) || count < 0 ||
        static_cast<uint64_t>(count) > bytes_.size() - pos_) {  // every value takes a byte at least
      return false;
    }
    const auto n = static_cast<size_t>(count);
    // A count is checked against the bytes its values need before anything
    // is allocated: a small file must not ask for gigabytes.
    const size_t left = bytes_.size() - pos_;
    if (type == 'd') {
      if (n > left / 4) return false;
      out.floats.resize(n);
      for (float& v : out.floats) {
        if (!Float32(v)) return false;
      }
    } else if (type != 0 && std::strchr("iUIlL", type)) {
      const size_t width = type == 'I' ? 2 : type == 'l' ? 4 : type == 'L' ? 8 : 1;
      if (n > left / width) return false;
      out.ints.resize(n);
      for (int64_t& v : out.ints) {
        if (!Integer(type, v)) return false;
      }
    } else if (type == 0) {
      // One at a time: a value's size is known only once it is read.
      for (size_t i = 0; i < n; ++i) {
        out.items.emplace_back();
        if (!Value(out.items.back(), depth)) return false;
      }
    } else {
      return false;
    }
    return true;
  }

  bool Object(UbjValue& out, int depth) {
    out.type = UbjValue::Type::kObject;
    while (true) {
      if (pos_ >= bytes_.size()) return false;
      if (bytes_[pos_] == '}') {
        ++pos_;
        return true;
      }
      out.keys.emplace_back();
      out.values.emplace_back();
      if (!String(out.keys.back()) || !Value(out.values.back(), depth)) return false;
    }
  }

  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

const UbjValue* UbjValue::Find(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

bool UbjValue::Integers(std::vector<int64_t>& out) const {
  if (type != Type::kArray || !floats.empty()) return false;
  out = ints;
  for (const UbjValue& item : items) {
    if (item.type != Type::kInt && item.type != Type::kBool) return false;
    out.push_back(item.integer);
  }
  return true;
}

std::optional<UbjValue> ParseUbjson(std::string_view bytes) {
  Reader reader(bytes);
  UbjValue value;
  if (!reader.Value(value, 0) || !reader.AtEnd()) return std::nullopt;
  return value;
}

}  // namespace textmill
