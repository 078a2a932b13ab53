#include "store/ReconciliationQueries.h"

#include "store/LedgerRepository.h"

namespace cabas::store {

std::vector<ReconciliationQueries::Household> ReconciliationQueries::households() const
{
    std::vector<Household> result;
    std::map<qint64, std::size_t> index;
    QSqlQuery h = m_db.exec(QStringLiteral("SELECT id, code, enrolled_on, exited_on FROM household "
                                           "WHERE enrolled_on IS NOT NULL ORDER BY code"));
    while (h.next()) {
        Household x;
        x.id = h.value(0).toLongLong();
        x.code = h.value(1).toString();
        x.enrolledOn = toDate(h.value(2));
        x.exitedOn = toDate(h.value(3));
        index[x.id] = result.size();
        result.push_back(std::move(x));
    }
    QSqlQuery p = m_db.exec(
        QStringLiteral("SELECT household_id, id, code, %1, role, arrived_on, left_on "
                       "FROM person ORDER BY household_id, id")
            .arg(m_sealed.on() ? QStringLiteral("birth_date_sealed") : QStringLiteral("birth_date")));
    while (p.next()) {
        const auto at = index.find(p.value(0).toLongLong());
        if (at == index.end())
            continue;
        Person person;
        person.householdId = p.value(0).toLongLong();
        person.id = p.value(1).toLongLong();
        person.code = p.value(2).toString();
        person.birthDate =
            m_sealed.on() ? m_sealed.openDate(QLatin1String("person.birth_date"), person.code, p.value(3))
                          : toDate(p.value(3));
        fromCode(p.value(4).toString(), &person.role);
        person.arrivedOn = toDate(p.value(5));
        person.leftOn = toDate(p.value(6));
        result[at->second].members.push_back(std::move(person));
    }
    QSqlQuery s =
        m_db.exec(QStringLiteral("SELECT household_id, effective_on, status FROM household_status_event "
                                 "ORDER BY household_id, effective_on, id"));
    while (s.next()) {
        const auto at = index.find(s.value(0).toLongLong());
        if (at != index.end())
            result[at->second].statusEvents.emplace_back(toDate(s.value(1)), s.value(2).toString());
    }
    return result;
}

std::map<ReconciliationQueries::Key, ReconciliationQueries::Credits>
ReconciliationQueries::allowanceCredits(int fromMonth, int toMonth, const QString& currency) const
{
    std::map<Key, Credits> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT household_id, local_month, COUNT(*), SUM(amount_cents) FROM ledger_entry "
                       "WHERE kind = 'allowance' AND status = 'posted' AND household_id IS NOT NULL "
                       "AND currency = ? AND local_month BETWEEN ? AND ? GROUP BY household_id, local_month"),
        {currency, fromMonth, toMonth});
    while (q.next())
        result[{q.value(0).toLongLong(), q.value(1).toInt()}] = {q.value(2).toLongLong(),
                                                                 q.value(3).toLongLong()};
    return result;
}

std::vector<ReconciliationQueries::Purchase>
ReconciliationQueries::sustainablePurchases(int fromMonth, int toMonth, const QString& currency) const
{
    std::vector<Purchase> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT e.household_id, e.local_date, -e.amount_cents FROM ledger_entry e "
                       "WHERE e.kind = 'purchase' AND e.status = 'posted' AND e.household_id IS NOT NULL "
                       "AND e.currency = ? AND e.local_month BETWEEN ? AND ? AND %1 = 1 "
                       "ORDER BY e.household_id, e.local_date")
            .arg(LedgerRepository::sustainableSql()),
        {currency, fromMonth, toMonth});
    while (q.next())
        result.push_back({q.value(0).toLongLong(), toDate(q.value(1)), q.value(2).toLongLong()});
    return result;
}

std::map<ReconciliationQueries::Key, ReconciliationQueries::Credits>
ReconciliationQueries::bonusCredits(int fromMonth, int toMonth, const QString& currency) const
{
    std::map<Key, Credits> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT b.household_id, COALESCE(p.local_month, b.local_month) AS month, COUNT(*), "
            "SUM(b.amount_cents) FROM ledger_entry b LEFT JOIN ledger_entry p ON p.id = b.refers_to "
            "AND p.kind = 'purchase' "
            "WHERE b.kind = 'bonus' AND b.status = 'posted' AND b.household_id IS NOT NULL "
            "AND b.currency = ? AND COALESCE(p.local_month, b.local_month) BETWEEN ? AND ? "
            "GROUP BY b.household_id, COALESCE(p.local_month, b.local_month)"),
        {currency, fromMonth, toMonth});
    while (q.next())
        result[{q.value(0).toLongLong(), q.value(1).toInt()}] = {q.value(2).toLongLong(),
                                                                 q.value(3).toLongLong()};
    return result;
}

} // namespace cabas::store
