// The card operator's ledger export parser (core/io/LedgerImport.h, parse: no database): any file gives
// entries or located errors, never a crash; a file without error gives one entry per row.
#include "FuzzSupport.h"

#include "io/LedgerImport.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const QString path = cabas::fuzz::writeScratch(data, size, QStringLiteral("ledger.csv"));
    cabas::io::LedgerImportReport report;
    const auto entries = cabas::io::LedgerImport::parse(path, report);
    if (report.ok() && qint64(entries.size()) != report.rows)
        std::abort();
    (void)report.summary();
    return 0;
}
