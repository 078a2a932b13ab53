#include "ledger/MerchantsPanel.h"

#include "Accessibility.h"
#include "Theme.h"
#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "services/MerchantService.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
QLabel* errorLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    theme::setTone(label, theme::Tone::Error);
    label->hide();
    return label;
}

// A merchant's category (domain.md's codes) in the user's words; a code Cabas does not know stays as it is.
QString categoryName(const QString& code)
{
    static const QHash<QString, const char*> names = {
        {QStringLiteral("organic_shop"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Organic shop")},
        {QStringLiteral("local_producer"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Local producer")},
        {QStringLiteral("farm_shop"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Farm shop")},
        {QStringLiteral("market"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Market")},
        {QStringLiteral("grocery"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Grocery")},
        {QStringLiteral("supermarket"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Supermarket")},
        {QStringLiteral("other"), QT_TRANSLATE_NOOP("cabas::ui::MerchantsPanel", "Other")},
    };
    const auto it = names.find(code);
    return it == names.end() ? code : MerchantsPanel::tr(it.value());
}

QString shortDate(const QDate& d)
{
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}
} // namespace

MerchantDecisionDialog::MerchantDecisionDialog(const store::Database& db, const Session& session, Kind kind,
                                               const QString& merchantId, const QString& merchantName,
                                               QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session), m_kind(kind), m_merchantId(merchantId)
{
    setObjectName(QStringLiteral("merchantDecisionDialog"));
    setWindowTitle(kind == Kind::Approve    ? tr("Approve a merchant")
                   : kind == Kind::Withdraw ? tr("Withdraw an approval")
                                            : tr("Refuse a merchant"));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(kind == Kind::Approve ? tr("%1 (%2): its purchases count as sustainable from this day on.")
                   : kind == Kind::Withdraw
                       ? tr("%1 (%2): from this day on its purchases no longer count as sustainable.")
                       : tr("%1 (%2): its purchases do not count as sustainable (except during an "
                            "approval)."),
                   this);
    intro->setText(intro->text().arg(merchantName, merchantId));
    intro->setObjectName(QStringLiteral("merchantDecisionIntro"));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout();
    m_date = new QDateEdit(this);
    m_date->setObjectName(QStringLiteral("merchantDecisionDate"));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat));
    m_date->setDate(Clock::instance().today());
    m_dateError = errorLabel(QStringLiteral("merchantDecisionDateError"), this);
    if (kind != Kind::Refuse) {
        auto* dateLabel = a11y::labelFor(kind == Kind::Approve ? tr("Approved &from:") : tr("Withdrawn &on:"),
                                         m_date, this);
        form->addRow(dateLabel, m_date);
        form->addRow(QString(), m_dateError);
    } else {
        m_date->hide();
    }
    m_note = new QLineEdit(this);
    m_note->setObjectName(QStringLiteral("merchantDecisionNote"));
    m_note->setMaxLength(MerchantService::kMaxNote);
    m_note->setPlaceholderText(tr("The committee's reason, a meeting's date..."));
    form->addRow(a11y::labelFor(tr("&Note:"), m_note, this), m_note);
    m_noteError = errorLabel(QStringLiteral("merchantDecisionNoteError"), this);
    form->addRow(QString(), m_noteError);
    layout->addLayout(form);
    m_error = errorLabel(QStringLiteral("merchantDecisionError"), this);
    layout->addWidget(m_error);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("merchantDecisionButtons"));
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("merchantDecisionOk"));
    ok->setText(kind == Kind::Approve    ? tr("&Approve")
                : kind == Kind::Withdraw ? tr("&Withdraw")
                                         : tr("&Refuse"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("merchantDecisionCancel"));
    connect(ok, &QPushButton::clicked, this, [this] { submit(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    a11y::connectLabels(this);
}

void MerchantDecisionDialog::showError(const QString& message)
{
    // The core's messages start with the field they are about ("from: ...", "on: ...", "note: ...").
    const qsizetype colon = message.indexOf(QLatin1Char(':'));
    const QString field = colon > 0 ? message.left(colon).trimmed() : QString();
    const QString text = colon > 0 ? message.mid(colon + 1).trimmed() : message;
    if ((field == QLatin1String("from") || field == QLatin1String("on")) && m_kind != Kind::Refuse) {
        m_dateError->setText(text);
        m_dateError->show();
        m_date->setFocus();
    } else if (field == QLatin1String("note")) {
        m_noteError->setText(text);
        m_noteError->show();
        m_note->setFocus();
    } else {
        m_error->setText(message);
        m_error->show();
    }
}

bool MerchantDecisionDialog::submit()
{
    for (QLabel* l : {m_dateError, m_noteError, m_error})
        l->hide();
    const MerchantService service(m_db, m_session);
    try {
        switch (m_kind) {
        case Kind::Approve:
            service.approve(m_merchantId, m_date->date(), m_note->text().trimmed());
            break;
        case Kind::Withdraw:
            service.withdraw(m_merchantId, m_date->date(), m_note->text().trimmed());
            break;
        case Kind::Refuse:
            service.refuse(m_merchantId, m_note->text().trimmed());
            break;
        }
    } catch (const Error& e) {
        showError(e.message());
        return false;
    }
    accept();
    return true;
}

MerchantsPanel::MerchantsPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("merchantsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 10);
    layout->setSpacing(8);
    auto* note = new QLabel(tr("The merchants seen in the ledger and the committee's decisions. An approval "
                               "counts from its first day until it is withdrawn; outside approvals a refused "
                               "merchant does not count as sustainable, and a merchant with no decision "
                               "follows the operator's flag."),
                            this);
    note->setObjectName(QStringLiteral("merchantsNote"));
    note->setWordWrap(true);
    layout->addWidget(note);

    m_undecidedOnly = new QCheckBox(tr("&Undecided only"), this);
    m_undecidedOnly->setObjectName(QStringLiteral("merchantsUndecidedCheck"));
    connect(m_undecidedOnly, &QCheckBox::toggled, this, [this] { refresh(); });
    layout->addWidget(m_undecidedOnly);

    m_message = errorLabel(QStringLiteral("merchantsMessage"), this);
    layout->addWidget(m_message);

    m_model = new QStandardItemModel(0, 6, this);
    m_model->setObjectName(QStringLiteral("merchantsModel"));
    m_model->setHorizontalHeaderLabels({tr("Merchant"), tr("Category"), tr("Operator's flag"), tr("Decision"),
                                        tr("Approved from"), tr("Withdrawn on")});
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("merchantsTable"));
    m_view->setAccessibleName(tr("Merchants"));
    m_view->setTabKeyNavigation(false);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(0, 220);
    a11y::fitColumnsToHeaders(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { updateButtons(); });
    layout->addWidget(m_view, 1);

    auto* buttons = new QHBoxLayout();
    m_approve = new QPushButton(tr("&Approve..."), this);
    m_approve->setObjectName(QStringLiteral("merchantApproveButton"));
    m_withdraw = new QPushButton(tr("&Withdraw..."), this);
    m_withdraw->setObjectName(QStringLiteral("merchantWithdrawButton"));
    m_refuse = new QPushButton(tr("&Refuse..."), this);
    m_refuse->setObjectName(QStringLiteral("merchantRefuseButton"));
    connect(m_approve, &QPushButton::clicked, this,
            [this] { decide(MerchantDecisionDialog::Kind::Approve); });
    connect(m_withdraw, &QPushButton::clicked, this,
            [this] { decide(MerchantDecisionDialog::Kind::Withdraw); });
    connect(m_refuse, &QPushButton::clicked, this, [this] { decide(MerchantDecisionDialog::Kind::Refuse); });
    buttons->addWidget(m_approve);
    buttons->addWidget(m_withdraw);
    buttons->addWidget(m_refuse);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    updateButtons();
}

void MerchantsPanel::load(const store::Database* db, const std::optional<Session>& session)
{
    clear();
    if (!db || !session)
        return;
    m_db = db;
    m_session = session;
    const bool mayDecide = AccessPolicy::allows(session->role(), DataKind::Ledger, Action::Write);
    for (QPushButton* b : {m_approve, m_withdraw, m_refuse})
        b->setVisible(mayDecide);
    refresh();
}

void MerchantsPanel::clear()
{
    m_db = nullptr;
    m_session.reset();
    m_model->removeRows(0, m_model->rowCount());
    m_message->hide();
    updateButtons();
}

void MerchantsPanel::refresh()
{
    if (!m_db || !m_session)
        return;
    const QString selected = selectedMerchantId();
    m_model->removeRows(0, m_model->rowCount());
    m_message->hide();
    try {
        const auto list = MerchantService(*m_db, *m_session).list(m_undecidedOnly->isChecked());
        for (const store::MerchantStatus& s : list) {
            QString decision;
            switch (s.state) {
            case store::MerchantState::Undecided:
                decision = tr("Undecided");
                break;
            case store::MerchantState::Approved:
                decision = tr("Approved");
                break;
            case store::MerchantState::Withdrawn:
                decision = tr("Withdrawn");
                break;
            case store::MerchantState::Refused:
                decision = tr("Refused");
                break;
            }
            QList<QStandardItem*> row{
                new QStandardItem(s.merchant.name),
                new QStandardItem(categoryName(s.merchant.category)),
                new QStandardItem(s.merchant.operatorSustainable ? tr("Sustainable") : tr("Not sustainable")),
                new QStandardItem(decision),
                new QStandardItem(shortDate(s.approvedFrom)),
                new QStandardItem(shortDate(s.withdrawnOn))};
            row[0]->setData(s.merchant.id, Qt::UserRole);
            row[0]->setToolTip(s.merchant.id);
            row[3]->setData(store::merchantStateCode(s.state), Qt::UserRole);
            m_model->appendRow(row);
        }
    } catch (const Error& e) {
        m_message->setText(e.message());
        m_message->show();
    }
    if (!selected.isEmpty())
        selectMerchant(selected);
    updateButtons();
}

QString MerchantsPanel::selectedMerchantId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->item(rows.first().row(), 0)->data(Qt::UserRole).toString();
}

bool MerchantsPanel::selectMerchant(const QString& merchantId)
{
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (m_model->item(r, 0)->data(Qt::UserRole).toString() == merchantId) {
            m_view->selectRow(r);
            return true;
        }
    return false;
}

void MerchantsPanel::updateButtons()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const QString state =
        rows.isEmpty() ? QString() : m_model->item(rows.first().row(), 3)->data(Qt::UserRole).toString();
    const bool approved = state == QLatin1String("approved");
    m_approve->setEnabled(!rows.isEmpty() && !approved);
    m_withdraw->setEnabled(approved);
    m_refuse->setEnabled(!rows.isEmpty() && !approved && state != QLatin1String("refused"));
}

void MerchantsPanel::decide(MerchantDecisionDialog::Kind kind)
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (!m_db || !m_session || rows.isEmpty())
        return;
    const QStandardItem* item = m_model->item(rows.first().row(), 0);
    MerchantDecisionDialog dialog(*m_db, *m_session, kind, item->data(Qt::UserRole).toString(), item->text(),
                                  this);
    if (dialog.exec() == QDialog::Accepted) {
        refresh();
        emit changed();
    }
}

} // namespace cabas::ui
