#include "pipeline/cli/cli.h"

#if TEXTMILL_MIMALLOC
#include <mimalloc.h>
#else
#include <malloc.h>
#endif

namespace {

void ConfigureAllocator() {
#if TEXTMILL_MIMALLOC
  // Linking libmimalloc replaces malloc and operator new process-wide. A call
  // into it keeps the linker from dropping the library under --as-needed,
  // which would silently bring glibc's malloc back.
  (void)mi_version();
#else
  // Pages are 100 KB-10 MB buffers allocated and freed per document: keep
  // them in glibc's heap instead of a fresh mmap (and its page faults) each time.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  ConfigureAllocator();
  return textmill::Main(argc, argv);
}
