#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>

class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace cabas::ui {

// The "Contributions" tab of a case file, for programmes with member contributions (docs/contributions.md):
// the amount the household chose (and its history), the payments recorded, and month by month what was
// expected, paid and is owed. Social workers set a new amount from a month and record payments; everything
// goes through ContributionService as the session's user, so a role that may not see a household's
// contributions (coordinators) sees the core's refusal.
class ContributionsPanel : public QWidget
{
    Q_OBJECT
  public:
    ContributionsPanel(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Puts the panel in the case file's tabs for `householdCode` (created once and read again), or takes it
    // out when the programme has no contributions. The one call CaseFileView makes.
    static ContributionsPanel* showIn(QTabWidget* tabs, const store::Database& db, const Session& session,
                                      const QString& householdCode);

    void load(const QString& householdCode);
    QString householdCode() const { return m_code; }
    QString message() const;
    // Record what the fields say; false (and the problems shown) when refused or invalid.
    bool setAmount();
    bool recordPayment();

  signals:
    void changed();

  private:
    const store::Database& m_db;
    const Session m_session;
    QString m_code;
    QLabel* m_rule = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_message = nullptr;
    QTableWidget* m_months = nullptr;
    QTableWidget* m_choices = nullptr;
    QTableWidget* m_payments = nullptr;
    QLineEdit* m_amount = nullptr;
    QDateEdit* m_from = nullptr;
    QPushButton* m_set = nullptr;
    QLineEdit* m_paid = nullptr;
    QDateEdit* m_paidOn = nullptr;
    QPushButton* m_pay = nullptr;
};

} // namespace cabas::ui
