#include "services/FollowUpSchedule.h"

#include "security/AuditTrail.h"
#include "store/FollowUpRepository.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"

namespace cabas {

QString toCode(WaveStatus status)
{
    switch (status) {
    case WaveStatus::Upcoming:
        return QStringLiteral("upcoming");
    case WaveStatus::Due:
        return QStringLiteral("due");
    case WaveStatus::Overdue:
        return QStringLiteral("overdue");
    case WaveStatus::Done:
        return QStringLiteral("done");
    }
    return QString();
}

QString displayName(WaveStatus status)
{
    switch (status) {
    case WaveStatus::Upcoming:
        return FollowUpSchedule::tr("Upcoming");
    case WaveStatus::Due:
        return FollowUpSchedule::tr("Due");
    case WaveStatus::Overdue:
        return FollowUpSchedule::tr("Overdue");
    case WaveStatus::Done:
        return FollowUpSchedule::tr("Done");
    }
    return QString();
}

std::vector<FollowUpItem> FollowUpSchedule::items(const QDate& today) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Health, Action::Read, QStringLiteral("follow_up_schedule"));
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (!programme)
        return {};
    store::FollowUpRepository repository(m_db, m_session.keys.get());
    const QSet<QString> done = repository.recordedWaves();
    store::ConsentRepository consents(m_db, m_session.keys.get());
    std::vector<FollowUpItem> items;
    for (const store::FollowUpPerson& p : repository.persons(today)) {
        const bool withdrawn = !consents.isGiven(p.personId, ConsentPurpose::HealthFollowup, today);
        for (const FollowUpWave& w : programme->waves) {
            FollowUpItem item;
            item.personCode = p.personCode;
            item.personName = p.firstName + QLatin1Char(' ') + p.lastName;
            item.householdCode = p.householdCode;
            item.commune = p.commune;
            item.wave = w.code;
            item.target = p.from.addDays(w.offsetDays);
            item.windowStart = item.target.addDays(-w.toleranceDays);
            item.windowEnd = item.target.addDays(w.toleranceDays);
            item.consentWithdrawn = withdrawn;
            if (done.contains(QString::number(p.personId) + QLatin1Char('|') + w.code))
                item.status = WaveStatus::Done;
            else if (today > item.windowEnd)
                item.status = WaveStatus::Overdue;
            else if (today >= item.windowStart)
                item.status = WaveStatus::Due;
            else
                item.status = WaveStatus::Upcoming;
            items.push_back(item);
        }
    }
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("follow_up_schedule"),
                 QStringLiteral("batch:%1").arg(items.size()));
    return items;
}

} // namespace cabas
