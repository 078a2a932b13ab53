#pragma once

#include "domain/LedgerEntry.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QStringList>
#include <vector>

namespace cabas::io {

struct LedgerImportReport
{
    Q_DECLARE_TR_FUNCTIONS(LedgerImportReport)
  public:
    QStringList errors;   // "file:line: column: message"
    QStringList warnings; // unknown columns (ignored)
    qint64 rows = 0;
    qint64 created = 0;   // entries not stored before
    qint64 revised = 0;   // entries stored at a lower revision
    qint64 unchanged = 0; // rows whose entry is already stored at the same or a higher revision

    bool ok() const { return errors.isEmpty(); }
    QString summary() const;
};

// Import of a card operator's ledger export (formats.md "ledger export"), for operators without a feed API:
// the columns of a feed entry, `amount` in euros (decimal comma or point) accepted instead of `amount_cents`.
// All or nothing: every row is checked first, every problem located; a file without error goes through the
// same upsert as the feed (highest revision wins), so a file and the feed may overlap. Administrators only
// (ledger writes); audited.
class LedgerImport
{
    Q_DECLARE_TR_FUNCTIONS(LedgerImport)
  public:
    LedgerImport(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // Checks the file and counts what would change (nothing is written).
    LedgerImportReport check(const QString& path);
    // Checks, then writes in one transaction when there is no error.
    LedgerImportReport run(const QString& path);

    // The parse alone (no access check, nothing written): for tests and tools.
    static std::vector<LedgerEntry> parse(const QString& path, LedgerImportReport& report);

  private:
    LedgerImportReport apply(const QString& path, bool write);

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas::io
