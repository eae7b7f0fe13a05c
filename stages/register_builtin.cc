// One line per built-in stage (explicit: static self-registration in a static
// library is dropped by the linker). The one list of stages: ingest is not a
// stage of this list but the core's fixed first step (pipeline/ingest.h), which
// no config names.
#include "pipeline/registry.h"
#include "stages/decontaminate/decontaminate.h"
#include "stages/dedup/dedup.h"
#include "stages/extract/extract.h"
#include "stages/langid/langid.h"
#include "stages/normalize/normalize.h"
#include "stages/pii/pii.h"
#include "stages/quality/quality.h"
#include "stages/url_filter/url_filter.h"

namespace textmill {

void RegisterBuiltinStages() {
  static const bool registered = [] {
    Registry& registry = Registry::Global();
    RegisterDecontaminateStage(registry);
    RegisterDedupStage(registry);
    RegisterExtractStage(registry);
    RegisterLangidStage(registry);
    RegisterLangidCommand(registry);
    RegisterSpellingTablesCommand(registry);
    RegisterNormalizeStage(registry);
    RegisterPiiStage(registry);
    RegisterQualityStage(registry);
    RegisterUrlFilterStage(registry);
    return true;
  }();
  (void)registered;
}

}  // namespace textmill
