// One line per built-in stage (explicit: static self-registration in a static
// library is dropped by the linker).
#include "pipeline/registry.h"
#include "stages/dedup.h"
#include "stages/extract.h"
#include "stages/langid.h"
#include "stages/normalize.h"
#include "stages/pii.h"
#include "stages/quality.h"

namespace textmill {

void RegisterBuiltinStages() {
  static const bool registered = [] {
    Registry& registry = Registry::Global();
    RegisterDedupStage(registry);
    RegisterExtractStage(registry);
    RegisterLangidStage(registry);
    RegisterNormalizeStage(registry);
    RegisterPiiStage(registry);
    RegisterQualityStage(registry);
    return true;
  }();
  (void)registered;
}

}  // namespace textmill
