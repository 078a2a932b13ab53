#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <atomic>
#include <functional>

namespace cabas {

struct DemoOptions
{
    int households = 60; // 1 .. 100,000
    quint64 seed = 2024; // same seed, same data
    // Called now and then with (households written, households wanted); may be null.
    std::function<void(int, int)> progress;
    // Set to true from another thread to stop; the database is then left as it was.
    const std::atomic_bool* cancel = nullptr;
};

struct DemoResult
{
    int households = 0;
    int persons = 0;
    int cards = 0;
    int consents = 0;
    int staff = 0;
    int workshops = 0;
    int incomeAssessments = 0; // income-band programmes only
};

// Writes a realistic, deterministic demo programme into a database made by `cabas-cli init`: households in
// communes of the Gers with French names, adults and children, cards (some lost and re-issued), consents, and
// a few staff accounts (social workers, a nurse, a coordinator) whose password is kDemoStaffPassword. Refuses
// a database that already has households. All in one transaction: on failure or cancel nothing is written.
// Later issues extend it with ledger, health and workshop data.
class DemoGenerator
{
    Q_DECLARE_TR_FUNCTIONS(DemoGenerator)
  public:
    static constexpr int kMaxHouseholds = 100000;
    static const char* const kDemoStaffPassword;

    // Administrators only; the writes are audited (one record per table written).
    static DemoResult generate(const store::Database& db, const Session& session, const DemoOptions& options);
};

} // namespace cabas
