#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QString>
#include <QStringList>

namespace cabas {

// The kinds of prevention step (domain.md).
enum class PreventionType
{
    ScreeningReferral,
    Vaccination,
    Dental,
    NutritionAdvice,
    PhysicalActivity,
    Other
};

QString toCode(PreventionType type);
// Accepts the codes (screening_referral ...) and the display names, any case.
bool fromCode(const QString& text, PreventionType* type);
QString displayName(PreventionType type);
QList<PreventionType> allPreventionTypes();

// The partners the programme usually works with; a prevention step may name another one.
QStringList usualPreventionPartners();

// A prevention step with a partner (CPAM, ARS, MSA, CAF, GP ...), recorded by a nurse for a person.
struct PreventionStep
{
    Q_DECLARE_TR_FUNCTIONS(PreventionStep)
  public:
    qint64 id = 0;
    qint64 personId = 0;
    QDate doneOn;
    PreventionType type = PreventionType::Other;
    QString partner;
    QString outcome;
    QDate nextDueOn; // null: no further step planned
    qint64 nurseUserId = 0;
    QString notes;

    // Each problem names its field.
    QStringList validate() const;
    bool operator==(const PreventionStep&) const = default;
};

// An individual support session (accompagnement individuel) with a person, or with a household as a whole.
struct SupportSession
{
    Q_DECLARE_TR_FUNCTIONS(SupportSession)
  public:
    qint64 id = 0;
    qint64 personId = 0;    // 0 for a session with the household
    qint64 householdId = 0; // the household of the person, or the household met
    QDate heldOn;
    qint64 professionalUserId = 0;
    QString topic;
    QString notes;

    QStringList validate() const;
    bool operator==(const SupportSession&) const = default;
};

} // namespace cabas
