#pragma once

#include "store/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <QLatin1String>
#include <QString>
#include <optional>

namespace cabas::security {
class KeyRing;
}

namespace cabas::store {

// Protected columns of a sealed database (docs/encryption.md, plan steps 2 and 3).
//
// A database is either sealed or clear, once and for all: a sealed one has the marker `sealed_fields` in
// cabas_meta (value "2:person,household,health": the sealing format and what it covers). Format 1
// ("1:person,household", made before step 4) covers persons and households only, its health tables stay
// clear; format 2 adds the health tables under the health key (store/HealthSealing.h). A database without
// the marker is clear and behaves as before.
//
// On a sealed database a protected value is stored as TEXT: base64 of KeyRing::encrypt (format byte, nonce,
// XChaCha20-Poly1305 with its tag) under the data key, with "table.column:ROWKEY" as associated data, so a
// value copied to another column or another row does not open. ROWKEY is the row's code for persons and
// households (unique, known before the INSERT, rewritten with the fields by every update: bulk inserts need
// no second pass), and the row id for the journal, history and consent rows (no code: inserted with an empty
// value, then updated in the same transaction). An empty value is stored empty (it says only "nothing
// written").
class Sealed
{
    Q_DECLARE_TR_FUNCTIONS(Sealed)
  public:
    static constexpr int kFormat = 2;
    // pg_advisory_xact_lock key of sealing a shared database (lockOutWriters; shared by write transactions).
    // Not the figures' refresh key (4341424155, LedgerRepository): a write transaction holding this one
    // shared must never wait for a refresh of the figures, nor make one wait.
    static constexpr qint64 kSealingLockKey = 4341424156;
    static const QLatin1String kMetaKey; // "sealed_fields"

    // The session's view of `db`: sealed or not, with the session's keys (may be null: then reading or
    // writing a protected value of a sealed database throws AccessDenied, and nothing is written in clear).
    Sealed(const Database& db, const security::KeyRing* keys);

    // Whether the database is sealed. On a clear one, inside a PostgreSQL transaction, the marker is read
    // again as seal() does (Conflict when another client sealed it meanwhile).
    bool on() const;
    const security::KeyRing* keys() const { return m_keys; }
    // Throws AccessDenied with a message for the user when the database is sealed and there are no keys.
    void requireKeys() const;

    // Clear database: the value as it is. Sealed: the stored text of `value` ("" stays "").
    // On PostgreSQL, inside a transaction, a connection that remembers the database clear reads the marker
    // again (once per transaction, under the sealing's lock: lockOutWriters) and throws Conflict ("log in
    // again", nothing written) when another client sealed it meanwhile.
    QString seal(QLatin1String field, const QString& rowKey, const QString& value) const;
    // The reverse; throws Storage when the stored value was altered or moved.
    QString open(QLatin1String field, const QString& rowKey, const QVariant& stored) const;
    QString sealDate(QLatin1String field, const QString& rowKey, const QDate& day) const;
    QDate openDate(QLatin1String field, const QString& rowKey, const QVariant& stored) const;

    // The same with a ring, whatever the database.
    static QString sealText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                            const QString& value);
    static QString openText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                            const QString& stored);
    // The same from the stored text's bytes (as SQLite's own API gives them).
    static QString openText(const security::KeyRing& keys, QLatin1String field, const QString& rowKey,
                            QByteArrayView stored);

    // Stored base64 text (QByteArray::toBase64's standard alphabet and padding) to bytes; nullopt when it is
    // not base64. Faster than QByteArray::fromBase64Encoding on what sealed columns hold (one pass, no
    // Latin-1 copy); accepts the same forms the sealing writes.
    static std::optional<QByteArray> fromBase64(QStringView text);
    static std::optional<QByteArray> fromBase64(QByteArrayView text); // Latin-1 / ASCII bytes

    // Whether `db` is sealed (its marker, read once per connection). Throws Unsupported for a sealing format
    // this version does not know.
    static bool isSealed(const Database& db);
    // The sealing format of `db` (0: clear), read with isSealed().
    static int format(const Database& db);
    // Whether `db` keeps its health tables under the health key (format 2 and later, with "health" in what
    // the marker covers).
    static bool coversHealth(const Database& db);
    // Whether a marker's text ("2:person,household,health") covers the health tables (format 2 and later).
    static bool markerCoversHealth(const QString& marker);
    // The same, checked again as seal() does on a clear database (HealthSealing's writes).
    static bool coversHealthChecked(const Database& db);
    // PostgreSQL: taken by the sealing of an existing database at the start of its transaction, so that other
    // clients' write transactions (which take it shared, see seal()) wait for its end and then see
    // the marker. Nothing on SQLite (the sealing works on a copy, and refuses a database written meanwhile).
    static void lockOutWriters(const Database& db);
    // Makes a new, empty database sealed (Setup::initDatabase with sealFields): the marker, the column of the
    // sealed birth dates (person.birth_date_sealed), the indexes the name index refreshes with, and no clear
    // search terms. Call inside the init transaction, before any household is written.
    static void sealNewDatabase(const Database& db);

    // The clear birth date kept on a sealed database: the first day of the birth month (docs/encryption.md).
    static QDate coarseBirthDate(const QDate& birthDate);

  private:
    const Database* m_db;
    const security::KeyRing* m_keys;
    bool m_on;
};

} // namespace cabas::store
