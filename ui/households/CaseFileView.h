#pragma once

#include "domain/CaseFile.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QDialog>
#include <optional>
#include <vector>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QUndoStack;
class QWidget;

namespace cabas::ui {

class MemberDialog;

// The case file of one household, in a window of its own: the household's fields (edited with undo/redo,
// saved with optimistic versioning: when someone else saved meanwhile, a dialog shows their values and this
// user's, field by field, and the user chooses), members with arrivals and departures, status and its
// history, cards and their history (re-issue of a lost or blocked card), consents, the journal of notes, this
// month's allowance, and the areas later sections fill (spendingArea, healthArea, workshopsArea).
class CaseFileView : public QDialog
{
    Q_OBJECT
  public:
    CaseFileView(const store::Database& db, const Session& session, QWidget* parent = nullptr);

    // Reads the household; false when it cannot be read (loadError() says why).
    bool load(const QString& householdCode);
    QString loadError() const { return m_loadError; }
    const Household& household() const { return m_base; }
    QUndoStack* undoStack() const { return m_undo; }

    // Saves the edited fields. True when saved; false when refused (the message is shown) or when it
    // conflicts with someone else's save: then conflictDialog() is open.
    bool save();
    QDialog* conflictDialog() const { return m_conflictDialog; }

    // Sets an edited field as the user would (through the undo stack): address, commune, postcode, notes,
    // referent (the user id as text; "0": no referent).
    void edit(const QString& field, const QString& value);

    // ---- members' arrivals and departures, kept as edits (with undo) until save()
    enum class MemberAction
    {
        Arrival,
        Departure,
        Correction
    };
    // Opens the member dialog as the Members tab's buttons do: an arrival, or the departure or corrected
    // dates of the member with this code. False (and a message) when that member cannot take it.
    bool openMemberDialog(MemberAction action, const QString& code = QString());
    QDialog* memberDialog() const;
    // Applies a member edit as the dialog does, through the undo stack.
    void applyMemberEdit(const MemberEdit& edit);
    // The unsaved member edits, and the members as edited (the saved ones with their edits, then new ones).
    const std::vector<MemberEdit>& memberEdits() const { return m_memberEdits; }
    std::vector<Person> editedMembers() const;
    // Sets a member's edited state (the undo commands' work): `values` are the member's values (nullopt: a
    // new member removed); `key` is the member's id, or a negative number for a new member.
    void setMemberValues(qint64 key, const std::optional<Person>& values, const QString& reason);

  signals:
    void saved();

  private:
    void fill();
    void fillFields();
    Household edited() const;
    void showMessage(const QString& text, bool error);
    void resolveConflict(const HouseholdConflict& conflict);
    QWidget* buildHouseholdTab();
    QWidget* buildMembersTab();
    void fillMembers();
    QString reasonOf(const Person& p) const;
    bool openMemberDialogFor(MemberAction action, qint64 key);
    void fillReferents();
    QWidget* buildStatusTab();
    QWidget* buildCardsTab();
    QWidget* buildNotesTab();
    QWidget* buildFollowUpTab();

    const store::Database& m_db;
    const Session m_session;
    Household m_base;
    QString m_loadError;
    bool m_filling = false;

    QLabel* m_title = nullptr;
    QLabel* m_allowance = nullptr;
    QLabel* m_message = nullptr;
    QTabWidget* m_tabs = nullptr;
    QLineEdit* m_address = nullptr;
    QLineEdit* m_commune = nullptr;
    QLineEdit* m_postcode = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_save = nullptr;
    QUndoStack* m_undo = nullptr;
    QTableWidget* m_members = nullptr;
    QTableWidget* m_history = nullptr;
    QComboBox* m_newStatus = nullptr;
    QDateEdit* m_statusDate = nullptr;
    QLineEdit* m_statusReason = nullptr;
    QTableWidget* m_cards = nullptr;
    QLineEdit* m_newCard = nullptr;
    QComboBox* m_oldCardStatus = nullptr;
    QTableWidget* m_consents = nullptr;
    QTableWidget* m_journal = nullptr;
    QPlainTextEdit* m_newNote = nullptr;
    QDialog* m_conflictDialog = nullptr;
    QWidget* m_healthArea = nullptr;
    QWidget* m_spendingArea = nullptr;
    QWidget* m_workshopsArea = nullptr;
    qint64 m_followUpFor = 0; // the household the follow-up widgets show
    QComboBox* m_referent = nullptr;
    std::vector<Person> m_storedMembers;   // as last read
    std::vector<MemberEdit> m_memberEdits; // not saved yet
    qint64 m_nextNewKey = -1;              // keys of new members until they are saved
    int m_adultAge = 18;
    MemberDialog* m_memberDialog = nullptr;

    // Puts the household's spending, health badges and workshop history in their areas, each only when the
    // session's role may read it (else a line saying who may).
    void embedFollowUp();
};

} // namespace cabas::ui
