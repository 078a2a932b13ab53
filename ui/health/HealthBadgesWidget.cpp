#include "health/HealthBadgesWidget.h"

#include "FollowUpListModel.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "store/HouseholdRepository.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cabas::ui {

HealthBadgesWidget::HealthBadgesWidget(const store::Database& db, const Session& session, qint64 householdId,
                                       QWidget* parent)
    : QWidget(parent), m_db(db), m_session(session), m_householdId(householdId)
{
    setObjectName(QStringLiteral("healthBadges"));
    m_rows = new QVBoxLayout(this);
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setSpacing(4);
    refresh();
}

std::optional<WaveStatus> HealthBadgesWidget::statusFor(const QString& personCode) const
{
    const auto it = m_statuses.constFind(personCode);
    if (it == m_statuses.constEnd())
        return std::nullopt;
    return *it;
}

void HealthBadgesWidget::refresh()
{
    m_badges.clear();
    m_statuses.clear();
    while (QLayoutItem* item = m_rows->takeAt(0)) {
        if (QWidget* w = item->widget())
            delete w;
        delete item;
    }
    // Not even a heading for the roles that may not see health data.
    if (!AccessPolicy::allows(m_session.role(), DataKind::Health, Action::Read)) {
        hide();
        return;
    }
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findById(m_householdId);
    if (!household) {
        hide();
        return;
    }
    std::vector<FollowUpItem> items;
    try {
        items = FollowUpSchedule(m_db, m_session).items(Clock::instance().today());
    } catch (const Error& e) {
        auto* error = new QLabel(tr("Health follow-up: %1").arg(e.message()), this);
        error->setObjectName(QStringLiteral("healthBadgesError"));
        error->setWordWrap(true);
        m_rows->addWidget(error);
        show();
        return;
    }
    auto* heading = new QLabel(tr("Health follow-up"), this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    m_rows->addWidget(heading);

    const QDate today = Clock::instance().today();
    for (const Person& person :
         store::PersonRepository(m_db, m_session.keys.get()).forHousehold(m_householdId)) {
        if (!person.isMemberOn(today))
            continue;
        const FollowUpItem* chosen = nullptr;
        bool any = false;
        bool withdrawn = false;
        for (WaveStatus wanted : {WaveStatus::Overdue, WaveStatus::Due, WaveStatus::Upcoming}) {
            for (const FollowUpItem& item : items) {
                if (item.personCode != person.code)
                    continue;
                any = true;
                withdrawn = item.consentWithdrawn;
                if (!chosen && item.status == wanted)
                    chosen = &item;
            }
            if (chosen)
                break;
        }
        QString text;
        QColor colour = palette().color(QPalette::WindowText);
        if (!any) {
            text = tr("not in the health follow-up");
            colour = palette().color(QPalette::Disabled, QPalette::WindowText);
        } else if (withdrawn) {
            text = tr("consent withdrawn");
            colour = FollowUpListModel::statusColour(WaveStatus::Overdue);
        } else if (!chosen) {
            text = tr("all waves done");
            colour = FollowUpListModel::statusColour(WaveStatus::Done);
        } else {
            text = tr("%1: %2").arg(chosen->wave, displayName(chosen->status));
            colour = FollowUpListModel::statusColour(chosen->status);
            m_statuses.insert(person.code, chosen->status);
        }
        m_badges.insert(person.code, text);

        auto* row = new QWidget(this);
        auto* line = new QHBoxLayout(row);
        line->setContentsMargins(0, 0, 0, 0);
        line->addWidget(new QLabel(tr("%1 (%2)").arg(person.fullName(), person.code), row), 1);
        auto* badge = new QLabel(text, row);
        badge->setObjectName(QStringLiteral("healthBadge"));
        badge->setProperty("personCode", person.code);
        badge->setStyleSheet(QStringLiteral("QLabel { color: %1; border: 1px solid %1; border-radius: 8px; "
                                            "padding: 1px 8px; }")
                                 .arg(colour.name()));
        line->addWidget(badge);
        m_rows->addWidget(row);
    }
    show();
}

} // namespace cabas::ui
