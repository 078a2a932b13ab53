#pragma once

#include "store/Database.h"

#include <QCoreApplication>
#include <QString>
#include <functional>

namespace cabas::security {
class KeyRing;
}

namespace cabas::store {

// The SQL and the files of sealing an existing, clear database (docs/encryption.md, plan step 5). The flow
// (backup, keys, users, checks) is cabas::Sealing (core/setup/Sealing.h); this class only reads and writes.
//
// Files beside a SQLite database NAME while it is being sealed:
// - NAME.encrypting: the page copy whose columns are rewritten (it holds clear values until the rewrite
// ends);
// - NAME.encrypted: the VACUUM INTO of that copy, sealed, checked, then renamed over NAME.
// Neither is ever opened by Cabas as a database of its own: a stale one (a crash, a kill) is deleted by the
// next Database::open of NAME, which succeeds only when NAME itself is intact (the rename is atomic, so NAME
// is either the untouched original or the complete sealed file).
class SealExisting
{
    Q_DECLARE_TR_FUNCTIONS(SealExisting)
  public:
    // Called with the rows done and the rows in all; returning false cancels (throws Cancelled).
    using RowProgress = std::function<bool(qint64 done, qint64 total)>;
    // Counts the rows a sealing step rewrites and tells `progress` every 256 rows and at the last one
    // (tell(): now); throws Cancelled when it returns false.
    class Rows
    {
      public:
        Rows(qint64 total, const RowProgress& progress);
        void step(qint64 n = 1);
        void tell();

      private:
        qint64 m_done = 0;
        qint64 m_total;
        const RowProgress& m_progress;
    };

    static QString encryptingFile(const QString& path) { return path + QStringLiteral(".encrypting"); }
    static QString encryptedFile(const QString& path) { return path + QStringLiteral(".encrypted"); }

    // Deletes NAME.encrypting, NAME.encrypted (with their -wal, -shm, -journal) and the partial copies of a
    // page copy into them; nothing while this process is sealing NAME (see Busy). Called by Database::open
    // once NAME opened.
    static void removeLeftovers(const QString& path);
    // Marks NAME as being sealed by this process, so that removeLeftovers leaves its files alone.
    class Busy
    {
      public:
        explicit Busy(const QString& path);
        ~Busy();
        Busy(const Busy&) = delete;
        Busy& operator=(const Busy&) = delete;

      private:
        QString m_path;
    };

    // Rewrites the protected columns of persons and households, their journal, history, consent and income
    // notes, as Sealed and the repositories write them on a sealed database (same associated data), adds
    // person.birth_date_sealed, keeps in person.birth_date the first day of the birth month, empties
    // person.search_name and household_search_term, and swaps the name indexes for the ones of a sealed
    // database (Sealed::sealNewDatabase). Does not set the marker (setMarker). Call inside a transaction.
    static void sealSocialColumns(const Database& db, const security::KeyRing& keys,
                                  const RowProgress& progress = {});
    // Writes the marker `sealed_fields` (Sealed::kMetaKey) with `value` ("1:person,household").
    static void setMarker(const Database& db, const QString& value);

    // The marker as stored ("" on a clear database), read without Sealed's per-connection memory.
    static QString markerOf(const Database& db);
    // The first and last `each` households with their members and journal, as text: the values as stored
    // when `keys` is null (a clear database), decrypted with `keys` otherwise. Equal before and after.
    static QStringList sample(const Database& db, const security::KeyRing* keys, int each = 20);

    // The newest audit record's id: every write action appends one, so an unchanged value says nobody wrote
    // to the database in between.
    static qint64 auditHighWater(const Database& db);
    // Rows of the tables the sealing rewrites, in one string ("household=12 person=31 ..."): equal before
    // and after.
    static QString rowCounts(const Database& db);

    // SQLite: VACUUM INTO `target` (a new file: no free page keeps an old value). Outside any transaction.
    static void vacuumInto(const Database& db, const QString& target);
    // Flushes a file (and its folder) to the disk.
    static void syncToDisk(const QString& file);
    // SQLite, every connection to `path` closed: checkpoints its write-ahead log into it (refused when
    // someone wrote since `auditHighWater` was read, or when another program keeps the log open), renames
    // `sealed` over `path` (atomic), then removes the old -wal/-shm and flushes the folder. `moment` is told
    // 0 just before the rename and 1 just after it.
    static void replaceOriginal(const QString& path, const QString& sealed, qint64 expectedAuditHighWater,
                                const std::function<void(int)>& moment = {});
};

} // namespace cabas::store
