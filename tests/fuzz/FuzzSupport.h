#pragma once

// Shared by the fuzz targets of tests/fuzz (docs/testing.md): the Qt application they need, a database with
// the sample programme's households for the import parsers, and a scratch file for parsers that read a path.

#include "security/Session.h"
#include "store/Database.h"

#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>

namespace cabas::fuzz {

// Creates the QCoreApplication (once per process), with the French translations as the app has them and a
// fixed clock (2025-06-15) so that every run of an input does the same.
void ensureApplication();

// A SQLite database made once per process in a temporary folder: the default programme, the sample
// households of tests/data/samples/persons.csv, health follow-up consent for every person, and one user per
// role. Imports are only checked against it (check(), never run()), so it stays the same from input to input.
struct Fixture
{
    const store::Database& db;
    Session socialWorker;
    Session nurse;
    Session admin;
};
const Fixture& fixture();

// Writes `data` to the process's scratch file (named `fileName` in a temporary folder) and returns its path.
QString writeScratch(const uint8_t* data, std::size_t size, const QString& fileName);

inline QByteArray bytes(const uint8_t* data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

} // namespace cabas::fuzz

// The libFuzzer entry point every target defines; ReplayMain.cpp calls it for each corpus file.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);
