#include "store/PreventionRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

void PreventionRepository::insertStep(PreventionStep& s)
{
    const QStringList problems = s.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO prevention_step (person_id, done_on, step_type, partner, outcome, "
                       "next_due_on, nurse_user_id, notes, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {s.personId, dateValue(s.doneOn), toCode(s.type), textValue(s.partner.trimmed()),
         textValue(s.outcome.trimmed()), dateValue(s.nextDueOn), idValue(s.nurseUserId), textValue(s.notes),
         timestampValue(Clock::instance().nowUtc())});
    q.next();
    s.id = q.value(0).toLongLong();
}

std::vector<PreventionStep> PreventionRepository::stepsForPerson(qint64 personId) const
{
    std::vector<PreventionStep> result;
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "SELECT id, person_id, done_on, step_type, partner, outcome, next_due_on, nurse_user_id, "
            "notes FROM prevention_step WHERE person_id = ? ORDER BY done_on, id"),
        {personId});
    while (q.next()) {
        PreventionStep s;
        s.id = q.value(0).toLongLong();
        s.personId = q.value(1).toLongLong();
        s.doneOn = toDate(q.value(2));
        if (!fromCode(q.value(3).toString(), &s.type))
            s.type = PreventionType::Other;
        s.partner = q.value(4).toString();
        s.outcome = q.value(5).toString();
        s.nextDueOn = toDate(q.value(6));
        s.nurseUserId = q.value(7).toLongLong();
        s.notes = q.value(8).toString();
        result.push_back(s);
    }
    return result;
}

void PreventionRepository::insertSession(SupportSession& s)
{
    const QStringList problems = s.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO support_session (person_id, household_id, held_on, professional_user_id, "
                       "topic, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {idValue(s.personId), idValue(s.householdId), dateValue(s.heldOn), idValue(s.professionalUserId),
         textValue(s.topic.trimmed()), textValue(s.notes), timestampValue(Clock::instance().nowUtc())});
    q.next();
    s.id = q.value(0).toLongLong();
}

std::vector<SupportSession> PreventionRepository::readSessions(const QString& where,
                                                               const QVariantList& values) const
{
    std::vector<SupportSession> result;
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT id, person_id, household_id, held_on, professional_user_id, "
                                 "topic, notes FROM support_session WHERE ") +
                      where + QStringLiteral(" ORDER BY held_on, id"),
                  values);
    while (q.next()) {
        SupportSession s;
        s.id = q.value(0).toLongLong();
        s.personId = q.value(1).toLongLong();
        s.householdId = q.value(2).toLongLong();
        s.heldOn = toDate(q.value(3));
        s.professionalUserId = q.value(4).toLongLong();
        s.topic = q.value(5).toString();
        s.notes = q.value(6).toString();
        result.push_back(s);
    }
    return result;
}

std::vector<SupportSession> PreventionRepository::sessionsForPerson(qint64 personId, qint64 householdId) const
{
    return readSessions(QStringLiteral("person_id = ? OR (person_id IS NULL AND household_id = ?)"),
                        {personId, householdId});
}

std::vector<SupportSession> PreventionRepository::sessionsForHousehold(qint64 householdId) const
{
    return readSessions(QStringLiteral("household_id = ?"), {householdId});
}

} // namespace cabas::store
