#pragma once

#include "cohort/CohortReport.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>

namespace cabas {

// The evaluators' line-level dataset: one row per person and wave, keyed pseudonyms, months not dates, age
// bands, only persons with research_export consent in force on the day of the export.
struct CohortDataset
{
    QStringList columns;
    std::vector<QStringList> rows;
    // Columns left empty in every row because this database keeps them encrypted for the nurses only
    // (docs/encryption.md, "The evaluators' dataset"); empty on a clear database.
    QStringList withheld;
};

// Cohort summaries for coordinators (and, internal only, the other staff): access-checked and audited
// (DataKind::Cohort; ReadAggregates for internal figures, ExportPublic for public ones and the dataset).
class CohortService
{
    Q_DECLARE_TR_FUNCTIONS(CohortService)
  public:
    CohortService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // Throws Invalid (located by option name) for a bad period or filter, AccessDenied when the role may not.
    CohortReport report(const CohortFilter& filter, Disclosure disclosure) const;
    // The households behind an indicator (internal figures only).
    std::vector<CohortHousehold> householdsBehind(const CohortFilter& filter, const QString& key) const;
    CohortDataset dataset(const CohortFilter& filter) const;
    // What to tell the person who exported `dataset` about its withheld columns ("" when none).
    static QString withheldNote(const CohortDataset& dataset);
    // Records that a report left the programme as a file (format: json, csv, xlsx, pdf).
    void recordExport(const CohortFilter& filter, Disclosure disclosure, const QString& format) const;

    static void validate(const CohortFilter& filter);
    // Age band of the dataset ("0-17", "18-29", "30-44", "45-59", "60-74", "75+").
    static QString ageBand(const QDate& birth, const QDate& on);
    // Keyed pseudonym: the first 16 hex digits of HMAC-SHA256(key, kind + ":" + code).
    static QString pseudonym(const QByteArray& key, const QString& kind, const QString& code);

  private:
    static QString periodRef(const CohortFilter& filter);
    const store::Database& m_db;
    const Session& m_session;
};

} // namespace cabas
