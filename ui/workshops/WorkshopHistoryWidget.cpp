#include "workshops/WorkshopHistoryWidget.h"

#include "common/Error.h"
#include "services/WorkshopService.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

WorkshopHistoryWidget::WorkshopHistoryWidget(const store::Database& db, Session session, qint64 householdId,
                                             QWidget* parent)
    : QWidget(parent), m_db(db), m_session(std::move(session)), m_householdId(householdId)
{
    setObjectName(QStringLiteral("workshopHistory"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("workshopHistorySummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_table = new QTableWidget(0, 5, this);
    m_table->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_table->setAccessibleName(tr("Workshops attended"));
    m_table->setObjectName(QStringLiteral("workshopHistoryTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Date"), tr("Workshop"), tr("Type"), tr("Person"), tr("Attendance")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    layout->addWidget(m_table, 1);
    reload();
}

void WorkshopHistoryWidget::setPersonFilter(const QString& personCode)
{
    m_personCode = personCode;
    reload();
}

void WorkshopHistoryWidget::reload()
{
    m_table->setRowCount(0);
    std::vector<WorkshopHistoryRow> rows;
    try {
        const WorkshopService service(m_db, m_session);
        rows = m_personCode.isEmpty() ? service.householdHistory(m_householdId)
                                      : service.personHistory(m_personCode);
    } catch (const Error& e) {
        m_summary->setText(e.message());
        m_table->hide();
        return;
    }
    m_table->show();
    const QLocale locale;
    int present = 0;
    QSet<qint64> workshopsAttended;
    for (const WorkshopHistoryRow& r : rows) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        QString attendance;
        if (r.workshop.isCancelled())
            attendance = tr("Workshop cancelled");
        else if (r.registration.status != RegistrationStatus::Registered)
            attendance = displayName(r.registration.status);
        else if (!r.registration.attended)
            attendance = tr("Registered");
        else if (*r.registration.attended) {
            attendance = tr("Present");
            ++present;
            workshopsAttended.insert(r.workshop.id);
        } else
            attendance = tr("Absent");
        const QStringList cells = {locale.toString(r.workshop.heldOn, QLocale::ShortFormat), r.workshop.title,
                                   displayName(r.workshop.type),
                                   QStringLiteral("%1 (%2)").arg(r.personName, r.personCode), attendance};
        for (int c = 0; c < cells.size(); ++c)
            m_table->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    m_table->resizeColumnsToContents();
    if (rows.empty())
        m_summary->setText(tr("No workshop registration yet."));
    else
        m_summary->setText(
            tr("%n attendance(s) at %1 workshop(s), out of %2 registration(s).", nullptr, present)
                .arg(workshopsAttended.size())
                .arg(rows.size()));
}

} // namespace cabas::ui
