#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace cabas::ui {

// A household's (or one person's) workshop history for the case file: every registration, newest first, with
// whether the person came. Self-contained: give it the database, the session and the household; it reads
// through WorkshopService (so the access rules apply) and shows the refusal or error in place of the list.
class WorkshopHistoryWidget : public QWidget
{
    Q_OBJECT
  public:
    WorkshopHistoryWidget(const store::Database& db, Session session, qint64 householdId,
                          QWidget* parent = nullptr);

    // Only this person's lines (empty: the whole household).
    void setPersonFilter(const QString& personCode);
    // Reads the history again.
    void reload();

    QTableWidget* table() const { return m_table; }

  private:
    const store::Database& m_db;
    Session m_session;
    qint64 m_householdId;
    QString m_personCode;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace cabas::ui
