#pragma once

#include "store/Database.h"

#include <QDateTime>
#include <functional>
#include <vector>

namespace cabas::store {

// One audit record. Never holds health values: only who, when, what action, which table and record.
struct AuditRecord
{
    qint64 seq = 0;
    QDateTime at;
    qint64 userId = 0;
    QString login;
    QString role;
    QString action;    // create, update, read, login, login_failed, password, disable, ...
    QString table;     // household, person, checkup, app_user, ...
    QString recordRef; // a code or id; "batch:N" for bulk writes
    QString outcome;   // ok, denied, failed
    QString detail;
    QString prevHash;
    QString hash;
};

struct AuditFilter
{
    QDate since; // local date, inclusive; null = from the start
    QString login;
    QString table;
    int limit = 1000; // newest first
};

class AuditRepository
{
  public:
    explicit AuditRepository(const Database& db) : m_db(db) {}

    // Appends `record` at the end of the chain (assigning seq, prevHash and hash). Inside the caller's
    // transaction when one is open, so that the record commits or rolls back with the write it describes;
    // else in a transaction of its own.
    void append(AuditRecord& record);
    std::vector<AuditRecord> list(const AuditFilter& filter) const;
    // Every record in seq order (for verification), without loading them all at once.
    void forEach(const std::function<void(const AuditRecord&)>& visit) const;
    // The seq of the last record the chain should end with (kept in audit_head), 0 when none.
    qint64 recordedHead() const;

  private:
    void appendLocked(AuditRecord& record);
    const Database& m_db;
};

// The canonical text hashed for a record, and its SHA-256 (hex).
QString auditCanonicalText(const AuditRecord& record);
QString auditHash(const AuditRecord& record);
QString auditGenesisHash();

} // namespace cabas::store
