#pragma once

#include "store/Database.h"
#include "store/TermIndex.h"

#include <QDate>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace cabas::security {
class KeyRing;
}

namespace cabas::store {

// The search words of a sealed database's households, in memory (docs/encryption.md, plan step 3): what
// household_search_term and person.search_name hold on a clear database, built from the decrypted names.
//
// One index per database (its place and its key ring's id), shared by the connections of the process (the
// desktop builds it in a worker thread after login, on its own connection). refresh() reads the households
// and persons written since it last looked (everything the first time: about 1.2 s of CPU at 100,000
// households, docs/encryption.md; rows already read are skipped by their version), so writes of this
// process are seen at the next search, and those of other clients at the next search two seconds or more
// after the previous look (or twenty times as long as that look, or the build, took, when it was long; at
// most a minute). A look reads the rows whose updated_at is at or after the newest one it saw, or our own
// clock at the previous look minus two minutes if that is later, minus one minute: rows committed more than a
// minute after their updated_at (another client's long import) or stamped by a clock more than two minutes
// behind ours are only seen at the next login. A word is matched as a prefix of a term, accents and case
// ignored, as on a clear database. Thread-safe.
class NameIndex
{
  public:
    // The index of database `db` (by its place and the id of the key ring `keys` opens: a backup or a copy
    // elsewhere has its own), created empty on first use. Without `names` (roles that see codes only): the
    // households' codes, communes and postcodes alone, no person is read or decrypted.
    static std::shared_ptr<NameIndex> of(const Database& db, const security::KeyRing& keys,
                                         bool names = true);
    // Drops the indexes of the database `keys` opens, wherever it is (logout, restore: the decrypted names
    // leave memory with them).
    static void forget(const security::KeyRing& keys);

    // Brings the index up to date from `db` (a sealed database). The first call reads everything. With
    // `lookNow`, looks for other clients' rows whatever the time since the last look.
    void refresh(const Database& db, const security::KeyRing& keys, bool lookNow = false);
    // Rows (households and persons) the last refresh read from the database (benchmarks, tests).
    qint64 lastRowsRead() const;
    // Households written by this process (read again at the next refresh, whatever their updated_at).
    void touch(const std::vector<qint64>& households);
    // Whether a first refresh() has completed (does not wait for one in progress).
    bool ready() const { return m_ready.load(); }

    // Households in which every word of `text` is a prefix of one of their terms: code, commune, postcode,
    // and with `names` the members' names and codes. Sorted. None when `text` has no word.
    std::optional<std::vector<qint64>> matching(const QString& text, bool names) const;
    // Persons whose name (accents, case, spacing ignored) and birth date are these. The index keeps the names
    // only: the birth dates of the persons of that name are read from `db` and decrypted here (a duplicate
    // check is rare, the build decrypts one value less per person).
    std::vector<qint64> sameNameAndBirthDate(const Database& db, const security::KeyRing& keys,
                                             const QString& firstName, const QString& lastName,
                                             const QDate& birthDate) const;

    // Persons whose name (first and last, accents and case ignored) contains `key` (a searchKey()).
    std::vector<qint64> personsNamed(const QString& key) const;

    qint64 households() const;
    qint64 persons() const;

    // The rows read by a refresh are decrypted and normalised in up to `threads` threads (0: as many as
    // QThread::idealThreadCount()), each taking at least `rowsPerThread` rows; 1: in the calling thread only.
    void setThreads(int threads, int rowsPerThread = 4000);
    // Everything the index holds, one line per term, person and household, sorted (tests: two indexes of the
    // same rows describe themselves alike).
    QStringList describe() const;

  private:
    struct Member
    {
        int version = 0;
        qint64 household = 0;
        QString nameKey; // searchKey() of the first and last name
        QString codeKey; // searchKey() of the code (its words, with the name's, are the person's terms)
    };
    // The words of a household and of its members, with their kinds (1: household, 2: names; repeats
    // allowed), viewing the strings this index holds.
    void wordsOf(qint64 household, TermIndex::Words& words) const;

    bool m_names = true;
    mutable QMutex m_mutex;
    std::atomic<bool> m_ready{false};
    QVariant m_since; // the latest updated_at read (a timestamp value)
    QElapsedTimer m_lastLook;
    qint64 m_lastLookCostMs = 0;
    qint64 m_lastRowsRead = 0;
    QDateTime m_lookFloor; // our clock at the last look, minus the lag allowed to other clients' clocks
    QHash<qint64, int> m_householdVersions;
    QSet<qint64> m_touched;
    QHash<qint64, QStringList> m_householdWords;
    QHash<qint64, Member> m_persons;
    QHash<qint64, QList<qint64>> m_members; // household -> persons (each once)
    TermIndex m_terms;                      // term -> households and the kinds it has there
    QMultiHash<QString, qint64> m_named;    // nameKey -> persons (the duplicate check's candidates)
    int m_threads = 0;
    int m_rowsPerThread = 4000;
    struct LastMatch
    {
        QStringList text;
        bool names = true;
        std::vector<qint64> result;
    };
    mutable std::optional<LastMatch> m_lastMatch;
};

} // namespace cabas::store
