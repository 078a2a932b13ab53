#pragma once

#include "cohort/CohortData.h"
#include "store/Database.h"

#include <QSet>
#include <QSqlQuery>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace cabas::security {
class KeyRing;
}

namespace cabas::store {

// The cohort figures of indicators.md, aggregated by the database (one SQL statement per group of figures,
// the same statements on SQLite and PostgreSQL but for the month expression). SQL for the cohort lives here
// only; core/cohort turns the counts into shares, applies disclosure control and shapes the JSON.
//
// The cohort: households enrolled on or before `to` and not exited before `from` (filters narrow it); their
// members are the persons who had not left before `from` and had arrived by `to`.
//
// On a database whose health data is sealed (Sealed::coversHealth, store/HealthSealing.h) the health
// indicators (questionnaire pairs and shares, checkup pairs, mean BMI change) are computed in memory from
// cohort_health, decrypted with the session's cohort key (`keys`); the follow-up completion still counts the
// clear dates and waves in SQL.
class CohortQueries
{
  public:
    explicit CohortQueries(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_keys(keys)
    {
    }

    // Every count and sum; `waves` are the programme's follow-up waves (code, offset in days) in order.
    CohortRaw compute(const CohortFilter& filter, const std::vector<std::pair<QString, int>>& waves) const;

    // The households behind one indicator (its numerator, or the cohort for population counts), by code.
    // Unknown keys give an empty list.
    std::vector<CohortHousehold> householdsBehind(const CohortFilter& filter, const QString& key) const;
    // The indicator keys householdsBehind() answers.
    static QStringList traceableKeys();
    // The indicators computed from cohort_health on a database whose health is sealed.
    static QStringList sealedHealthKeys();
    // The sealed cohort rows are opened in parts of this many rows, in other threads while the next part is
    // read (16,384; a test sets a small number to run that path on a few rows). Returns the previous value.
    static std::size_t setSealedPartRows(std::size_t rows);
    // SQLite computes the health pairs and the follow-up completion in memory from three reads (the cohort's
    // members, the checkups, the questionnaires); with `on`, it runs the statements PostgreSQL runs instead
    // (a test compares both). Returns the previous value.
    static bool setHealthInSql(bool on);

    // One row per member of the cohort with research_export consent in force on `consentDay`, and per wave
    // where they have a checkup or a questionnaire dated within the period.
    // On a sealed database (format 2) the BMI and the answers come from cohort_health (the session needs the
    // cohort key), the clinical measures stay empty.
    std::vector<CohortDatasetRow> dataset(const CohortFilter& filter, const QDate& consentDay) const;
    // Whether the dataset's clinical measures (weight, height, waist, blood pressure, fruit and vegetable
    // portions) stay empty: the database keeps them under the nurses' health key (Sealed::coversHealth); only
    // what the cohort key opens (BMI, the answers) is filled.
    bool clinicalMeasuresSealed() const;

    // The per-database secret of the evaluators' keyed pseudonyms (cabas_meta "pseudonym_key", 32 random
    // bytes in hex), created on first use.
    QByteArray pseudonymKey() const;

    // Whether the ledger and workshop tables exist (migrations 0003, 0004).
    bool hasLedger() const;
    bool hasWorkshops() const;
    // Whether the figures per household and month exist (migration 0010).
    bool hasFigures() const;
    // Whether the month totals and running totals per household exist (migration 0014).
    bool hasKeptTotals() const;

    // PostgreSQL with database roles (PgRoles::apply, run by the tables' owner): staff logins have no SELECT
    // on line-level ledger or health tables, so every statement of this class is also created as a fixed
    // function of its parameters, SECURITY DEFINER (it runs with the owner's rights), with a search_path
    // of its own, EXECUTE granted to `readers` only (`exporters` for the evaluators' dataset). A function's
    // name carries a hash of its SQL: CohortQueries calls it when it exists, else runs the SQL itself (the
    // owner, SQLite). Functions of an older version are dropped. Run inside the caller's transaction.
    static void installPgFunctions(const Database& db, const QStringList& readers,
                                   const QStringList& exporters);

  private:
    struct Install
    {
        QStringList readers;
        QStringList exporters;
    };
    CohortQueries(const Database& db, const Install* install) : m_db(db), m_install(install) {}
    // Runs one statement: through its function when installed on PostgreSQL, else as SQL.
    QSqlQuery run(const QString& name, const QString& sql, const QVariantList& values) const;
    QString functionName(const QString& name, const QString& sql, const QStringList& parameterTypes) const;
    QVariant day(const QDate& date) const; // a DATE parameter (typed on PostgreSQL)

    struct Sql
    {
        QString text;
        QVariantList values;
    };
    Sql with(const CohortFilter& filter) const; // the cohort and cohort_person CTEs
    QString monthOf(const QString& column) const;
    // allHouseholds: every household of the database (the cohort's complement is the rest).
    void ledger(const CohortFilter& filter, CohortRaw& raw, qint64 allHouseholds) const;
    void health(const CohortFilter& filter, CohortRaw& raw,
                const std::vector<std::pair<QString, int>>& waves) const;
    // The cohort's members on SQLite (health figures): in id order, with their wave date (enrolment, or
    // arrival when later), their follow-up consent and their household.
    class Members
    {
      public:
        struct Member
        {
            qint64 id = 0;
            int due = 0;                 // YYYYMMDD
            bool consent = false;        // a health_followup consent given
            std::uint32_t household = 0; // in `households`
        };
        std::vector<std::pair<QString, QString>> households; // code, commune
        std::size_t size() const { return m_members.size(); }
        const Member& at(std::size_t i) const { return m_members[i]; }
        std::ptrdiff_t find(qint64 id) const; // -1 when not a member

      private:
        friend class CohortQueries;
        std::vector<Member> m_members;
        qint64 m_first = 0;
        std::vector<std::int32_t> m_slots; // id - m_first -> index (dense ids)
        std::unordered_map<qint64, std::size_t> m_sparse;
    };
    Members members(const CohortFilter& filter) const;
    void healthInMemory(const CohortFilter& filter, CohortRaw& raw,
                        const std::vector<std::pair<QString, int>>& waves, bool pairs, const Members& members,
                        std::vector<std::uint8_t>* sealedRows) const;
    void workshops(const CohortFilter& filter, CohortRaw& raw) const;
    // Sealed health data: the persons of the cohort with their M0/M6 cohort_health values.
    struct SealedPerson;
    struct DatasetIds
    {
        qint64 person = 0, checkup = 0, questionnaire = 0;
    };
    void fillSealedDataset(std::vector<CohortDatasetRow>& rows, const std::vector<DatasetIds>& ids) const;
    // `members`: the cohort's members when already read (SQLite); `rows`: per member, the rows worth opening
    // (healthInMemory()), all of them when null.
    std::vector<SealedPerson> sealedHealth(const CohortFilter& filter, const Members* members = nullptr,
                                           const std::vector<std::uint8_t>* rows = nullptr) const;
    // SQLite, from cohort_person_health (one row per member) when its rows are complete.
    std::vector<SealedPerson> sealedPersons(const CohortFilter& filter, const Members& members) const;
    void sealedPairs(const CohortFilter& filter, CohortRaw& raw, const Members* members = nullptr,
                     const std::vector<std::uint8_t>* rows = nullptr) const;
    std::vector<CohortHousehold> sealedHouseholdsBehind(const CohortFilter& filter, const QString& key) const;

    const Database& m_db;
    const security::KeyRing* m_keys = nullptr;
    const Install* m_install = nullptr;
    mutable std::optional<QSet<QString>> m_functions; // PostgreSQL: the cabas_cohort_ functions there
};

} // namespace cabas::store
