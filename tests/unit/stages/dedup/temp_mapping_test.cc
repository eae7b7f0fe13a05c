#include "stages/dedup/temp_mapping.h"

#include <gtest/gtest.h>

#include "pipeline/errors.h"

namespace textmill {
namespace {

TEST(TempMappingTest, ZeroFilledWritableAndClearErrors) {
  TempMapping mapping;
  mapping.Allocate(1 << 16);
  ASSERT_NE(mapping.data(), nullptr);
  EXPECT_EQ(mapping.size(), size_t{1} << 16);
  for (size_t i = 0; i < mapping.size(); i += 4096) EXPECT_EQ(mapping.data()[i], 0);
  mapping.data()[mapping.size() - 1] = 7;
  EXPECT_EQ(mapping.data()[mapping.size() - 1], 7);
  mapping.Allocate(0);  // empty is fine
  EXPECT_EQ(mapping.data(), nullptr);
  EXPECT_THROW(mapping.Allocate(4096, "/nonexistent/textmill-dir"), RuntimeError);
}

}  // namespace
}  // namespace textmill
