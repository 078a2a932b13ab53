#pragma once

#include "domain/Checkup.h"
#include "domain/Questionnaire.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <QLatin1String>
#include <QString>
#include <functional>
#include <optional>

namespace cabas::security {
class KeyRing;
}

namespace cabas::store {

// Health data of a sealed database, format 2 (docs/encryption.md, plan step 4).
//
// On a database whose marker covers health (Sealed::coversHealth), every health value is stored only as
// ciphertext under the **health key** (KeyRing::Scope::Health), base64 text, with "table.column:ROWID" as
// associated data (the row id: inserted first with NULL/empty values, sealed by an UPDATE in the same
// transaction), so a value moved to another row or column does not open:
// - checkup: one sealed JSON per row in `checkup.sealed` (weight, height, waist, blood pressure, glucose,
//   notes); the numeric columns are NULL and `notes` empty;
// - diet_questionnaire: one sealed JSON per row in `diet_questionnaire.sealed` (every answer); the answer
//   columns are NULL;
// - checkup_correction.reason, prevention_step.partner/outcome/notes, support_session.topic/notes: sealed in
//   their own TEXT columns (an empty value stays empty, as with Sealed).
// Dates, person and household ids, waves, authors, step types and versions stay clear (lists, the follow-up
// schedule and the cohort's follow-up completion use them in SQL).
//
// With each checkup and questionnaire the nurse's session writes, in the same transaction, one row of
// `cohort_health`: only what the cohort's health indicators need (the BMI of a checkup with weight and
// height; the three frequency ranks and the "discovered a sustainable shop" answer of a questionnaire),
// sealed under the **cohort key** (nurses, coordinators, recovery) with
// "cohort_health.sealed:SOURCE:RECORD:PERSON:WAVE" as associated data. CohortQueries decrypts those rows in
// memory for a coordinator.
//
// On a clear database, or one sealed with format 1, nothing changes: on() is false and the values are
// stored as before.
class HealthSealing
{
    Q_DECLARE_TR_FUNCTIONS(HealthSealing)
  public:
    HealthSealing(const Database& db, const security::KeyRing* keys);

    // Whether the health values are sealed. On a database that was not, inside a PostgreSQL transaction, the
    // marker is read again (Sealed::coversHealthChecked): Conflict when another client sealed it meanwhile.
    bool on() const;
    // Throw AccessDenied (a message for the user; nothing read or written) when on() and the session has no
    // health key / no cohort key.
    void requireHealthKey() const;
    void requireCohortKey() const;

    // Under the health key; "" stays "". on() must be true (requireHealthKey() is called).
    QString seal(QLatin1String field, qint64 rowId, const QByteArray& plain) const;
    QByteArray open(QLatin1String field, qint64 rowId, const QVariant& stored) const;
    // Clear database: the text as it is; sealed: seal() / open() of its UTF-8.
    QString sealText(QLatin1String field, qint64 rowId, const QString& value) const;
    QString openText(QLatin1String field, qint64 rowId, const QVariant& stored) const;

    // The sealed JSON of a row (every health value of it) and the reverse (sets the values of `into`).
    static QByteArray checkupPayload(const Checkup& c);
    static void readCheckupPayload(const QByteArray& json, Checkup& into);
    static QByteArray questionnairePayload(const DietQuestionnaire& q);
    static void readQuestionnairePayload(const QByteArray& json, DietQuestionnaire& into);

    // Replaces the cohort_health row of a saved checkup or questionnaire (needs the cohort key).
    void writeCohort(const Checkup& c) const;
    void writeCohort(const DietQuestionnaire& q) const;

    // One cohort_health row, opened with the cohort key.
    struct CohortValues
    {
        std::optional<double> bmi;                                    // checkups with weight and height
        std::optional<int> organicFv, localProducts, organicProducts; // ranks 0 (never) .. 4 (always)
        std::optional<bool> discovered;
    };
    static CohortValues openCohort(const security::KeyRing& ring, const QString& source, qint64 recordId,
                                   qint64 personId, const QString& wave, const QString& stored);
    // The same with the stored base64 text as bytes (the cohort reads them so on SQLite, many at a time).
    static CohortValues openCohort(const security::KeyRing& ring, const QString& source, qint64 recordId,
                                   qint64 personId, const QString& wave, QByteArrayView stored);
    // Per member (cohort_person_health, migration 17; SQLite only, the table stays empty on PostgreSQL whose
    // cohort reads cohort_health): the values of their M0 and M6 cohort_health rows with each record's date
    // (YYYYMMDD), in one row sealed under the cohort key with "cohort_person_health.sealed:PERSON" as
    // associated data, so that the cohort opens one row per member.
    struct CohortRecord
    {
        int day = 0; // the record's date as YYYYMMDD
        CohortValues values;
    };
    struct CohortPerson
    {
        std::optional<CohortRecord> c0, c6, q0, q6;
    };
    static CohortPerson openCohortPerson(const security::KeyRing& ring, qint64 personId,
                                         QByteArrayView stored);
    // Whether every member's row is there (the marker of migration 17; false before that version and on
    // PostgreSQL).
    static bool cohortPersonsComplete(const Database& db);
    // Rebuilds every member's row from cohort_health and sets the marker, in the caller's transaction (one
    // is required; it holds SQLite's write lock, so no save comes between). `ring` needs the cohort key.
    // Nothing on PostgreSQL.
    static void writeCohortPersons(const Database& db, const security::KeyRing& ring);
    // The same in its own transaction when the health is sealed, the marker is missing and `ring` has the
    // cohort key (a login on a database sealed before version 17); does nothing otherwise.
    static void completeCohortPersons(const Database& db, const security::KeyRing& ring);

    // BMI as the clear database's SQL computes it (the same double, so the same cohort figures).
    static std::optional<double> cohortBmi(const Checkup& c);

    // For the migration of an existing database (plan step 5): rewrites every health row of a clear (or
    // format-1) database into the format-2 form, fills cohort_health, and sets the marker to format 2. `ring`
    // must hold the health and cohort keys (a nurse's, or the recovery key's after a nurse's grant). Runs in
    // the caller's transaction (one is required); the caller makes sure the database is sealed for persons
    // and households (or seals them in the same transaction). Throws cabas::Error; the caller rolls back.
    // `progress` (may be empty) gets the rows done and the rows in all every 256 rows; false cancels (Error
    // Cancelled, nothing of the caller's transaction to keep).
    static void sealExistingHealth(const Database& db, const security::KeyRing& ring,
                                   const std::function<bool(qint64 done, qint64 total)>& progress = {});
    // The first and last `each` checkups, questionnaires and free-text rows, as text: the clear columns when
    // `ring` is null (before sealExistingHealth), opened with `ring` (health key) otherwise. Equal before and
    // after a sealing that kept every value.
    static QStringList sample(const Database& db, const security::KeyRing* ring, int each = 20);

  private:
    static QString sealWith(const security::KeyRing& ring, QLatin1String field, qint64 rowId,
                            const QByteArray& plain);
    // The values of a cohort_health row (kInsertCohortRow's order), sealed with the cohort key.
    static QVariantList cohortRow(const security::KeyRing& ring, const QString& source, qint64 recordId,
                                  qint64 personId, const QString& wave, const QDate& on,
                                  const QByteArray& payload);
    static void writeCohortRow(const Database& db, const security::KeyRing& ring, const QString& source,
                               qint64 recordId, qint64 personId, const QString& wave, const QDate& on,
                               const QByteArray& payload);
    static QByteArray cohortPayload(const Checkup& c);
    static QByteArray cohortPayload(const DietQuestionnaire& q);
    // The member's row from their M0 and M6 cohort_health rows (removed when they have none).
    static void writeCohortPerson(const Database& db, const security::KeyRing& ring, qint64 personId);
    static QByteArray cohortPersonPayload(const CohortPerson& p);
    static QString sealCohortPerson(const security::KeyRing& ring, qint64 personId, const CohortPerson& p);

    const Database& m_db;
    const security::KeyRing* m_keys;
    bool m_on;
};

} // namespace cabas::store
