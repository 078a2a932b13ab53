// The attendance.csv import's checks (core/io/AttendanceImport.h), as a social worker, against the sample
// households: any file gives a report, never a crash.
#include "FuzzSupport.h"

#include "io/AttendanceImport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    const auto& f = cabas::fuzz::fixture();
    const QString path = cabas::fuzz::writeScratch(data, size, QStringLiteral("attendance.csv"));
    const auto report = cabas::io::AttendanceImport(f.db, f.socialWorker).check(path);
    (void)report.summary();
    return 0;
}
