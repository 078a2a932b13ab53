#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QWidget>
#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace cabas::ui {

// The "Card ledger" section: the last sync of the operator's feed, the ledger's figures, and the cards no
// household claims yet, with "Link to household" (social workers). Everything goes through LedgerService as
// the session's user: the link action is hidden for roles that may not write households.
class LedgerPage : public QWidget
{
    Q_OBJECT
  public:
    explicit LedgerPage(QWidget* parent = nullptr);

    // Reads as `session`'s user; throws cabas::Error (AccessDenied) when the role may not read the ledger.
    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();

    // Links the selected card to the household code typed; false (and the reason shown) when refused.
    bool linkSelectedCard();
    QString message() const;

  private:
    void reload();

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    QLabel* m_syncStatus = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_unlinked = nullptr;
    QLineEdit* m_household = nullptr;
    QPushButton* m_link = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace cabas::ui
