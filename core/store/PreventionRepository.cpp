#include "store/PreventionRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

void PreventionRepository::insertStep(PreventionStep& s)
{
    const QStringList problems = s.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    const bool sealed = m_seal.on();
    m_seal.requireHealthKey();
    // Sealed: empty texts first, then sealed with the row id.
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO prevention_step (person_id, done_on, step_type, partner, outcome, "
                       "next_due_on, nurse_user_id, notes, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {s.personId, dateValue(s.doneOn), toCode(s.type), textValue(sealed ? QString() : s.partner.trimmed()),
         textValue(sealed ? QString() : s.outcome.trimmed()), dateValue(s.nextDueOn), idValue(s.nurseUserId),
         textValue(sealed ? QString() : s.notes), timestampValue(Clock::instance().nowUtc())});
    q.next();
    s.id = q.value(0).toLongLong();
    if (sealed)
        m_db.exec(
            QStringLiteral("UPDATE prevention_step SET partner = ?, outcome = ?, notes = ? WHERE id = ?"),
            {m_seal.sealText(QLatin1String("prevention_step.partner"), s.id, s.partner.trimmed()),
             m_seal.sealText(QLatin1String("prevention_step.outcome"), s.id, s.outcome.trimmed()),
             m_seal.sealText(QLatin1String("prevention_step.notes"), s.id, s.notes), s.id});
}

std::vector<PreventionStep> PreventionRepository::stepsForPerson(qint64 personId) const
{
    std::vector<PreventionStep> result;
    m_seal.requireHealthKey();
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
        s.partner = m_seal.openText(QLatin1String("prevention_step.partner"), s.id, q.value(4));
        s.outcome = m_seal.openText(QLatin1String("prevention_step.outcome"), s.id, q.value(5));
        s.nextDueOn = toDate(q.value(6));
        s.nurseUserId = q.value(7).toLongLong();
        s.notes = m_seal.openText(QLatin1String("prevention_step.notes"), s.id, q.value(8));
        result.push_back(s);
    }
    return result;
}

void PreventionRepository::insertSession(SupportSession& s)
{
    const QStringList problems = s.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    const bool sealed = m_seal.on();
    m_seal.requireHealthKey();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO support_session (person_id, household_id, held_on, professional_user_id, "
                       "topic, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {idValue(s.personId), idValue(s.householdId), dateValue(s.heldOn), idValue(s.professionalUserId),
         textValue(sealed ? QString() : s.topic.trimmed()), textValue(sealed ? QString() : s.notes),
         timestampValue(Clock::instance().nowUtc())});
    q.next();
    s.id = q.value(0).toLongLong();
    if (sealed)
        m_db.exec(QStringLiteral("UPDATE support_session SET topic = ?, notes = ? WHERE id = ?"),
                  {m_seal.sealText(QLatin1String("support_session.topic"), s.id, s.topic.trimmed()),
                   m_seal.sealText(QLatin1String("support_session.notes"), s.id, s.notes), s.id});
}

std::vector<SupportSession> PreventionRepository::readSessions(const QString& where,
                                                               const QVariantList& values) const
{
    std::vector<SupportSession> result;
    m_seal.requireHealthKey();
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
        s.topic = m_seal.openText(QLatin1String("support_session.topic"), s.id, q.value(5));
        s.notes = m_seal.openText(QLatin1String("support_session.notes"), s.id, q.value(6));
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
