#pragma once

#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <QWidget>
#include <optional>

class QCheckBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace cabas::ui {

// One decision of the committee on a merchant (docs/merchants.md): approve from a date, withdraw on a date,
// or refuse, with a note. Problems are shown next to their field; nothing is written until the core accepts.
class MerchantDecisionDialog : public QDialog
{
    Q_OBJECT
  public:
    enum class Kind
    {
        Approve,
        Withdraw,
        Refuse,
    };
    MerchantDecisionDialog(const store::Database& db, const Session& session, Kind kind,
                           const QString& merchantId, const QString& merchantName, QWidget* parent = nullptr);

    // Records the decision through MerchantService; on success accepts the dialog. Returns whether it did.
    bool submit();

  private:
    void showError(const QString& message);

    const store::Database& m_db;
    const Session m_session;
    const Kind m_kind;
    const QString m_merchantId;
    QDateEdit* m_date = nullptr;
    QLabel* m_dateError = nullptr;
    QLineEdit* m_note = nullptr;
    QLabel* m_noteError = nullptr;
    QLabel* m_error = nullptr;
};

// The merchants seen in the ledger and the committee's decisions (Administration › Merchants): name,
// category, the operator's flag, the decision in force today and its dates; "undecided only" lists those the
// committee has not looked at. Administrators approve, withdraw and refuse; other roles would see the list
// read-only (the page is in the administrators' section).
class MerchantsPanel : public QWidget
{
    Q_OBJECT
  public:
    explicit MerchantsPanel(QWidget* parent = nullptr);

    void load(const store::Database* db, const std::optional<Session>& session);
    void clear();
    // Reads the list again (keeping the selection when it can); problems are shown on the panel.
    void refresh();
    // The id of the selected merchant ("" when none).
    QString selectedMerchantId() const;
    bool selectMerchant(const QString& merchantId);
    // Opens the decision dialog for the selected merchant (modal); refreshes after a decision.
    void decide(MerchantDecisionDialog::Kind kind);

  signals:
    // A decision was recorded: sustainable figures may have changed.
    void changed();

  private:
    void updateButtons();

    const store::Database* m_db = nullptr;
    std::optional<Session> m_session;
    QCheckBox* m_undecidedOnly = nullptr;
    QTableView* m_view = nullptr;
    QStandardItemModel* m_model = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_approve = nullptr;
    QPushButton* m_withdraw = nullptr;
    QPushButton* m_refuse = nullptr;
};

} // namespace cabas::ui
