#include "services/LedgerService.h"

#include "common/Error.h"
#include "security/Access.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"

#include <QJsonArray>
#include <cmath>

namespace cabas {

void LedgerService::requireRead() const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::Read, QStringLiteral("ledger_entry"));
}

void LedgerService::catchUpLinks() const
{
    if (!AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write) &&
        !AccessPolicy::allows(m_session.role(), DataKind::Ledger, Action::Write))
        return;
    if (m_db.inTransaction())
        return;
    store::LedgerRepository(m_db).relinkPending();
}

store::LedgerBalance LedgerService::balance(qint64 householdId) const
{
    requireRead();
    catchUpLinks();
    return store::LedgerRepository(m_db).balance(householdId);
}

std::vector<store::LedgerMovement> LedgerService::movements(qint64 householdId,
                                                            const store::LedgerMovementFilter& filter) const
{
    requireRead();
    catchUpLinks();
    return store::LedgerRepository(m_db).movements(householdId, filter);
}

std::vector<store::LedgerMonth> LedgerService::months(qint64 householdId) const
{
    requireRead();
    catchUpLinks();
    return store::LedgerRepository(m_db).months(householdId);
}

std::optional<double> LedgerService::sharePct(qint64 part, qint64 whole)
{
    if (whole == 0)
        return std::nullopt;
    return std::round(1000.0 * double(part) / double(whole)) / 10.0;
}

LedgerService::Spending LedgerService::spending(qint64 householdId, const QDate& from, const QDate& to) const
{
    Spending s;
    const QDate first = from.isValid() ? QDate(from.year(), from.month(), 1) : QDate();
    const QDate last = to.isValid() ? QDate(to.year(), to.month(), 1) : QDate();
    for (const store::LedgerMonth& m : months(householdId)) {
        if ((first.isValid() && m.month < first) || (last.isValid() && m.month > last))
            continue;
        s.allowanceCents += m.allowanceCents;
        s.bonusCents += m.bonusCents;
        s.spentCents += m.spentCents;
        s.sustainableSpentCents += m.sustainableSpentCents;
    }
    s.sustainableSharePct = sharePct(s.sustainableSpentCents, s.spentCents);
    return s;
}

std::vector<store::UnlinkedCard> LedgerService::unlinkedCards() const
{
    requireRead();
    catchUpLinks();
    return store::LedgerRepository(m_db).unlinkedCards();
}

void LedgerService::linkCard(const QString& cardToken, const QString& householdCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Households, Action::Write, QStringLiteral("card"), cardToken);
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(householdCode);
    if (!household)
        throw Error(tr("There is no household %1.").arg(householdCode), Error::Kind::NotFound);
    store::Database::Transaction tx(m_db);
    store::LedgerRepository(m_db).linkCard(cardToken, household->id);
    audit.record(m_session, QStringLiteral("link"), QStringLiteral("card"), cardToken, householdCode);
    tx.commit();
}

QJsonObject LedgerService::summary() const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::ReadAggregates,
                             QStringLiteral("ledger_entry"));
    catchUpLinks();
    const store::LedgerCounts counts = store::LedgerRepository(m_db).counts();
    QJsonObject kinds;
    for (const auto& [kind, statuses] : counts.kinds) {
        QJsonObject byStatus;
        for (const auto& [status, figures] : statuses)
            byStatus.insert(status, QJsonObject{{QStringLiteral("count"), figures.count},
                                                {QStringLiteral("sum_cents"), figures.sumCents}});
        kinds.insert(kind, byStatus);
    }
    return QJsonObject{{QStringLiteral("entries"), counts.entries},
                       {QStringLiteral("unlinked"), counts.unlinked},
                       {QStringLiteral("kinds"), kinds}};
}

std::vector<store::LedgerMerchant> LedgerService::merchants() const
{
    requireRead();
    return store::LedgerRepository(m_db).merchants();
}

void LedgerService::setMerchantOverride(const QString& merchantId, std::optional<bool> sustainable) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Ledger, Action::Write, QStringLiteral("ledger_merchant"), merchantId);
    store::Database::Transaction tx(m_db);
    store::LedgerRepository(m_db).setMerchantOverride(merchantId, sustainable);
    audit.record(m_session, QStringLiteral("update"), QStringLiteral("ledger_merchant"), merchantId,
                 sustainable
                     ? (*sustainable ? QStringLiteral("sustainable") : QStringLiteral("not sustainable"))
                     : QStringLiteral("operator's flag"));
    tx.commit();
}

store::LedgerSyncState LedgerService::syncState(const QString& feed) const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::ReadAggregates,
                             QStringLiteral("ledger_sync_state"));
    return store::LedgerRepository(m_db).syncState(feed);
}

} // namespace cabas
