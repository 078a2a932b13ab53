#pragma once

#include "domain/Checkup.h"
#include "domain/Prevention.h"
#include "domain/Questionnaire.h"
#include "security/Session.h"
#include "store/Database.h"

#include <vector>

namespace cabas {

// A person's health records, for nurses. Every read of a person's health data and every write is audited
// (who, when, which person; never the values). No health record is written without the person's
// `health_followup` consent on its date; records made before a withdrawal stay visible to nurses, flagged.
class HealthService
{
    Q_DECLARE_TR_FUNCTIONS(HealthService)
  public:
    HealthService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    struct PersonCheckups
    {
        std::vector<Checkup> checkups;
        bool consentWithdrawn = false; // consent is not given today: show the records flagged
    };

    // Records a checkup by the session's nurse for `personCode`.
    void recordCheckup(const QString& personCode, Checkup& checkup) const;
    PersonCheckups checkups(const QString& personCode) const;
    // Corrects a saved checkup of `personCode` (checkup.id and the version it was read with): checked like a
    // new one (plausibility, consent on its date, a wave of the programme, one per wave), written if nobody
    // corrected it meanwhile (else Conflict, nothing written), audited, with its reason (required) kept in
    // the checkup's history of corrections. The nurse who took it stays.
    void correctCheckup(const QString& personCode, Checkup& checkup, const QString& reason) const;
    // The corrections of one of the person's checkups, oldest first (a read of health data: audited).
    std::vector<CheckupCorrection> checkupCorrections(const QString& personCode, qint64 checkupId) const;

    struct PersonQuestionnaires
    {
        std::vector<DietQuestionnaire> questionnaires;
        bool consentWithdrawn = false;
    };
    void recordQuestionnaire(const QString& personCode, DietQuestionnaire& questionnaire) const;
    PersonQuestionnaires questionnaires(const QString& personCode) const;

    // Prevention steps (consent checked on their date, not in the future).
    struct PersonPrevention
    {
        std::vector<PreventionStep> steps;
        bool consentWithdrawn = false;
    };
    void recordPreventionStep(const QString& personCode, PreventionStep& step) const;
    PersonPrevention preventionSteps(const QString& personCode) const;

    // Individual support sessions, with a person (consent checked) or with a whole household (at least one
    // member with health follow-up consent on that date).
    struct PersonSupport
    {
        std::vector<SupportSession> sessions; // the person's own and their household's, oldest first
        bool consentWithdrawn = false;
    };
    void recordSupportSession(const QString& personCode, SupportSession& session) const;
    void recordHouseholdSupportSession(const QString& householdCode, SupportSession& session) const;
    PersonSupport supportSessions(const QString& personCode) const;

    // The checks a health record must pass before it is written (consent on `date`, a wave of the programme);
    // throws cabas::Error. Imports use it to check every row before writing any.
    void checkRecordable(const QString& personCode, qint64 personId, const QDate& date,
                         const QString& wave) const;
    qint64 personId(const QString& personCode) const;

  private:
    void checkNotFuture(const QDate& date) const;
    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
