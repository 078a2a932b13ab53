#include "store/MerchantRepository.h"

#include "common/Error.h"
#include "store/LedgerRepository.h"

#include <QSqlQuery>
#include <map>

namespace cabas::store {

QString merchantStateCode(MerchantState state)
{
    switch (state) {
    case MerchantState::Undecided:
        return QStringLiteral("undecided");
    case MerchantState::Approved:
        return QStringLiteral("approved");
    case MerchantState::Withdrawn:
        return QStringLiteral("withdrawn");
    case MerchantState::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

namespace {
// Runs `f` inside the caller's transaction when one is open, else inside its own.
template <typename F> void inTransaction(const Database& db, F&& f)
{
    if (db.inTransaction()) {
        f();
        return;
    }
    Database::Transaction tx(db);
    f();
    tx.commit();
}

const char* kDecisionSelect =
    "SELECT a.id, a.merchant_id, a.decision, a.approved_from, a.withdrawn_on, a.note, COALESCE(d.login, ''), "
    "a.decided_at, a.withdrawal_note, COALESCE(w.login, ''), a.withdrawn_at FROM merchant_approval a "
    "LEFT JOIN app_user d ON d.id = a.decided_by LEFT JOIN app_user w ON w.id = a.withdrawn_by ";

MerchantDecision readDecision(const QSqlQuery& q)
{
    MerchantDecision d;
    d.id = q.value(0).toLongLong();
    d.merchantId = q.value(1).toString();
    d.decision = q.value(2).toString();
    d.approvedFrom = toDate(q.value(3));
    d.withdrawnOn = toDate(q.value(4));
    d.note = q.value(5).toString();
    d.decidedBy = q.value(6).toString();
    d.decidedAt = toTimestamp(q.value(7));
    d.withdrawalNote = q.value(8).toString();
    d.withdrawnBy = q.value(9).toString();
    if (!q.value(10).isNull())
        d.withdrawnAt = toTimestamp(q.value(10));
    return d;
}

// The state on `today` given by the latest decision (decisions are never deleted; a withdrawal ends the
// latest approval period, and a new decision is a new row).
void applyLatest(MerchantStatus& s, const MerchantDecision& latest, const QDate& today)
{
    if (latest.decision == QLatin1String("refused")) {
        s.state = MerchantState::Refused;
        return;
    }
    s.approvedFrom = latest.approvedFrom;
    s.withdrawnOn = latest.withdrawnOn;
    s.state = latest.withdrawnOn.isValid() && latest.withdrawnOn <= today ? MerchantState::Withdrawn
                                                                          : MerchantState::Approved;
}

} // namespace

std::vector<MerchantStatus> MerchantRepository::statuses(const QDate& today, bool undecidedOnly,
                                                         bool withActivity) const
{
    std::vector<MerchantStatus> result;
    std::map<QString, std::size_t> index;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT m.id, m.name, m.category, m.sustainable, m.sustainable_override FROM "
                       "ledger_merchant m %1 ORDER BY m.name, m.id")
            .arg(undecidedOnly ? QStringLiteral("WHERE NOT EXISTS (SELECT 1 FROM merchant_approval a WHERE "
                                                "a.merchant_id = m.id)")
                               : QString()));
    while (q.next()) {
        MerchantStatus s;
        s.merchant = LedgerRepository::merchantFromRow(q);
        index[s.merchant.id] = result.size();
        result.push_back(s);
    }
    if (!undecidedOnly) {
        QSqlQuery d = m_db.exec(QLatin1String(kDecisionSelect) + QStringLiteral("ORDER BY a.id"));
        while (d.next()) {
            const MerchantDecision decision = readDecision(d);
            const auto it = index.find(decision.merchantId);
            if (it != index.end())
                applyLatest(result[it->second], decision, today); // the last one wins
        }
    }
    if (withActivity && !result.empty()) {
        // One pass over the entries (no index by merchant: the list is for the committee, not for every
        // screen).
        QSqlQuery a = m_db.exec(QStringLiteral(
            "SELECT merchant_id, COUNT(*), COALESCE(SUM(CASE WHEN status = 'posted' AND kind IN ('purchase', "
            "'refund') THEN -amount_cents ELSE 0 END), 0), MIN(local_date), MAX(local_date) FROM "
            "ledger_entry "
            "WHERE merchant_id IS NOT NULL GROUP BY merchant_id"));
        while (a.next()) {
            const auto it = index.find(a.value(0).toString());
            if (it == index.end())
                continue;
            MerchantStatus& s = result[it->second];
            s.entries = a.value(1).toLongLong();
            s.spentCents = a.value(2).toLongLong();
            s.firstSeen = toDate(a.value(3));
            s.lastSeen = toDate(a.value(4));
        }
    }
    return result;
}

std::optional<MerchantStatus> MerchantRepository::status(const QString& merchantId, const QDate& today) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT id, name, category, sustainable, sustainable_override FROM "
                                 "ledger_merchant WHERE id = ?"),
                  {merchantId});
    if (!q.next())
        return std::nullopt;
    MerchantStatus s;
    s.merchant = LedgerRepository::merchantFromRow(q);
    const auto decisions = history(merchantId);
    if (!decisions.empty())
        applyLatest(s, decisions.back(), today);
    QSqlQuery a = m_db.exec(
        QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'posted' AND kind IN ('purchase', "
                       "'refund') THEN -amount_cents ELSE 0 END), 0), MIN(local_date), MAX(local_date) FROM "
                       "ledger_entry WHERE merchant_id = ?"),
        {merchantId});
    if (a.next()) {
        s.entries = a.value(0).toLongLong();
        s.spentCents = a.value(1).toLongLong();
        s.firstSeen = toDate(a.value(2));
        s.lastSeen = toDate(a.value(3));
    }
    return s;
}

std::vector<MerchantDecision> MerchantRepository::history(const QString& merchantId) const
{
    QSqlQuery q =
        m_db.exec(QLatin1String(kDecisionSelect) + QStringLiteral("WHERE a.merchant_id = ? ORDER BY a.id"),
                  {merchantId});
    std::vector<MerchantDecision> result;
    while (q.next())
        result.push_back(readDecision(q));
    return result;
}

void MerchantRepository::recordSeen(const QString& id, const QString& name, const QString& category,
                                    bool sustainable, const QDateTime& at) const
{
    m_db.exec(
        QStringLiteral("INSERT INTO ledger_merchant (id, name, category, sustainable, updated_at) VALUES "
                       "(?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
        {id, name, category, sustainable, timestampValue(at)});
}

LedgerMerchant MerchantRepository::requireMerchant(const QString& merchantId) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT id, name, category, sustainable, sustainable_override FROM "
                                 "ledger_merchant WHERE id = ?"),
                  {merchantId});
    if (!q.next())
        throw Error(tr("merchant: the ledger has no merchant %1").arg(merchantId), Error::Kind::NotFound);
    return LedgerRepository::merchantFromRow(q);
}

qint64 MerchantRepository::approve(const QString& merchantId, const QDate& from, const QString& note,
                                   qint64 userId, const QDateTime& now)
{
    qint64 id = 0;
    inTransaction(m_db, [&] {
        requireMerchant(merchantId);
        if (!from.isValid())
            throw Error(tr("from: the first day of the approval is required (YYYY-MM-DD)"));
        // The new period has no end: it overlaps every period that is open or ends after its first day.
        QSqlQuery o = m_db.exec(
            QStringLiteral(
                "SELECT approved_from, withdrawn_on FROM merchant_approval WHERE merchant_id = ? AND "
                "decision = 'approved' AND (withdrawn_on IS NULL OR withdrawn_on > ?) "
                "ORDER BY approved_from LIMIT 1"),
            {merchantId, dateValue(from)});
        if (o.next()) {
            const QDate start = toDate(o.value(0));
            const QDate end = toDate(o.value(1));
            throw Error(end.isValid()
                            ? tr("from: %1 is approved from %2 until %3 (withdrawn on that day): a new "
                                 "approval starts "
                                 "on %3 or later")
                                  .arg(merchantId, start.toString(Qt::ISODate), end.toString(Qt::ISODate))
                            : tr("from: %1 is already approved from %2: withdraw it first")
                                  .arg(merchantId, start.toString(Qt::ISODate)),
                        Error::Kind::Conflict);
        }
        QSqlQuery q = m_db.exec(
            QStringLiteral("INSERT INTO merchant_approval (merchant_id, decision, approved_from, note, "
                           "decided_by, decided_at) VALUES (?, 'approved', ?, ?, ?, ?) RETURNING id"),
            {merchantId, dateValue(from), textValue(note), idValue(userId), timestampValue(now)});
        if (q.next())
            id = q.value(0).toLongLong();
        LedgerRepository(m_db).refreshMerchants({merchantId}, from);
    });
    return id;
}

void MerchantRepository::withdraw(const QString& merchantId, const QDate& on, const QString& note,
                                  qint64 userId, const QDateTime& now)
{
    inTransaction(m_db, [&] {
        requireMerchant(merchantId);
        if (!on.isValid())
            throw Error(tr("on: the day the approval ends is required (YYYY-MM-DD)"));
        QSqlQuery o =
            m_db.exec(QStringLiteral("SELECT id, approved_from FROM merchant_approval WHERE "
                                     "merchant_id = ? AND decision = 'approved' AND withdrawn_on IS NULL"),
                      {merchantId});
        if (!o.next())
            throw Error(tr("merchant: %1 has no approval in force to withdraw").arg(merchantId),
                        Error::Kind::Conflict);
        const QDate start = toDate(o.value(1));
        if (on <= start)
            throw Error(tr("on: the withdrawal must come after the first day of the approval (%1)")
                            .arg(start.toString(Qt::ISODate)));
        m_db.exec(QStringLiteral("UPDATE merchant_approval SET withdrawn_on = ?, withdrawal_note = ?, "
                                 "withdrawn_by = ?, withdrawn_at = ? WHERE id = ?"),
                  {dateValue(on), textValue(note), idValue(userId), timestampValue(now), o.value(0)});
        LedgerRepository(m_db).refreshMerchants({merchantId}, on);
    });
}

qint64 MerchantRepository::refuse(const QString& merchantId, const QString& note, qint64 userId,
                                  const QDateTime& now)
{
    qint64 id = 0;
    inTransaction(m_db, [&] {
        requireMerchant(merchantId);
        QSqlQuery o =
            m_db.exec(QStringLiteral("SELECT approved_from FROM merchant_approval WHERE merchant_id = ? "
                                     "AND decision = 'approved' AND withdrawn_on IS NULL"),
                      {merchantId});
        if (o.next())
            throw Error(tr("merchant: %1 is approved from %2: withdraw the approval on a date instead")
                            .arg(merchantId, toDate(o.value(0)).toString(Qt::ISODate)),
                        Error::Kind::Conflict);
        const auto decisions = history(merchantId);
        if (!decisions.empty() && decisions.back().decision == QLatin1String("refused"))
            throw Error(tr("merchant: %1 is already refused").arg(merchantId), Error::Kind::Conflict);
        QSqlQuery q = m_db.exec(
            QStringLiteral(
                "INSERT INTO merchant_approval (merchant_id, decision, note, decided_by, decided_at) "
                "VALUES (?, 'refused', ?, ?, ?) RETURNING id"),
            {merchantId, textValue(note), idValue(userId), timestampValue(now)});
        if (q.next())
            id = q.value(0).toLongLong();
        LedgerRepository(m_db).refreshMerchants({merchantId});
    });
    return id;
}

} // namespace cabas::store
