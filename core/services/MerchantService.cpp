#include "services/MerchantService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "security/AuditTrail.h"

#include <QJsonArray>

namespace cabas {

namespace {
const QString kTable = QStringLiteral("merchant_approval");

QJsonValue dateJson(const QDate& d)
{
    return d.isValid() ? QJsonValue(d.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}
} // namespace

void MerchantService::requireRead(const QString& merchantId) const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::Read, kTable, merchantId);
}

void MerchantService::requireWrite(const QString& merchantId) const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::Write, kTable, merchantId);
}

void MerchantService::checkNote(const QString& note) const
{
    if (note.size() > kMaxNote)
        throw Error(tr("note: at most %1 characters").arg(kMaxNote));
}

std::vector<store::MerchantStatus> MerchantService::list(bool undecidedOnly, bool withActivity) const
{
    requireRead();
    return store::MerchantRepository(m_db).statuses(Clock::instance().today(), undecidedOnly, withActivity);
}

store::MerchantStatus MerchantService::status(const QString& merchantId) const
{
    requireRead(merchantId);
    const auto s = store::MerchantRepository(m_db).status(merchantId, Clock::instance().today());
    if (!s)
        throw Error(tr("merchant: the ledger has no merchant %1").arg(merchantId), Error::Kind::NotFound);
    return *s;
}

std::vector<store::MerchantDecision> MerchantService::history(const QString& merchantId) const
{
    requireRead(merchantId);
    return store::MerchantRepository(m_db).history(merchantId);
}

QJsonObject MerchantService::showJson(const QString& merchantId) const
{
    const store::MerchantStatus s = status(merchantId);
    QJsonArray decisions;
    for (const store::MerchantDecision& d : store::MerchantRepository(m_db).history(merchantId)) {
        QJsonObject o{{QStringLiteral("decision"), d.decision},
                      {QStringLiteral("note"), d.note},
                      {QStringLiteral("decided_by"), d.decidedBy},
                      {QStringLiteral("decided_at"), d.decidedAt.toUTC().toString(Qt::ISODateWithMs)}};
        if (d.decision == QLatin1String("approved")) {
            o.insert(QStringLiteral("approved_from"), dateJson(d.approvedFrom));
            o.insert(QStringLiteral("withdrawn_on"), dateJson(d.withdrawnOn));
            if (d.withdrawnOn.isValid()) {
                o.insert(QStringLiteral("withdrawal_note"), d.withdrawalNote);
                o.insert(QStringLiteral("withdrawn_by"), d.withdrawnBy);
                o.insert(QStringLiteral("withdrawn_at"), d.withdrawnAt.toUTC().toString(Qt::ISODateWithMs));
            }
        }
        decisions.append(o);
    }
    return QJsonObject{
        {QStringLiteral("id"), s.merchant.id},
        {QStringLiteral("name"), s.merchant.name},
        {QStringLiteral("category"), s.merchant.category},
        {QStringLiteral("operator_sustainable"), s.merchant.operatorSustainable},
        {QStringLiteral("override_sustainable"),
         s.merchant.overrideSustainable ? QJsonValue(*s.merchant.overrideSustainable) : QJsonValue()},
        {QStringLiteral("state"), store::merchantStateCode(s.state)},
        {QStringLiteral("approved_from"), dateJson(s.approvedFrom)},
        {QStringLiteral("withdrawn_on"), dateJson(s.withdrawnOn)},
        {QStringLiteral("entries"), s.entries},
        {QStringLiteral("spent_cents"), s.spentCents},
        {QStringLiteral("first_seen"), dateJson(s.firstSeen)},
        {QStringLiteral("last_seen"), dateJson(s.lastSeen)},
        {QStringLiteral("decisions"), decisions},
    };
}

qint64 MerchantService::approve(const QString& merchantId, const QDate& from, const QString& note) const
{
    requireWrite(merchantId);
    checkNote(note);
    store::Database::Transaction tx(m_db);
    const qint64 id = store::MerchantRepository(m_db).approve(merchantId, from, note, m_session.user.id,
                                                              Clock::instance().nowUtc());
    AuditTrail(m_db).record(m_session, QStringLiteral("approve"), kTable, merchantId,
                            QStringLiteral("from %1").arg(from.toString(Qt::ISODate)));
    tx.commit();
    return id;
}

void MerchantService::withdraw(const QString& merchantId, const QDate& on, const QString& note) const
{
    requireWrite(merchantId);
    checkNote(note);
    store::Database::Transaction tx(m_db);
    store::MerchantRepository(m_db).withdraw(merchantId, on, note, m_session.user.id,
                                             Clock::instance().nowUtc());
    AuditTrail(m_db).record(m_session, QStringLiteral("withdraw"), kTable, merchantId,
                            QStringLiteral("on %1").arg(on.toString(Qt::ISODate)));
    tx.commit();
}

qint64 MerchantService::refuse(const QString& merchantId, const QString& note) const
{
    requireWrite(merchantId);
    checkNote(note);
    store::Database::Transaction tx(m_db);
    const qint64 id = store::MerchantRepository(m_db).refuse(merchantId, note, m_session.user.id,
                                                             Clock::instance().nowUtc());
    AuditTrail(m_db).record(m_session, QStringLiteral("refuse"), kTable, merchantId, QString());
    tx.commit();
    return id;
}

} // namespace cabas
