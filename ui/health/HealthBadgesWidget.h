#pragma once

#include "security/Session.h"
#include "services/FollowUpSchedule.h"
#include "store/Database.h"

#include <QHash>
#include <QWidget>
#include <optional>

class QVBoxLayout;

namespace cabas::ui {

// For the case file of a household: one badge per member in the health follow-up, with the wave that needs
// attention (the first overdue, else the one due, else the next upcoming) and its status, or "all waves
// done"; a member without health follow-up consent is said to be outside the follow-up. Shows nothing at all
// (and reads nothing) for the roles that may not read health data (AccessPolicy). Reading is audited by the
// core.
class HealthBadgesWidget : public QWidget
{
    Q_OBJECT
  public:
    HealthBadgesWidget(const store::Database& db, const Session& session, qint64 householdId,
                       QWidget* parent = nullptr);

    // Reads again (today by Clock).
    void refresh();
    // The badge text of a member ("M6: due" ...), empty when they have none.
    QString badgeFor(const QString& personCode) const { return m_badges.value(personCode); }
    // The status of the member's badge, when they are in the follow-up and not done.
    std::optional<WaveStatus> statusFor(const QString& personCode) const;
    int badgeCount() const { return static_cast<int>(m_badges.size()); }

  private:
    const store::Database& m_db;
    const Session m_session;
    const qint64 m_householdId;
    QVBoxLayout* m_rows = nullptr;
    QHash<QString, QString> m_badges;
    QHash<QString, WaveStatus> m_statuses;
};

} // namespace cabas::ui
