#pragma once

#include "cohort/CohortData.h"
#include "store/Database.h"

#include <QStringList>
#include <vector>

namespace cabas::store {

// The cohort figures of indicators.md, aggregated by the database (one SQL statement per group of figures,
// the same statements on SQLite and PostgreSQL but for the month expression). SQL for the cohort lives here
// only; core/cohort turns the counts into shares, applies disclosure control and shapes the JSON.
//
// The cohort: households enrolled on or before `to` and not exited before `from` (filters narrow it); their
// members are the persons who had not left before `from` and had arrived by `to`.
class CohortQueries
{
  public:
    explicit CohortQueries(const Database& db) : m_db(db) {}

    // Every count and sum; `waves` are the programme's follow-up waves (code, offset in days) in order.
    CohortRaw compute(const CohortFilter& filter, const std::vector<std::pair<QString, int>>& waves) const;

    // The households behind one indicator (its numerator, or the cohort for population counts), by code.
    // Unknown keys give an empty list.
    std::vector<CohortHousehold> householdsBehind(const CohortFilter& filter, const QString& key) const;
    // The indicator keys householdsBehind() answers.
    static QStringList traceableKeys();

    // One row per member of the cohort with research_export consent in force on `consentDay`, and per wave
    // where they have a checkup or a questionnaire dated within the period.
    std::vector<CohortDatasetRow> dataset(const CohortFilter& filter, const QDate& consentDay) const;

    // The per-database secret of the evaluators' keyed pseudonyms (cabas_meta "pseudonym_key", 32 random
    // bytes in hex), created on first use.
    QByteArray pseudonymKey() const;

    // Whether the ledger and workshop tables exist (migrations 0003, 0004).
    bool hasLedger() const;
    bool hasWorkshops() const;

  private:
    struct Sql
    {
        QString text;
        QVariantList values;
    };
    Sql with(const CohortFilter& filter) const; // the cohort and cohort_person CTEs
    QString monthOf(const QString& column) const;
    void ledger(const CohortFilter& filter, CohortRaw& raw) const;
    void health(const CohortFilter& filter, CohortRaw& raw,
                const std::vector<std::pair<QString, int>>& waves) const;
    void workshops(const CohortFilter& filter, CohortRaw& raw) const;

    const Database& m_db;
};

} // namespace cabas::store
