#include "security/AuditTrail.h"

#include "common/Error.h"

namespace cabas {

void AuditTrail::record(const Session* session, const QString& action, const QString& table,
                        const QString& recordRef, const QString& outcome, const QString& detail) const
{
    store::AuditRecord r;
    if (session) {
        r.userId = session->user.id;
        r.login = session->user.login;
        r.role = toCode(session->user.role);
    } else {
        r.login = QStringLiteral("system");
        r.role = QStringLiteral("system");
    }
    r.action = action;
    r.table = table;
    r.recordRef = recordRef;
    r.outcome = outcome;
    r.detail = detail;
    store::AuditRepository(m_db).append(r);
}

void AuditTrail::require(const Session& session, DataKind kind, Action action, const QString& table,
                         const QString& recordRef) const
{
    if (AccessPolicy::allows(session.role(), kind, action))
        return;
    record(&session, toCode(action), table, recordRef, QStringLiteral("denied"), toCode(kind));
    throw Error(AccessPolicy::refusal(session.role(), kind, action), Error::Kind::AccessDenied);
}

std::vector<store::AuditRecord> AuditTrail::list(const Session& session,
                                                 const store::AuditFilter& filter) const
{
    require(session, DataKind::Administration, Action::Read, QStringLiteral("audit_log"));
    return store::AuditRepository(m_db).list(filter);
}

AuditVerification AuditTrail::verify(const Session& session) const
{
    require(session, DataKind::Administration, Action::Read, QStringLiteral("audit_log"));
    AuditVerification v = verify();
    record(&session, QStringLiteral("verify"), QStringLiteral("audit_log"), QString::number(v.records),
           v.ok ? QStringLiteral("ok") : QStringLiteral("failed"),
           v.ok ? QString() : QStringLiteral("first bad record %1").arg(v.firstBadSeq));
    return v;
}

AuditVerification AuditTrail::verify() const
{
    AuditVerification v;
    store::AuditRepository repo(m_db);
    QString previous = store::auditGenesisHash();
    qint64 expected = 1;
    repo.forEach([&](const store::AuditRecord& r) {
        if (!v.ok)
            return;
        ++v.records;
        if (r.seq != expected) {
            v.ok = false;
            v.firstBadSeq = expected;
            v.message = r.seq > expected
                            ? tr("Audit record %1 is missing (the next one is %2).").arg(expected).arg(r.seq)
                            : tr("Audit record %1 is out of order.").arg(r.seq);
            return;
        }
        if (r.prevHash != previous) {
            v.ok = false;
            v.firstBadSeq = r.seq;
            v.message =
                tr("Audit record %1 does not follow record %2: a record was removed, replaced or moved.")
                    .arg(r.seq)
                    .arg(r.seq - 1);
            return;
        }
        if (store::auditHash(r) != r.hash) {
            v.ok = false;
            v.firstBadSeq = r.seq;
            v.message = tr("Audit record %1 was changed after it was written.").arg(r.seq);
            return;
        }
        previous = r.hash;
        ++expected;
    });
    if (v.ok) {
        const qint64 head = repo.recordedHead();
        if (head != expected - 1) {
            v.ok = false;
            v.firstBadSeq = std::min(head, expected - 1) + 1;
            v.message = head > expected - 1
                            ? tr("Audit records %1 to %2 are missing at the end of the trail.")
                                  .arg(expected)
                                  .arg(head)
                            : tr("Audit record %1 was added outside Cabas.").arg(head + 1);
        }
    }
    if (v.ok) {
        v.headHash = previous;
        v.message = tr("The audit trail is intact: %1 records, ending with %2.").arg(v.records).arg(previous);
    }
    return v;
}

} // namespace cabas
