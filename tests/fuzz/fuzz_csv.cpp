// The CSV reader every import starts with (core/io/Csv.h): any bytes either parse into rows of the header's
// width or are refused with a cabas::Error; the field readers never crash on what a cell holds.
#include "FuzzSupport.h"

#include "common/Error.h"
#include "io/Csv.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    cabas::fuzz::ensureApplication();
    try {
        const auto table =
            cabas::io::CsvTable::parse(cabas::fuzz::bytes(data, size), QStringLiteral("fuzz.csv"));
        for (const auto& row : table.rows) {
            // The reader's promise: every row has the header's width, at a line after the header.
            if (row.fields.size() != table.header.size() || row.line < 2)
                std::abort();
            for (const QString& field : row.fields) {
                (void)cabas::io::parseCsvDate(field);
                (void)cabas::io::parseYesNo(field);
                (void)cabas::io::parseScaled(field, 1000);
                (void)cabas::io::parseScaled(field, 1);
            }
        }
        for (const QString& name : table.header)
            if (table.column(name) < 0)
                std::abort();
    } catch (const cabas::Error&) {
        // Refused with a message: what the reader must do with a bad file.
    }
    return 0;
}
