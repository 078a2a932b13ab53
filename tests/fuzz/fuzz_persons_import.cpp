// The persons.csv import's checks (core/io/PersonsImport.h) against a database holding the sample households:
// any file gives a report (errors located, nothing written), never a crash.
#include "FuzzSupport.h"

#include "io/PersonsImport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const auto& f = cabas::fuzz::fixture();
    const QString path = cabas::fuzz::writeScratch(data, size, QStringLiteral("persons.csv"));
    const auto report = cabas::io::PersonsImport(f.db, f.socialWorker).check(path);
    (void)report.summary();
    return 0;
}
