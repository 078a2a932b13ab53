#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace cabas {

enum class ConsentPurpose
{
    CaseManagement,
    HealthFollowup,
    LedgerLink,
    ResearchExport
};

QString toCode(ConsentPurpose purpose);
bool fromCode(const QString& code, ConsentPurpose* purpose);
QString displayName(ConsentPurpose purpose);
QList<ConsentPurpose> allConsentPurposes();

// One consent event: a person gives or withdraws consent for a purpose from a date. Events are never edited
// or deleted; the state on a date is the latest event effective on or before it.
struct Consent
{
    Q_DECLARE_TR_FUNCTIONS(Consent)
  public:
    qint64 id = 0;
    qint64 personId = 0;
    ConsentPurpose purpose = ConsentPurpose::CaseManagement;
    bool given = true;
    QDate effectiveOn;
    qint64 recordedByUserId = 0;
    QDateTime recordedAt;
    QString note;

    QStringList validate() const;
    bool operator==(const Consent&) const = default;
};

} // namespace cabas
