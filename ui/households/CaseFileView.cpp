#include "households/CaseFileView.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Money.h"
#include "health/HealthBadgesWidget.h"
#include "households/ContributionsPanel.h"
#include "households/IncomePanel.h"
#include "households/MemberDialog.h"
#include "ledger/HouseholdSpendingWidget.h"
#include "security/Access.h"
#include "services/HouseholdService.h"
#include "store/UserRepository.h"
#include "workshops/WorkshopHistoryWidget.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPalette>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

namespace cabas::ui {

namespace {
QString shortDate(const QDate& d)
{
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : QString();
}

QTableWidget* makeTable(const QString& name, const QStringList& headers, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setTabKeyNavigation(false); // Tab leaves the table; the arrows move in it
    return t;
}

void setRow(QTableWidget* t, int row, const QStringList& cells)
{
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells.at(c)));
}

// One field edit, undoable.
class FieldEdit : public QUndoCommand
{
  public:
    FieldEdit(std::function<void(const QString&)> apply, QString before, QString after, const QString& label)
        : m_apply(std::move(apply)), m_before(std::move(before)), m_after(std::move(after))
    {
        setText(label);
    }
    void undo() override { m_apply(m_before); }
    void redo() override { m_apply(m_after); }

  private:
    std::function<void(const QString&)> m_apply;
    QString m_before, m_after;
};

// One member edit (an arrival, a departure, corrected dates), undoable: the member's values before and after.
class MemberChange : public QUndoCommand
{
  public:
    MemberChange(CaseFileView* view, qint64 key, std::optional<Person> before, QString beforeReason,
                 std::optional<Person> after, QString afterReason, const QString& label)
        : m_view(view), m_key(key), m_before(std::move(before)), m_after(std::move(after)),
          m_beforeReason(std::move(beforeReason)), m_afterReason(std::move(afterReason))
    {
        setText(label);
    }
    void undo() override { m_view->setMemberValues(m_key, m_before, m_beforeReason); }
    void redo() override { m_view->setMemberValues(m_key, m_after, m_afterReason); }

  private:
    CaseFileView* m_view;
    qint64 m_key;
    std::optional<Person> m_before, m_after;
    QString m_beforeReason, m_afterReason;
};

qint64 keyOf(const MemberEdit& e)
{
    return e.isNew() ? e.mine.id : e.base.id;
}
} // namespace

CaseFileView::CaseFileView(const store::Database& db, const Session& session, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("caseFileView"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowFlag(Qt::Window);
    resize(900, 640);
    m_undo = new QUndoStack(this);
    m_undo->setObjectName(QStringLiteral("undoStack"));

    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout();
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("caseFileTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_title->setFont(big);
    header->addWidget(m_title);
    header->addStretch(1);
    m_allowance = new QLabel(this);
    m_allowance->setObjectName(QStringLiteral("allowanceLabel"));
    header->addWidget(m_allowance);
    layout->addLayout(header);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("caseFileMessage"));
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("caseFileTabs"));
    m_tabs->addTab(buildHouseholdTab(), tr("Household"));
    m_tabs->addTab(buildMembersTab(), tr("Members"));
    m_tabs->addTab(buildStatusTab(), tr("Status"));
    m_tabs->addTab(buildCardsTab(), tr("Cards"));
    m_consents = makeTable(QStringLiteral("consentsTable"),
                           {tr("Person"), tr("Purpose"), tr("Given"), tr("From")}, this);
    m_tabs->addTab(m_consents, tr("Consents"));
    m_tabs->addTab(buildNotesTab(), tr("Notes"));
    m_tabs->addTab(buildFollowUpTab(), tr("Follow-up"));
    layout->addWidget(m_tabs, 1);

    // Undo, Redo and Save act on the whole case file: the household's fields, its referent and its members.
    auto* row = new QHBoxLayout();
    auto* undo = new QPushButton(tr("Undo"), this);
    undo->setObjectName(QStringLiteral("undoButton"));
    undo->setShortcut(QKeySequence::Undo);
    auto* redo = new QPushButton(tr("Redo"), this);
    redo->setObjectName(QStringLiteral("redoButton"));
    redo->setShortcut(QKeySequence::Redo);
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::undoTextChanged, undo, [undo](const QString& text) {
        undo->setToolTip(text.isEmpty() ? QString() : tr("Undo: %1").arg(text));
    });
    connect(m_undo, &QUndoStack::redoTextChanged, redo, [redo](const QString& text) {
        redo->setToolTip(text.isEmpty() ? QString() : tr("Redo: %1").arg(text));
    });
    connect(undo, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(redo, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    m_save = new QPushButton(tr("Save"), this);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_save->setShortcut(QKeySequence::Save);
    connect(m_save, &QPushButton::clicked, this, &CaseFileView::save);
    row->addWidget(undo);
    row->addWidget(redo);
    row->addStretch(1);
    row->addWidget(m_save);
    layout->addLayout(row);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_consents->setAccessibleName(tr("Consents"));
    a11y::connectLabels(this);
}

QWidget* CaseFileView::buildHouseholdTab()
{
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_address = new QLineEdit(page);
    m_address->setObjectName(QStringLiteral("addressEdit"));
    m_commune = new QLineEdit(page);
    m_commune->setObjectName(QStringLiteral("communeEdit"));
    m_postcode = new QLineEdit(page);
    m_postcode->setObjectName(QStringLiteral("postcodeEdit"));
    m_notes = new QPlainTextEdit(page);
    m_notes->setObjectName(QStringLiteral("householdNotesEdit"));
    m_notes->setMaximumHeight(90);
    form->addRow(tr("Address"), m_address);
    form->addRow(tr("Commune"), m_commune);
    form->addRow(tr("Postcode"), m_postcode);
    form->addRow(tr("Notes"), m_notes);
    m_referent = new QComboBox(page);
    m_referent->setObjectName(QStringLiteral("referentCombo"));
    m_referent->setAccessibleName(tr("Referent"));
    m_referent->setToolTip(tr("The social worker who follows the household"));
    form->addRow(tr("Referent"), m_referent);
    connect(m_referent, &QComboBox::activated, this, [this] {
        const QString value = QString::number(m_referent->currentData().toLongLong());
        if (!m_filling && value != m_referent->property("committed").toString())
            edit(QStringLiteral("referent"), value);
    });

    for (auto [edit, field] :
         {std::pair{m_address, QStringLiteral("address")}, std::pair{m_commune, QStringLiteral("commune")},
          std::pair{m_postcode, QStringLiteral("postcode")}})
        connect(edit, &QLineEdit::editingFinished, this, [this, e = edit, f = field] {
            if (!m_filling && e->text() != e->property("committed").toString())
                this->edit(f, e->text());
        });

    return page;
}

QWidget* CaseFileView::buildMembersTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_members = makeTable(QStringLiteral("caseMembersTable"),
                          {tr("Code"), tr("First name"), tr("Last name"), tr("Born on"), tr("Role"),
                           tr("Arrived on"), tr("Left on"), tr("Reason for leaving")},
                          page);
    m_members->setAccessibleName(tr("Members"));
    layout->addWidget(m_members, 1);
    auto* row = new QHBoxLayout();
    auto* arrival = new QPushButton(tr("A member arrives…"), page);
    arrival->setObjectName(QStringLiteral("memberArrivalButton"));
    arrival->setAccessibleName(tr("A member arrives"));
    auto* departure = new QPushButton(tr("Record a departure…"), page);
    departure->setObjectName(QStringLiteral("memberDepartureButton"));
    departure->setAccessibleName(tr("Record the selected member's departure"));
    auto* correct = new QPushButton(tr("Correct the dates…"), page);
    correct->setObjectName(QStringLiteral("memberCorrectButton"));
    correct->setAccessibleName(tr("Correct the selected member's dates"));
    row->addWidget(arrival);
    row->addWidget(departure);
    row->addWidget(correct);
    row->addStretch(1);
    layout->addLayout(row);
    auto selected = [this] {
        const int r = m_members->currentRow();
        return r >= 0 && m_members->item(r, 0) ? m_members->item(r, 0)->data(Qt::UserRole).toLongLong() : 0;
    };
    connect(arrival, &QPushButton::clicked, this, [this] { openMemberDialogFor(MemberAction::Arrival, 0); });
    connect(departure, &QPushButton::clicked, this,
            [this, selected] { openMemberDialogFor(MemberAction::Departure, selected()); });
    connect(correct, &QPushButton::clicked, this,
            [this, selected] { openMemberDialogFor(MemberAction::Correction, selected()); });
    connect(m_members, &QTableWidget::cellDoubleClicked, this, [this, selected] {
        if (AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write))
            openMemberDialogFor(MemberAction::Correction, selected());
    });
    const bool writes = AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write);
    for (QPushButton* b : {arrival, departure, correct})
        b->setVisible(writes);
    return page;
}

QWidget* CaseFileView::buildStatusTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_history = makeTable(QStringLiteral("statusHistoryTable"),
                          {tr("Status"), tr("From"), tr("Reason"), tr("Recorded by")}, page);
    layout->addWidget(m_history, 1);
    auto* change = new QHBoxLayout();
    m_newStatus = new QComboBox(page);
    m_newStatus->setObjectName(QStringLiteral("newStatusCombo"));
    for (HouseholdStatus s : {HouseholdStatus::Enrolled, HouseholdStatus::Suspended, HouseholdStatus::Exited,
                              HouseholdStatus::Candidate})
        m_newStatus->addItem(displayName(s), static_cast<int>(s));
    m_statusDate = new QDateEdit(Clock::instance().today(), page);
    m_statusDate->setObjectName(QStringLiteral("statusDateEdit"));
    m_statusDate->setCalendarPopup(true);
    m_statusDate->setAccessibleName(tr("New status from"));
    m_newStatus->setAccessibleName(tr("New status"));
    m_history->setAccessibleName(tr("Status history"));
    m_statusReason = new QLineEdit(page);
    m_statusReason->setObjectName(QStringLiteral("statusReasonEdit"));
    m_statusReason->setPlaceholderText(tr("Reason (required for an exit)"));
    m_statusReason->setAccessibleName(tr("Reason of the status change"));
    auto* apply = new QPushButton(tr("Change the status"), page);
    apply->setObjectName(QStringLiteral("changeStatusButton"));
    change->addWidget(m_newStatus);
    change->addWidget(m_statusDate);
    change->addWidget(m_statusReason, 1);
    change->addWidget(apply);
    layout->addLayout(change);
    connect(apply, &QPushButton::clicked, this, [this] {
        try {
            HouseholdService(m_db, m_session)
                .changeStatus(m_base, static_cast<HouseholdStatus>(m_newStatus->currentData().toInt()),
                              m_statusDate->date(), m_statusReason->text());
            m_statusReason->clear();
            m_undo->clear();
            fill();
            showMessage(tr("Status changed."), false);
            emit saved();
        } catch (const Error& e) {
            showMessage(e.message(), true);
        }
    });
    return page;
}

QWidget* CaseFileView::buildCardsTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_cards = makeTable(QStringLiteral("cardsTable"),
                        {tr("Card"), tr("Status"), tr("Issued on"), tr("Replaces"), tr("History")}, page);
    layout->addWidget(m_cards, 1);
    auto* row = new QHBoxLayout();
    row->addWidget(new QLabel(tr("Replace the current card, which is"), page));
    m_oldCardStatus = new QComboBox(page);
    m_oldCardStatus->setObjectName(QStringLiteral("oldCardStatusCombo"));
    for (CardStatus s : {CardStatus::Lost, CardStatus::Blocked})
        m_oldCardStatus->addItem(displayName(s), static_cast<int>(s));
    row->addWidget(m_oldCardStatus);
    m_newCard = new QLineEdit(page);
    m_newCard->setObjectName(QStringLiteral("newCardEdit"));
    m_newCard->setPlaceholderText(tr("New card id"));
    m_newCard->setAccessibleName(tr("New card id"));
    m_oldCardStatus->setAccessibleName(tr("Replace the current card, which is"));
    m_cards->setAccessibleName(tr("Cards"));
    row->addWidget(m_newCard, 1);
    auto* reissue = new QPushButton(tr("Re-issue"), page);
    reissue->setObjectName(QStringLiteral("reissueButton"));
    row->addWidget(reissue);
    layout->addLayout(row);
    connect(reissue, &QPushButton::clicked, this, [this] {
        // The card replaced is the latest active one, else the latest.
        QString current;
        for (int r = 0; r < m_cards->rowCount(); ++r)
            if (m_cards->item(r, 1)->data(Qt::UserRole).toInt() == static_cast<int>(CardStatus::Active) ||
                current.isEmpty())
                current = m_cards->item(r, 0)->text();
        if (current.isEmpty()) {
            showMessage(tr("This household has no card to replace."), true);
            return;
        }
        try {
            HouseholdService(m_db, m_session)
                .reissueCard(current, m_newCard->text(),
                             static_cast<CardStatus>(m_oldCardStatus->currentData().toInt()),
                             Clock::instance().today(), QString());
            m_newCard->clear();
            fill();
            showMessage(tr("Card %1 replaced.").arg(current), false);
        } catch (const Error& e) {
            showMessage(e.message(), true);
        }
    });
    return page;
}

QWidget* CaseFileView::buildNotesTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_journal = makeTable(QStringLiteral("journalTable"), {tr("Written"), tr("By"), tr("Note")}, page);
    m_journal->setWordWrap(true);
    layout->addWidget(m_journal, 1);
    m_newNote = new QPlainTextEdit(page);
    m_newNote->setObjectName(QStringLiteral("newNoteEdit"));
    m_newNote->setMaximumHeight(80);
    m_newNote->setTabChangesFocus(true); // Tab goes on to "Add the note"
    m_newNote->setAccessibleName(tr("New note"));
    m_journal->setAccessibleName(tr("Notes journal"));
    layout->addWidget(m_newNote);
    auto* add = new QPushButton(tr("Add the note"), page);
    add->setObjectName(QStringLiteral("addNoteButton"));
    layout->addWidget(add, 0, Qt::AlignRight);
    connect(add, &QPushButton::clicked, this, [this] {
        try {
            HouseholdService(m_db, m_session).addNote(m_base.code, m_newNote->toPlainText());
            m_newNote->clear();
            fill();
        } catch (const Error& e) {
            showMessage(e.message(), true);
        }
    });
    return page;
}

QWidget* CaseFileView::buildFollowUpTab()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto area = [&](const QString& name, const QString& title, const QString& text) {
        auto* box = new QGroupBox(title, page);
        box->setObjectName(name);
        auto* l = new QVBoxLayout(box);
        auto* label = new QLabel(text, box);
        label->setWordWrap(true);
        label->setEnabled(false);
        l->addWidget(label);
        layout->addWidget(box);
        return box;
    };
    m_spendingArea = area(QStringLiteral("spendingArea"), tr("Spending"), QString());
    m_healthArea = area(QStringLiteral("healthArea"), tr("Health follow-up"), QString());
    m_workshopsArea = area(QStringLiteral("workshopsArea"), tr("Workshops"), QString());
    layout->addStretch(1);
    return page;
}

void CaseFileView::embedFollowUp()
{
    if (m_followUpFor == m_base.id)
        return;
    m_followUpFor = m_base.id;
    const Role role = m_session.role();
    // Replaces what an area shows by `make()`, or by `refused` when the role may not read that data.
    auto fillArea = [&](QWidget* box, bool allowed, const QString& refused, const auto& make) {
        QLayout* l = box->layout();
        while (QLayoutItem* item = l->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        QWidget* content = nullptr;
        QString message = refused;
        if (allowed) {
            try {
                content = make(box);
            } catch (const Error& e) {
                message = e.message();
            }
        }
        if (!content) {
            auto* label = new QLabel(message, box);
            label->setWordWrap(true);
            label->setEnabled(false);
            content = label;
        }
        l->addWidget(content);
    };
    fillArea(
        m_spendingArea, AccessPolicy::allows(role, DataKind::Ledger, Action::Read),
        tr("Card spending is shown to social workers, nurses and administrators; coordinators see it in "
           "the cohort figures."),
        [&](QWidget* parent) { return new HouseholdSpendingWidget(m_db, m_session, m_base.id, parent); });
    fillArea(m_healthArea, AccessPolicy::allows(role, DataKind::Health, Action::Read), QString(),
             [&](QWidget* parent) { return new HealthBadgesWidget(m_db, m_session, m_base.id, parent); });
    fillArea(m_workshopsArea, AccessPolicy::allows(role, DataKind::Workshops, Action::Read),
             tr("Workshops are shown to the programme's staff."),
             [&](QWidget* parent) { return new WorkshopHistoryWidget(m_db, m_session, m_base.id, parent); });
    // Built after the buttons under the tabs: in the Tab chain, right after the tab bar.
    if (auto* tabBar = m_tabs->findChild<QTabBar*>())
        a11y::placeInTabChain(m_spendingArea->parentWidget(), tabBar);
}

bool CaseFileView::load(const QString& householdCode)
{
    try {
        const auto h = HouseholdService(m_db, m_session).find(householdCode);
        if (!h) {
            m_loadError = tr("There is no household %1.").arg(householdCode);
            return false;
        }
        m_base = *h;
        fill();
    } catch (const Error& e) {
        m_loadError = e.message();
        return false;
    }
    return true;
}

void CaseFileView::fill()
{
    const HouseholdService service(m_db, m_session);
    if (const auto fresh = service.find(m_base.code))
        m_base = *fresh;
    const bool writes = AccessPolicy::allows(m_session.role(), DataKind::Households, Action::Write);
    setWindowTitle(tr("Case file %1").arg(m_base.code));
    m_title->setText(tr("Household %1 — %2").arg(m_base.code, displayName(m_base.status)));
    fillReferents();
    fillFields();
    embedFollowUp();
    // Programmes with member contributions only.
    ContributionsPanel::showIn(m_tabs, m_db, m_session, m_base.code);
    IncomePanel::showIn(m_tabs, m_db, m_session, m_base.code); // income-band programmes only
    for (QWidget* w : std::initializer_list<QWidget*>{m_address, m_commune, m_postcode, m_notes, m_referent})
        w->setEnabled(writes);
    m_save->setVisible(writes);

    m_adultAge = service.adultAge();
    m_storedMembers = service.members(m_base.id);
    fillMembers();
    m_consents->setRowCount(0);
    for (const Person& p : m_storedMembers) {
        for (const Consent& c : service.consents(p.id)) {
            const int row = m_consents->rowCount();
            m_consents->insertRow(row);
            setRow(m_consents, row,
                   {p.code + (p.firstName.isEmpty() ? QString() : QStringLiteral(" ") + p.fullName()),
                    displayName(c.purpose), c.given ? tr("given") : tr("withdrawn"),
                    shortDate(c.effectiveOn)});
        }
    }

    const auto history = service.statusHistory(m_base);
    m_history->setRowCount(int(history.size()));
    for (int r = 0; r < int(history.size()); ++r) {
        const HouseholdStatusEvent& e = history[size_t(r)];
        setRow(m_history, r, {displayName(e.status), shortDate(e.effectiveOn), e.reason, e.recordedByName});
    }

    const auto cards = service.cards(m_base.id);
    QHash<qint64, QString> tokens;
    for (const Card& c : cards)
        tokens.insert(c.id, c.token);
    m_cards->setRowCount(int(cards.size()));
    for (int r = 0; r < int(cards.size()); ++r) {
        const Card& c = cards[size_t(r)];
        QStringList steps;
        for (const CardEvent& e : service.cardHistory(c))
            steps << (e.effectiveOn.isValid() ? shortDate(e.effectiveOn) + QStringLiteral(" ") : QString()) +
                         displayName(e.status) +
                         (e.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(e.reason));
        setRow(m_cards, r,
               {c.token, displayName(c.status), shortDate(c.issuedOn), tokens.value(c.replacesCardId),
                steps.join(QStringLiteral(" → "))});
        m_cards->item(r, 1)->setData(Qt::UserRole, static_cast<int>(c.status));
    }

    const auto notes = service.notes(m_base.id);
    m_journal->setRowCount(int(notes.size()));
    for (int r = 0; r < int(notes.size()); ++r) {
        const HouseholdNote& n = notes[size_t(r)];
        setRow(m_journal, r,
               {QLocale().toString(n.writtenAt.toTimeZone(Clock::programmeZone()), QLocale::ShortFormat),
                n.authorName, n.body});
    }
    m_healthArea->setVisible(AccessPolicy::allows(m_session.role(), DataKind::Health, Action::Read));
}

void CaseFileView::fillFields()
{
    m_filling = true;
    for (auto [edit, value] : {std::pair{m_address, m_base.address}, std::pair{m_commune, m_base.commune},
                               std::pair{m_postcode, m_base.postcode}}) {
        edit->setText(value);
        edit->setProperty("committed", value);
    }
    m_notes->setPlainText(m_base.notes);
    m_referent->setCurrentIndex(std::max(0, m_referent->findData(m_base.referentUserId)));
    m_referent->setProperty("committed", QString::number(m_base.referentUserId));
    m_filling = false;
}

void CaseFileView::fillReferents()
{
    m_filling = true;
    m_referent->clear();
    m_referent->addItem(tr("No referent yet"), qint64(0));
    try {
        for (const User& u : HouseholdService(m_db, m_session).referentCandidates())
            m_referent->addItem(u.displayName, u.id);
    } catch (const Error&) {
        // A role that may not read the list keeps the referent it sees.
    }
    if (m_base.referentUserId != 0 && m_referent->findData(m_base.referentUserId) < 0) {
        // A referent who is no longer an active social worker stays shown until someone else is chosen.
        const auto user = store::UserRepository(m_db).findById(m_base.referentUserId);
        m_referent->addItem(user ? user->displayName : tr("User %1").arg(m_base.referentUserId),
                            m_base.referentUserId);
    }
    m_filling = false;
}

std::vector<Person> CaseFileView::editedMembers() const
{
    std::vector<Person> result;
    for (const Person& stored : m_storedMembers) {
        Person p = stored;
        for (const MemberEdit& e : m_memberEdits)
            if (!e.isNew() && e.base.id == stored.id)
                p = e.mine;
        result.push_back(p);
    }
    for (const MemberEdit& e : m_memberEdits)
        if (e.isNew())
            result.push_back(e.mine);
    return result;
}

// The reason of a member's departure: the saved one, or the one of a departure recorded but not saved yet.
QString CaseFileView::reasonOf(const Person& p) const
{
    for (const MemberEdit& e : m_memberEdits)
        if (keyOf(e) == p.id && e.recordsDeparture())
            return e.departureReason.trimmed();
    return p.departureReason;
}

void CaseFileView::fillMembers()
{
    const QDate today = Clock::instance().today();
    const std::vector<Person> members = editedMembers();
    QString pending;
    try {
        const AllowanceBreakdown a = HouseholdService(m_db, m_session).allowance(members, today, m_base.id);
        const QString monthName = QLocale().toString(today, QStringLiteral("MMMM yyyy"));
        if (a.needsAssessment)
            m_allowance->setText(
                tr("Allowance for %1: no income assessment in force, so no amount (see the Income tab)")
                    .arg(monthName));
        else
            m_allowance->setText(
                tr("Allowance for %1: %2 (%3 adult(s), %4 child(ren))")
                    .arg(monthName, formatCents(a.totalCents))
                    .arg(a.adults)
                    .arg(a.children) +
                (m_memberEdits.empty() ? QString() : QStringLiteral(" ") + tr("with the unsaved changes")));
    } catch (const Error& e) {
        m_allowance->setText(e.message());
    }
    QSet<qint64> changed;
    for (const MemberEdit& e : m_memberEdits)
        changed.insert(keyOf(e));
    const int current = m_members->currentRow();
    m_members->setRowCount(int(members.size()));
    for (int r = 0; r < int(members.size()); ++r) {
        const Person& p = members[size_t(r)];
        setRow(m_members, r,
               {p.code.isEmpty() ? tr("(new)") : p.code, p.firstName, p.lastName, shortDate(p.birthDate),
                displayName(p.isAdultOn(today, m_adultAge) ? PersonRole::Adult : p.role),
                shortDate(p.arrivedOn), shortDate(p.leftOn), p.leftOn.isValid() ? reasonOf(p) : QString()});
        m_members->item(r, 0)->setData(Qt::UserRole, p.id);
        const bool unsaved = changed.contains(p.id);
        const bool gone = !p.isMemberOn(today);
        for (int c = 0; c < m_members->columnCount(); ++c) {
            QTableWidgetItem* item = m_members->item(r, c);
            QFont font = item->font();
            font.setItalic(unsaved);
            item->setFont(font);
            if (unsaved)
                item->setToolTip(tr("Not saved yet"));
            else if (gone && p.leftOn.isValid())
                item->setToolTip(
                    p.departureReason.isEmpty()
                        ? tr("Left the household on %1").arg(shortDate(p.leftOn))
                        : tr("Left the household on %1: %2").arg(shortDate(p.leftOn), p.departureReason));
            if (gone)
                item->setForeground(m_members->palette().brush(QPalette::Disabled, QPalette::Text));
        }
    }
    m_members->resizeColumnsToContents();
    if (current >= 0 && current < m_members->rowCount())
        m_members->selectRow(current);
}

bool CaseFileView::openMemberDialog(MemberAction action, const QString& code)
{
    if (action == MemberAction::Arrival)
        return openMemberDialogFor(action, 0);
    for (const Person& p : editedMembers())
        if (p.code == code && !code.isEmpty())
            return openMemberDialogFor(action, p.id);
    showMessage(tr("There is no member %1 in this household.").arg(code), true);
    return false;
}

bool CaseFileView::openMemberDialogFor(MemberAction action, qint64 key)
{
    MemberEdit start;
    if (action == MemberAction::Arrival) {
        // Most arrivals share the household's name.
        if (!m_storedMembers.empty())
            start.mine.lastName = m_storedMembers.front().lastName;
        start.mine.arrivedOn = Clock::instance().today();
        start.mine.role = PersonRole::Child;
    } else {
        if (key == 0) {
            showMessage(tr("Select a member in the list first."), true);
            return false;
        }
        bool found = false;
        for (const Person& p : editedMembers())
            if (p.id == key) {
                start.mine = p;
                found = true;
            }
        if (!found)
            return false;
        for (const Person& stored : m_storedMembers)
            if (stored.id == key)
                start.base = stored;
        for (const MemberEdit& e : m_memberEdits)
            if (keyOf(e) == key)
                start.departureReason = e.departureReason;
        if (action == MemberAction::Departure && start.mine.leftOn.isValid()) {
            showMessage(tr("%1 has already left the household: correct the dates instead.")
                            .arg(start.mine.fullName().trimmed()),
                        true);
            return false;
        }
        if (action == MemberAction::Departure && start.isNew()) {
            showMessage(
                tr("%1 is not saved yet: undo the arrival instead.").arg(start.mine.fullName().trimmed()),
                true);
            return false;
        }
    }
    if (m_memberDialog)
        m_memberDialog->close();
    const auto mode = action == MemberAction::Arrival     ? MemberDialog::Mode::Arrival
                      : action == MemberAction::Departure ? MemberDialog::Mode::Departure
                                                          : MemberDialog::Mode::Correction;
    auto* dialog = new MemberDialog(m_db, m_session, mode, start, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_memberDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applyMemberEdit(dialog->edit()); });
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        if (m_memberDialog == dialog)
            m_memberDialog = nullptr;
    });
    dialog->open();
    return true;
}

QDialog* CaseFileView::memberDialog() const
{
    return m_memberDialog;
}

void CaseFileView::applyMemberEdit(const MemberEdit& edit)
{
    MemberEdit e = edit;
    qint64 key = keyOf(e);
    if (e.isNew() && key >= 0) {
        key = m_nextNewKey--;
        e.mine.id = key;
    }
    std::optional<Person> before;
    QString beforeReason;
    for (const Person& p : editedMembers())
        if (p.id == key)
            before = p;
    for (const MemberEdit& pending : m_memberEdits)
        if (keyOf(pending) == key)
            beforeReason = pending.departureReason;
    const QString who = e.mine.fullName().trimmed();
    const QString label = e.isNew() && !before   ? tr("Arrival of %1").arg(who)
                          : e.recordsDeparture() ? tr("Departure of %1").arg(who)
                                                 : tr("Dates of %1").arg(who);
    m_undo->push(new MemberChange(this, key, before, beforeReason, e.mine, e.departureReason, label));
}

void CaseFileView::setMemberValues(qint64 key, const std::optional<Person>& values, const QString& reason)
{
    m_memberEdits.erase(std::remove_if(m_memberEdits.begin(), m_memberEdits.end(),
                                       [key](const MemberEdit& e) { return keyOf(e) == key; }),
                        m_memberEdits.end());
    if (values) {
        MemberEdit e;
        if (key < 0) {
            e.mine = *values;
            e.mine.id = key;
            e.mine.householdId = m_base.id;
        } else {
            for (const Person& stored : m_storedMembers)
                if (stored.id == key)
                    e.base = stored;
            if (e.base.id != 0) {
                // The member as saved now, with the edited dates: undoing after a save corrects it back.
                e.mine = e.base;
                e.mine.birthDate = values->birthDate;
                e.mine.arrivedOn = values->arrivedOn;
                e.mine.leftOn = values->leftOn;
            }
        }
        e.departureReason = e.recordsDeparture() ? reason : QString();
        if (e.base.id != 0 || key < 0) {
            if (key < 0 || !(e.mine == e.base))
                m_memberEdits.push_back(e);
        }
    }
    fillMembers();
}

void CaseFileView::edit(const QString& field, const QString& value)
{
    if (field == QLatin1String("referent")) {
        const QString before = m_referent->property("committed").toString();
        m_undo->push(new FieldEdit(
            [this](const QString& v) {
                m_filling = true;
                int index = m_referent->findData(v.toLongLong());
                if (index < 0) {
                    m_referent->addItem(tr("User %1").arg(v), v.toLongLong());
                    index = m_referent->count() - 1;
                }
                m_referent->setCurrentIndex(index);
                m_referent->setProperty("committed", v);
                m_filling = false;
            },
            before, value, HouseholdConflict::fieldLabel(field)));
        return;
    }
    QLineEdit* target = field == QLatin1String("address")    ? m_address
                        : field == QLatin1String("commune")  ? m_commune
                        : field == QLatin1String("postcode") ? m_postcode
                                                             : nullptr;
    if (field == QLatin1String("notes")) {
        const QString before = m_notes->property("committed").isValid()
                                   ? m_notes->property("committed").toString()
                                   : m_base.notes;
        m_undo->push(new FieldEdit(
            [this](const QString& v) {
                m_filling = true;
                m_notes->setPlainText(v);
                m_notes->setProperty("committed", v);
                m_filling = false;
            },
            before, value, HouseholdConflict::fieldLabel(field)));
        return;
    }
    if (!target)
        return;
    const QString before = target->property("committed").toString();
    m_undo->push(new FieldEdit(
        [this, target](const QString& v) {
            m_filling = true;
            target->setText(v);
            target->setProperty("committed", v);
            m_filling = false;
        },
        before, value, HouseholdConflict::fieldLabel(field)));
}

Household CaseFileView::edited() const
{
    Household h = m_base;
    h.address = m_address->text().trimmed();
    h.commune = m_commune->text().trimmed();
    h.postcode = m_postcode->text().trimmed();
    h.notes = m_notes->toPlainText();
    h.referentUserId = m_referent->currentData().toLongLong();
    return h;
}

void CaseFileView::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    theme::setTone(m_message, error ? theme::Tone::Error : theme::Tone::Success);
    m_message->show();
}

bool CaseFileView::save()
{
    Household mine = edited();
    std::vector<MemberEdit> members = m_memberEdits;
    const bool arrivals =
        std::any_of(members.begin(), members.end(), [](const MemberEdit& e) { return e.isNew(); });
    try {
        const auto conflict = HouseholdService(m_db, m_session).save(mine, m_base, members);
        if (conflict) {
            resolveConflict(*conflict);
            return false;
        }
    } catch (const Error& e) {
        showMessage(e.message(), true);
        return false;
    }
    m_base = mine;
    m_memberEdits.clear();
    // A saved member is never removed (nothing is deleted): after arrivals, the history starts again.
    if (arrivals)
        m_undo->clear();
    else
        m_undo->setClean();
    fill();
    showMessage(tr("Saved."), false);
    emit saved();
    return true;
}

void CaseFileView::resolveConflict(const HouseholdConflict& conflict)
{
    auto* dialog = new QDialog(this);
    m_conflictDialog = dialog;
    dialog->setObjectName(QStringLiteral("conflictDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Someone else saved this household"));
    auto* layout = new QVBoxLayout(dialog);
    auto* text =
        new QLabel(tr("Household %1 was saved by someone else since you opened it. For each field both "
                      "of you changed, tick the value to keep; the fields only one of you changed keep "
                      "that change.")
                       .arg(conflict.theirs.code),
                   dialog);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* table =
        makeTable(QStringLiteral("conflictTable"),
                  {tr("Field"), tr("Their value (saved)"), tr("Your value"), tr("Keep yours")}, dialog);
    table->setRowCount(int(conflict.differences.size()));
    for (int r = 0; r < int(conflict.differences.size()); ++r) {
        const FieldDifference& d = conflict.differences[size_t(r)];
        if (d.field == QLatin1String("referent")) {
            // Names rather than user ids.
            auto name = [this](const QString& id) {
                const int index = m_referent->findData(id.toLongLong());
                return id.isEmpty() ? QString()
                       : index >= 0 ? m_referent->itemText(index)
                                    : tr("User %1").arg(id);
            };
            setRow(table, r, {d.label, name(d.theirs), name(d.mine)});
        } else {
            setRow(table, r, {d.label, d.theirs, d.mine});
        }
        auto* keep = new QTableWidgetItem(d.clash ? QString() : tr("(only one side changed it)"));
        keep->setData(Qt::UserRole, d.field);
        if (d.clash) {
            keep->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            keep->setCheckState(Qt::Unchecked);
        } else {
            keep->setFlags(Qt::ItemIsEnabled);
        }
        table->setItem(r, 3, keep);
    }
    table->resizeColumnsToContents();
    layout->addWidget(table, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Save with these choices"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, table, conflict] {
        QStringList keepMine;
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 3)->checkState() == Qt::Checked)
                keepMine << table->item(r, 3)->data(Qt::UserRole).toString();
        Household resolved = conflict.resolved(keepMine);
        m_base = conflict.theirs;
        m_filling = true;
        m_address->setText(resolved.address);
        m_commune->setText(resolved.commune);
        m_postcode->setText(resolved.postcode);
        m_notes->setPlainText(resolved.notes);
        int referent = m_referent->findData(resolved.referentUserId);
        if (referent < 0) {
            m_referent->addItem(tr("User %1").arg(resolved.referentUserId), resolved.referentUserId);
            referent = m_referent->count() - 1;
        }
        m_referent->setCurrentIndex(referent);
        m_filling = false;
        // The members as saved by them, with this user's edits on top.
        m_storedMembers = HouseholdService(m_db, m_session).members(m_base.id);
        m_memberEdits = conflict.resolvedMembers(keepMine);
        dialog->accept();
        m_conflictDialog = nullptr;
        save();
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        m_conflictDialog = nullptr;
        showMessage(tr("Not saved: your changes are still here; save again to choose."), true);
    });
    showMessage(tr("Someone else saved this household meanwhile: choose what to keep."), true);
    dialog->open();
}

} // namespace cabas::ui
