#include "services/HealthService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/CheckupRepository.h"
#include "store/HouseholdRepository.h"
#include "store/PreventionRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/QuestionnaireRepository.h"

#include <QLocale>
#include <algorithm>

namespace cabas {

qint64 HealthService::personId(const QString& personCode) const
{
    const auto person = store::PersonRepository(m_db, m_session.keys.get()).findByCode(personCode);
    if (!person)
        throw Error(tr("There is no person %1.").arg(personCode), Error::Kind::NotFound);
    return person->id;
}

void HealthService::recordCheckup(const QString& personCode, Checkup& checkup) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("checkup"), personCode);
    checkup.personId = personId(personCode);
    checkup.nurseUserId = m_session.user.id;
    checkRecordable(personCode, checkup.personId, checkup.takenOn, checkup.wave);
    store::Database::Transaction tx(m_db);
    store::CheckupRepository(m_db, m_session.keys.get()).insert(checkup);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("checkup"), personCode, checkup.wave);
    tx.commit();
}

void HealthService::correctCheckup(const QString& personCode, Checkup& checkup, const QString& reason) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("checkup"), personCode);
    if (reason.trimmed().isEmpty())
        throw Error(tr("reason: a correction needs its reason"), Error::Kind::Invalid);
    const qint64 id = personId(personCode);
    store::CheckupRepository repository(m_db, m_session.keys.get());
    const auto stored = repository.findById(checkup.id);
    if (!stored || stored->personId != id)
        throw Error(tr("%1 has no such checkup.").arg(personCode), Error::Kind::NotFound);
    checkup.personId = id;
    checkup.nurseUserId = stored->nurseUserId;
    checkNotFuture(checkup.takenOn);
    checkRecordable(personCode, id, checkup.takenOn, checkup.wave);
    store::Database::Transaction tx(m_db);
    repository.update(checkup);
    CheckupCorrection correction;
    correction.checkupId = checkup.id;
    correction.correctedAt = Clock::instance().nowUtc();
    correction.correctedByUserId = m_session.user.id;
    correction.reason = reason.trimmed();
    correction.version = checkup.version;
    repository.addCorrection(correction);
    audit.record(m_session, QStringLiteral("update"), QStringLiteral("checkup"), personCode, checkup.wave);
    tx.commit();
}

std::vector<CheckupCorrection> HealthService::checkupCorrections(const QString& personCode,
                                                                 qint64 checkupId) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("checkup"), personCode);
    const qint64 id = personId(personCode);
    store::CheckupRepository repository(m_db, m_session.keys.get());
    const auto stored = repository.findById(checkupId);
    if (!stored || stored->personId != id)
        throw Error(tr("%1 has no such checkup.").arg(personCode), Error::Kind::NotFound);
    auto result = repository.corrections(checkupId);
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("checkup"), personCode,
                 QStringLiteral("corrections"));
    return result;
}

void HealthService::checkRecordable(const QString& personCode, qint64 id, const QDate& date,
                                    const QString& wave) const
{
    if (date.isValid() && !store::ConsentRepository(m_db, m_session.keys.get())
                               .isGiven(id, ConsentPurpose::HealthFollowup, date))
        throw Error(
            tr("%1 has no health follow-up consent on %2: no health record can be made for that date.")
                .arg(personCode, QLocale().toString(date, QLocale::ShortFormat)),
            Error::Kind::Invalid);
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (programme && !wave.isEmpty() &&
        std::none_of(programme->waves.begin(), programme->waves.end(),
                     [&](const FollowUpWave& w) { return w.code == wave; }))
        throw Error(tr("wave: %1 is not a follow-up wave of the programme.").arg(wave), Error::Kind::Invalid);
}

void HealthService::recordQuestionnaire(const QString& personCode, DietQuestionnaire& questionnaire) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("diet_questionnaire"),
                  personCode);
    questionnaire.personId = personId(personCode);
    questionnaire.nurseUserId = m_session.user.id;
    checkRecordable(personCode, questionnaire.personId, questionnaire.answeredOn, questionnaire.wave);
    store::Database::Transaction tx(m_db);
    store::QuestionnaireRepository(m_db, m_session.keys.get()).insert(questionnaire);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("diet_questionnaire"), personCode,
                 questionnaire.wave);
    tx.commit();
}

HealthService::PersonQuestionnaires HealthService::questionnaires(const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("diet_questionnaire"),
                  personCode);
    const qint64 id = personId(personCode);
    PersonQuestionnaires result;
    result.questionnaires = store::QuestionnaireRepository(m_db, m_session.keys.get()).forPerson(id);
    result.consentWithdrawn = !store::ConsentRepository(m_db, m_session.keys.get())
                                   .isGiven(id, ConsentPurpose::HealthFollowup, Clock::instance().today());
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("diet_questionnaire"), personCode);
    return result;
}

HealthService::PersonCheckups HealthService::checkups(const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("checkup"), personCode);
    const qint64 id = personId(personCode);
    PersonCheckups result;
    result.checkups = store::CheckupRepository(m_db, m_session.keys.get()).forPerson(id);
    result.consentWithdrawn = !store::ConsentRepository(m_db, m_session.keys.get())
                                   .isGiven(id, ConsentPurpose::HealthFollowup, Clock::instance().today());
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("checkup"), personCode);
    return result;
}

void HealthService::checkNotFuture(const QDate& date) const
{
    if (date.isValid() && date > Clock::instance().today())
        throw Error(tr("date: %1 is in the future.").arg(QLocale().toString(date, QLocale::ShortFormat)),
                    Error::Kind::Invalid);
}

void HealthService::recordPreventionStep(const QString& personCode, PreventionStep& step) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("prevention_step"), personCode);
    step.personId = personId(personCode);
    step.nurseUserId = m_session.user.id;
    const QStringList problems = step.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    checkNotFuture(step.doneOn);
    checkRecordable(personCode, step.personId, step.doneOn, QString());
    store::Database::Transaction tx(m_db);
    store::PreventionRepository(m_db, m_session.keys.get()).insertStep(step);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("prevention_step"), personCode);
    tx.commit();
}

HealthService::PersonPrevention HealthService::preventionSteps(const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("prevention_step"), personCode);
    const qint64 id = personId(personCode);
    PersonPrevention result;
    result.steps = store::PreventionRepository(m_db, m_session.keys.get()).stepsForPerson(id);
    result.consentWithdrawn = !store::ConsentRepository(m_db, m_session.keys.get())
                                   .isGiven(id, ConsentPurpose::HealthFollowup, Clock::instance().today());
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("prevention_step"), personCode);
    return result;
}

void HealthService::recordSupportSession(const QString& personCode, SupportSession& session) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("support_session"), personCode);
    const auto person = store::PersonRepository(m_db, m_session.keys.get()).findByCode(personCode);
    if (!person)
        throw Error(tr("There is no person %1.").arg(personCode), Error::Kind::NotFound);
    session.personId = person->id;
    session.householdId = person->householdId;
    session.professionalUserId = m_session.user.id;
    const QStringList problems = session.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    checkNotFuture(session.heldOn);
    checkRecordable(personCode, session.personId, session.heldOn, QString());
    store::Database::Transaction tx(m_db);
    store::PreventionRepository(m_db, m_session.keys.get()).insertSession(session);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("support_session"), personCode);
    tx.commit();
}

void HealthService::recordHouseholdSupportSession(const QString& householdCode, SupportSession& session) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Write, QStringLiteral("support_session"),
                  householdCode);
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(householdCode);
    if (!household)
        throw Error(tr("There is no household %1.").arg(householdCode), Error::Kind::NotFound);
    session.personId = 0;
    session.householdId = household->id;
    session.professionalUserId = m_session.user.id;
    const QStringList problems = session.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    checkNotFuture(session.heldOn);
    const store::ConsentRepository consents(m_db, m_session.keys.get());
    const auto members = store::PersonRepository(m_db, m_session.keys.get()).forHousehold(household->id);
    if (std::none_of(members.begin(), members.end(), [&](const Person& p) {
            return p.isMemberOn(session.heldOn) &&
                   consents.isGiven(p.id, ConsentPurpose::HealthFollowup, session.heldOn);
        }))
        throw Error(tr("No member of %1 has health follow-up consent on %2: no support session can be "
                       "recorded for that date.")
                        .arg(householdCode, QLocale().toString(session.heldOn, QLocale::ShortFormat)),
                    Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    store::PreventionRepository(m_db, m_session.keys.get()).insertSession(session);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("support_session"), householdCode);
    tx.commit();
}

HealthService::PersonSupport HealthService::supportSessions(const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("support_session"), personCode);
    const auto person = store::PersonRepository(m_db, m_session.keys.get()).findByCode(personCode);
    if (!person)
        throw Error(tr("There is no person %1.").arg(personCode), Error::Kind::NotFound);
    PersonSupport result;
    result.sessions = store::PreventionRepository(m_db, m_session.keys.get())
                          .sessionsForPerson(person->id, person->householdId);
    result.consentWithdrawn =
        !store::ConsentRepository(m_db, m_session.keys.get())
             .isGiven(person->id, ConsentPurpose::HealthFollowup, Clock::instance().today());
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("support_session"), personCode);
    return result;
}

} // namespace cabas
