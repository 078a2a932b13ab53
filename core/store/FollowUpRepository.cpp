#include "store/FollowUpRepository.h"

namespace cabas::store {

std::vector<FollowUpPerson> FollowUpRepository::persons(const QDate& today) const
{
    std::vector<FollowUpPerson> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT p.id, p.code, p.first_name, p.last_name, h.code, h.commune, h.enrolled_on, p.arrived_on "
            "FROM person p JOIN household h ON h.id = p.household_id "
            "WHERE h.status = 'enrolled' AND h.enrolled_on IS NOT NULL "
            "AND (p.left_on IS NULL OR p.left_on > ?) "
            "AND EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id "
            "            AND c.purpose = 'health_followup' AND c.given = ?) "
            "ORDER BY h.commune, h.code, p.code"),
        {dateValue(today), true});
    while (q.next()) {
        FollowUpPerson p;
        p.personId = q.value(0).toLongLong();
        p.personCode = q.value(1).toString();
        p.firstName = m_sealed.open(QLatin1String("person.first_name"), p.personCode, q.value(2));
        p.lastName = m_sealed.open(QLatin1String("person.last_name"), p.personCode, q.value(3));
        p.householdCode = q.value(4).toString();
        p.commune = q.value(5).toString();
        p.from = toDate(q.value(6));
        const QDate arrived = toDate(q.value(7));
        if (arrived.isValid() && arrived > p.from)
            p.from = arrived;
        result.push_back(p);
    }
    return result;
}

QSet<QString> FollowUpRepository::recordedWaves() const
{
    QSet<QString> done;
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT person_id, wave FROM checkup UNION "
                                           "SELECT person_id, wave FROM diet_questionnaire"));
    while (q.next())
        done.insert(q.value(0).toString() + QLatin1Char('|') + q.value(1).toString());
    return done;
}

} // namespace cabas::store
