#pragma once

#include "domain/Allowance.h"
#include "domain/Card.h"
#include "domain/CaseFile.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "domain/User.h"
#include "security/Session.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas {

// Everything the enrolment wizard collects, saved at once: the household, its members, its first card, each
// member's consents and the referent. Members' and the household's codes are given by the caller (see
// HouseholdService::nextHouseholdCode / nextPersonCode).
struct Enrolment
{
    Household household;
    std::vector<Person> members;
    std::vector<QList<ConsentPurpose>> consents; // per member (same index); may be shorter than members
    QString cardToken;                           // empty: no card yet
    QDate on;                                    // the enrolment date
};

// Households, their members, cards and consents, as every entry point must use them: the session's role is
// checked against the access policy (social workers write; nurses, coordinators and administrators read;
// coordinators see codes only, without names, addresses or notes), and every write is audited in the same
// transaction as the change.
class HouseholdService
{
    Q_DECLARE_TR_FUNCTIONS(HouseholdService)
  public:
    HouseholdService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    std::vector<Household> list(int limit = 0, int offset = 0) const;
    std::optional<Household> find(const QString& code) const;
    std::vector<Person> members(qint64 householdId) const;
    std::vector<Card> cards(qint64 householdId) const;
    std::vector<Consent> consents(qint64 personId) const;

    void create(Household& household) const;
    void update(Household& household) const;
    void addPerson(Person& person) const;
    void updatePerson(Person& person) const;
    void issueCard(Card& card) const;
    void setCardStatus(const QString& token, CardStatus status, const QString& reason = QString()) const;
    // Records a consent given or withdrawn by a person; recorded by the session's user, now.
    void recordConsent(Consent& consent) const;

    // ---- the household list
    // One page of the list; for roles that see codes only, names are neither searched nor returned.
    std::vector<HouseholdListEntry> search(HouseholdQuery query, int limit, int offset) const;
    // How many households match; at most `limit` when it is > 0.
    qint64 count(HouseholdQuery query, qint64 limit = 0) const;
    QStringList communes() const;
    // On a sealed database the first search of a login builds the name index (store/NameIndex.h, about 1.2 s
    // of CPU at 100,000 households): searchReady() says whether it is built, prepareSearch() builds it
    // (for a worker thread, on a connection of its own: the desktop shows "preparing" meanwhile). A clear
    // database is always ready.
    bool searchReady() const;
    void prepareSearch() const;
    // Drops the name indexes `session` built or used (logout, switch of user, quit): the decrypted names
    // leave the process's memory; the next login builds them again. Nothing to do on a clear database.
    static void forgetSearch(const Session& session);

    // ---- enrolment
    // Problems of an enrolment, each "field: message" with the member's place for member fields
    // ("member 2: birth_date: ..."); empty when it can be saved.
    QStringList enrolmentProblems(const Enrolment& enrolment) const;
    // Persons of other households with the same name and birth date as `person` (a possible duplicate).
    std::vector<PossibleDuplicate> possibleDuplicates(const Person& person) const;
    // Saves a whole enrolment in one transaction (all or nothing); sets the ids.
    void enrol(Enrolment& enrolment) const;
    // The next free household code (programme prefix) and person code ("P-" and five digits).
    QString nextHouseholdCode() const;
    QString nextPersonCode(int skip = 0) const;

    // ---- the case file
    // Saves `mine`, edited from `base`. If someone else saved the household meanwhile, nothing is written and
    // the conflict is returned (what they changed, what this user changed); the caller resolves it and calls
    // save() again with the resolved household and conflict.theirs as base.
    std::optional<HouseholdConflict> save(Household& mine, const Household& base) const;
    // The same with the members' edits of the case file (arrivals, departures, corrected dates), all in one
    // transaction: new members get their code and id, the others their new version; a departure's reason
    // goes to the journal. Each edit is checked first (memberProblems: an invalid edit writes nothing and
    // throws Invalid, "member CODE: field: message"). A member saved meanwhile by someone else is a conflict
    // like the household's fields ("member:CODE:field" differences); nothing is written then.
    std::optional<HouseholdConflict> save(Household& mine, const Household& base,
                                          std::vector<MemberEdit>& members) const;
    // Problems of one member edit, each "field: message" with field first_name, last_name, birth_date, role,
    // arrived_on, left_on or departure_reason: a departure before the arrival or the birth, dates in the
    // future, an implausible birth date, a departure without its reason, a new member without arrival date.
    QStringList memberProblems(const MemberEdit& edit) const;
    // The users who may be a household's referent: active social workers.
    std::vector<User> referentCandidates() const;
    // The allowance the programme rule gives these members (e.g. the case file's unsaved edits) for the
    // month containing `month`; on an income-band programme, with household `householdId`'s income
    // assessment in force on the month's first day (none when 0: the breakdown then says needsAssessment).
    AllowanceBreakdown allowance(const std::vector<Person>& members, const QDate& month,
                                 qint64 householdId = 0) const;
    // The programme's adult age (18 unless the programme says otherwise).
    int adultAge() const;
    // Changes the status (with the history step): enrolled sets the enrolment date if it had none; exited
    // needs a reason and sets the exit date. Version-checked like update().
    void changeStatus(Household& household, HouseholdStatus status, const QDate& on,
                      const QString& reason) const;
    // The status history, oldest first (households saved before the history existed get theirs from their
    // enrolment and exit dates).
    std::vector<HouseholdStatusEvent> statusHistory(const Household& household) const;
    // Replaces a card (lost or blocked): the old card takes `oldStatus`, the new one continues the
    // household's history (it "replaces" the old one). Returns the new card.
    Card reissueCard(const QString& oldToken, const QString& newToken, CardStatus oldStatus, const QDate& on,
                     const QString& reason) const;
    // A card's history, oldest first (derived from the card when it has none stored).
    std::vector<CardEvent> cardHistory(const Card& card) const;
    // The case file's journal; coordinators see no notes.
    void addNote(const QString& householdCode, const QString& body) const;
    std::vector<HouseholdNote> notes(qint64 householdId) const;
    // The allowance the programme rule gives this household for the month containing `month`.
    AllowanceBreakdown allowance(qint64 householdId, const QDate& month) const;

  private:
    void requireRead(const QString& table) const;
    void requireWrite(const QString& table, const QString& ref) const;
    Household masked(Household h) const;
    Person masked(Person p) const;

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
