#pragma once

#include "domain/Card.h"
#include "domain/Household.h"
#include "domain/Person.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace cabas {

// What the household list asks for: a search text (household code, member name or commune, accents and case
// ignored, each word a prefix), filters and a sort.
struct HouseholdQuery
{
    enum class Sort
    {
        Code,
        Commune,
        Status,
        EnrolledOn,
        Referent
    };
    QString text;
    std::optional<HouseholdStatus> status;
    qint64 referentUserId = 0; // 0: any referent; -1: households without a referent
    QString commune;           // exact commune name; empty: any
    Sort sort = Sort::Code;
    bool descending = false;
    bool searchNames = true; // false for roles that see codes only: names are then neither searched nor shown
};

// One row of the household list.
struct HouseholdListEntry
{
    Household household;
    QString names;        // current members' names, adults first ("" when the role sees codes only)
    int members = 0;      // current members
    QString referentName; // display name of the referent social worker
};

// One step of a household's status history.
struct HouseholdStatusEvent
{
    qint64 id = 0;
    qint64 householdId = 0;
    HouseholdStatus status = HouseholdStatus::Candidate;
    QDate effectiveOn;
    QString reason;
    qint64 recordedByUserId = 0;
    QString recordedByName;
    QDateTime recordedAt;
};

// One step of a card's history: issued, blocked, lost, closed.
struct CardEvent
{
    qint64 id = 0;
    qint64 cardId = 0;
    CardStatus status = CardStatus::Active;
    QDate effectiveOn;
    QString reason;
    qint64 recordedByUserId = 0;
    QString recordedByName;
    QDateTime recordedAt;
};

// A dated note of the case file's journal; never edited nor deleted.
struct HouseholdNote
{
    qint64 id = 0;
    qint64 householdId = 0;
    QDateTime writtenAt;
    qint64 authorUserId = 0;
    QString authorName;
    QString body;
};

// A person already known with the same name (accents and case ignored) and birth date.
struct PossibleDuplicate
{
    Person person;
    QString householdCode;
};

// One field of a household that two saves changed differently.
struct FieldDifference
{
    QString field;     // "address", "commune" ... (stable, for code)
    QString label;     // shown to the user
    QString base;      // the value both started from
    QString theirs;    // the value saved meanwhile by someone else
    QString mine;      // the value this user wants to save
    bool clash = true; // both changed it (differently); false: only one side changed it
};

// A member's arrival, departure or corrected dates, edited in the case file and saved with it.
struct MemberEdit
{
    Person base;             // as read when the case file opened (id 0: a member added in the case file)
    Person mine;             // as edited: a new member (arrivedOn set), a departure (leftOn), corrected dates
    QString departureReason; // required when this edit records a departure (mine.leftOn set, base's not)

    bool isNew() const { return base.id == 0; }
    bool recordsDeparture() const { return mine.leftOn.isValid() && !base.leftOn.isValid(); }
    bool operator==(const MemberEdit&) const = default;
};

// Two people saved the same household: what each changed. `theirs` is the stored household now.
struct HouseholdConflict
{
    Q_DECLARE_TR_FUNCTIONS(HouseholdConflict)
  public:
    Household base;
    Household theirs;
    Household mine;
    std::vector<FieldDifference> differences; // every field that differs between theirs and mine
    // This user's member edits and, for those of members already stored, the member as stored now (same
    // index; an empty Person for a new member). Their fields are in `differences` as "member:CODE:field".
    std::vector<MemberEdit> memberEdits;
    std::vector<Person> theirMembers;

    // Compares the editable fields of a household.
    static HouseholdConflict between(const Household& base, const Household& theirs, const Household& mine);
    // The household to save now: `theirs` (with its version) plus, for each field named in `keepMine`, this
    // user's value; and this user's value for the fields only this user changed.
    Household resolved(const QStringList& keepMine) const;
    // Adds the members' differences: `edits` as this user made them, `theirs` the stored members now (same
    // index; an empty Person for a new member).
    void addMembers(const std::vector<MemberEdit>& edits, const std::vector<Person>& theirs);
    // The member edits to save now, on top of the stored members (their versions), like resolved().
    std::vector<MemberEdit> resolvedMembers(const QStringList& keepMine) const;
    static QStringList memberFieldNames();
    static QString memberFieldLabel(const QString& field);
    static QString memberFieldValue(const Person& p, const QString& field);
    static QStringList fieldNames();
    static QString fieldLabel(const QString& field);
    static QString fieldValue(const Household& h, const QString& field);
};

} // namespace cabas
