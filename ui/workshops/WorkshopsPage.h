#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDate>
#include <QWidget>
#include <optional>

class QDialog;
class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace cabas::ui {

class WorkshopMonthModel;

// The "Workshops" section: the workshops of a month (previous/next month) with places, waiting list and
// attendance; for the workshop chosen, its registrations (registered, waiting list in order, cancelled) and
// the actions: register persons (search), cancel a registration (the first waiting takes the place), the
// day's tick-list, edit or cancel the workshop; a new workshop; the attendance.csv import. Everything goes
// through WorkshopService as the session's user: administrators see it all, and the write buttons are hidden
// for them.
class WorkshopsPage : public QWidget
{
    Q_OBJECT
  public:
    explicit WorkshopsPage(QWidget* parent = nullptr);

    // Reads the current month as `session`'s user. Throws cabas::Error (AccessDenied) when the role may not
    // read workshops.
    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();

    void showMonth(const QDate& anyDayOfMonth);
    QDate month() const { return m_month; }
    void previousMonth();
    void nextMonth();
    // Selects the workshop (in the month shown); false when it is not there.
    bool selectWorkshop(qint64 workshopId);
    qint64 currentWorkshopId() const;

    // The dialogs (window-modal, deleted when closed; the page is read again after they write). nullptr when
    // there is nothing to act on.
    QDialog* newWorkshop();
    QDialog* editWorkshop();
    QDialog* registerPersons();
    QDialog* tickList();
    QDialog* importAttendance();
    // Cancels the selected registration / workshop without asking (the buttons ask first); false and the
    // message shown when refused.
    bool cancelSelectedRegistration();
    bool cancelWorkshop();

    WorkshopMonthModel* model() const { return m_model; }

  private:
    void reloadMonth();
    void showDetails();
    QDialog* openDialog(QDialog* dialog);
    void showError(const QString& message, bool isError = true);

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    QDate m_month;
    WorkshopMonthModel* m_model = nullptr;
    QLabel* m_monthLabel = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_error = nullptr;
    QTableWidget* m_registrations = nullptr;
    QWidget* m_writeActions = nullptr;
    QPushButton* m_newButton = nullptr;
    QPushButton* m_importButton = nullptr;
    QPushButton* m_editButton = nullptr;
    QPushButton* m_cancelWorkshopButton = nullptr;
    QPushButton* m_registerButton = nullptr;
    QPushButton* m_cancelRegistrationButton = nullptr;
    QPushButton* m_tickButton = nullptr;
};

} // namespace cabas::ui
