#include "ledger/LedgerPage.h"
#include "Accessibility.h"

#include "common/Error.h"
#include "common/Money.h"
#include "security/Access.h"
#include "services/LedgerService.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

LedgerPage::LedgerPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("ledgerPage"));
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Card ledger")), this);
    layout->addWidget(title);
    m_syncStatus = new QLabel(this);
    m_syncStatus->setObjectName(QStringLiteral("ledgerSyncStatus"));
    m_syncStatus->setWordWrap(true);
    layout->addWidget(m_syncStatus);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("ledgerSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    layout->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Cards no household claims yet")), this));
    m_unlinked = new QTableWidget(0, 6, this);
    m_unlinked->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_unlinked->setAccessibleName(tr("Movements without a household"));
    m_unlinked->setObjectName(QStringLiteral("unlinkedCardsTable"));
    m_unlinked->setHorizontalHeaderLabels(
        {tr("Card"), tr("Account given"), tr("Entries"), tr("Posted"), tr("First"), tr("Last")});
    m_unlinked->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_unlinked->setSelectionMode(QAbstractItemView::SingleSelection);
    m_unlinked->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_unlinked->horizontalHeader()->setStretchLastSection(true);
    m_unlinked->verticalHeader()->hide();
    layout->addWidget(m_unlinked, 1);

    auto* row = new QHBoxLayout;
    m_household = new QLineEdit(this);
    m_household->setObjectName(QStringLiteral("linkHouseholdCode"));
    m_household->setPlaceholderText(tr("Household code, e.g. MMG-0042"));
    m_household->setAccessibleName(tr("Household code to link the card to"));
    m_link = new QPushButton(tr("&Link to household"), this);
    m_link->setObjectName(QStringLiteral("linkCardButton"));
    row->addWidget(m_household, 1);
    row->addWidget(m_link);
    layout->addLayout(row);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("ledgerMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    connect(m_link, &QPushButton::clicked, this, [this] { linkSelectedCard(); });
    connect(m_household, &QLineEdit::returnPressed, this, [this] { linkSelectedCard(); });
    auto update = [this] {
        m_link->setEnabled(!m_unlinked->selectedItems().isEmpty() &&
                           !m_household->text().trimmed().isEmpty());
    };
    connect(m_unlinked, &QTableWidget::itemSelectionChanged, this, update);
    connect(m_household, &QLineEdit::textChanged, this, update);
    update();
    a11y::connectLabels(this);
}

void LedgerPage::clear()
{
    m_db = nullptr;
    m_session.reset();
    m_unlinked->setRowCount(0);
    m_syncStatus->clear();
    m_summary->clear();
    m_message->clear();
    m_household->clear();
}

void LedgerPage::load(const store::Database* db, const std::optional<Session>& session)
{
    m_db = db;
    m_session = session;
    m_message->clear();
    reload();
}

void LedgerPage::reload()
{
    if (!m_db || !m_session)
        return;
    const LedgerService service(*m_db, *m_session);
    const QLocale locale;
    // The summary and the sync state are figures: coordinators have them too.
    const store::LedgerSyncState sync = service.syncState(store::kEntriesFeed);
    if (sync.lastStatus.isEmpty())
        m_syncStatus->setText(tr("The ledger was never synced from the card operator."));
    else if (sync.lastStatus == QLatin1String("ok"))
        m_syncStatus->setText(tr("Last sync: %1, successful.")
                                  .arg(locale.toString(sync.lastSyncAt.toLocalTime(), QLocale::ShortFormat)));
    else
        m_syncStatus->setText(
            tr("Last sync: %1, failed: %2. Last successful sync: %3.")
                .arg(locale.toString(sync.lastSyncAt.toLocalTime(), QLocale::ShortFormat), sync.lastError,
                     sync.lastSuccessAt.isValid()
                         ? locale.toString(sync.lastSuccessAt.toLocalTime(), QLocale::ShortFormat)
                         : tr("never")));
    const QJsonObject summary = service.summary();
    m_summary->setText(
        tr("%1 entries stored, %2 not linked to a household.")
            .arg(locale.toString(qint64(summary.value(QStringLiteral("entries")).toDouble())),
                 locale.toString(qint64(summary.value(QStringLiteral("unlinked")).toDouble()))));

    const bool readsCards = AccessPolicy::allows(m_session->role(), DataKind::Ledger, Action::Read);
    const bool links = AccessPolicy::allows(m_session->role(), DataKind::Households, Action::Write);
    m_unlinked->setVisible(readsCards);
    m_household->setVisible(links);
    m_link->setVisible(links);
    m_unlinked->setRowCount(0);
    if (!readsCards)
        return;
    const auto cards = service.unlinkedCards();
    m_unlinked->setRowCount(int(cards.size()));
    for (int r = 0; r < int(cards.size()); ++r) {
        const store::UnlinkedCard& c = cards[size_t(r)];
        const QStringList cells = {
            c.card,
            c.account,
            locale.toString(c.entries),
            c.entries ? formatCents(c.sumCents) : QString(),
            c.firstDate.isValid() ? locale.toString(c.firstDate, QLocale::ShortFormat) : QString(),
            c.lastDate.isValid() ? locale.toString(c.lastDate, QLocale::ShortFormat) : QString()};
        for (int col = 0; col < cells.size(); ++col)
            m_unlinked->setItem(r, col, new QTableWidgetItem(cells[col]));
    }
    m_unlinked->resizeColumnsToContents();
}

bool LedgerPage::linkSelectedCard()
{
    if (!m_db || !m_session)
        return false;
    const auto selected = m_unlinked->selectedItems();
    if (selected.isEmpty())
        return false;
    const QString card = m_unlinked->item(selected.first()->row(), 0)->text();
    const QString household = m_household->text().trimmed();
    try {
        LedgerService(*m_db, *m_session).linkCard(card, household);
    } catch (const Error& e) {
        m_message->setText(e.message());
        return false;
    }
    m_household->clear();
    reload();
    m_message->setText(
        tr("Card %1 linked to household %2: its entries now count for that household.").arg(card, household));
    return true;
}

QString LedgerPage::message() const
{
    return m_message->text();
}

} // namespace cabas::ui
