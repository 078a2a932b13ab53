// The questionnaires.csv import's checks (core/io/HealthImport.h), as a nurse, against the sample households
// with health follow-up consent: any file gives a report, never a crash.
#include "FuzzSupport.h"

#include "io/HealthImport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const auto& f = cabas::fuzz::fixture();
    const QString path = cabas::fuzz::writeScratch(data, size, QStringLiteral("questionnaires.csv"));
    const auto report = cabas::io::HealthImport(f.db, f.nurse).checkQuestionnaires(path);
    (void)report.summary();
    return 0;
}
