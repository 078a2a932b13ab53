#pragma once

#include "security/Access.h"
#include "security/Session.h"
#include "store/AuditRepository.h"

#include <QCoreApplication>

namespace cabas {

struct AuditVerification
{
    bool ok = true;
    qint64 records = 0;
    qint64 firstBadSeq = 0; // the first broken or missing record (0 when ok)
    QString message;        // in the user's language
    QString headHash;       // the hash the chain ends with: write it down to anchor the chain elsewhere
};

// The audit trail as the services use it: record what a session did, refuse (and record) what the access
// policy forbids, list and verify the chain.
class AuditTrail
{
    Q_DECLARE_TR_FUNCTIONS(AuditTrail)
  public:
    explicit AuditTrail(const store::Database& db) : m_db(db) {}

    // Adds one record for `session` (nullptr: the system, e.g. init before any login).
    void record(const Session* session, const QString& action, const QString& table, const QString& recordRef,
                const QString& outcome = QStringLiteral("ok"), const QString& detail = QString()) const;
    void record(const Session& session, const QString& action, const QString& table, const QString& recordRef,
                const QString& detail = QString()) const
    {
        record(&session, action, table, recordRef, QStringLiteral("ok"), detail);
    }

    // Throws Error(AccessDenied, "Accès refusé : ...") after recording the refusal, unless the session's role
    // may take `action` on `kind`. Call before opening the write transaction, so the refusal record stays.
    void require(const Session& session, DataKind kind, Action action, const QString& table,
                 const QString& recordRef = QString()) const;

    // Administrators only.
    std::vector<store::AuditRecord> list(const Session& session, const store::AuditFilter& filter) const;
    // Checks the chain for an administrator (the check itself is audited).
    AuditVerification verify(const Session& session) const;
    // The same check without a session: for the core's own jobs (backups, tests).
    AuditVerification verify() const;

  private:
    const store::Database& m_db;
};

} // namespace cabas
