#pragma once

#include "domain/Card.h"
#include "domain/CaseFile.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "store/Database.h"
#include "store/Sealed.h"

#include <optional>
#include <vector>

namespace cabas::store {

// Households. Writes validate first and throw cabas::Error; update() uses optimistic versioning.
//
// On a sealed database (store/Sealed.h) the protected columns (address, notes, exit reason, names, birth
// date, departure reason, the journal's notes, status, card and consent reasons) are written and read as
// ciphertext with `keys` (the session's key ring); without keys every read or write of them is refused
// (AccessDenied). The search and the duplicate check then use the NameIndex. A clear database ignores `keys`.
class HouseholdRepository
{
    Q_DECLARE_TR_FUNCTIONS(HouseholdRepository)
  public:
    explicit HouseholdRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    void insert(Household& household);
    // Saves household if its version is still the stored one, then bumps it; else throws Conflict.
    void update(Household& household);
    // Many at once (imports, demo): sets each id. Call inside a transaction.
    void insertMany(std::vector<Household>& households);

    std::optional<Household> findById(qint64 id) const;
    std::optional<Household> findByCode(const QString& code) const;
    // Ordered by code; `limit` 0 = all.
    std::vector<Household> list(int limit = 0, int offset = 0) const;
    qint64 count() const;
    // The highest number used after `prefix-` in household codes (0 if none): new codes continue from it.
    int highestCodeNumber(const QString& prefix) const;

    // The household list: one page of the households matching `query` (see HouseholdQuery), and how many
    // match. A search word is a prefix of a word of the code, commune, postcode or (when query.searchNames) a
    // member's name or code, accents and case ignored; every word must match.
    std::vector<HouseholdListEntry> search(const HouseholdQuery& query, int limit, int offset) const;
    // `limit` > 0: counts at most that many (a search matching half the programme need not be counted
    // exactly).
    qint64 countMatching(const HouseholdQuery& query, qint64 limit = 0) const;
    // A sealed database searches in the NameIndex, built at the first search of a login (about 1.2 s of
    // CPU at 100,000 households): whether it is built for this session (`names`: with the members' names),
    // and building it (call it from a worker thread on a connection of its own, so the window does not wait).
    // A clear database is always ready.
    bool searchReady(bool names) const;
    void prepareSearch(bool names) const;
    // The communes in use, sorted (for the list's filter).
    QStringList communes() const;

    // Search terms of these households, from their code, commune, postcode and members. Kept up to date by
    // every insert and update of households and persons here; call inside a transaction.
    void refreshSearchTerms(const std::vector<qint64>& householdIds) const;
    // Builds the search terms of a database whose households were written before they existed (once per
    // database; remembered in cabas_meta). Does nothing when they are there or when it may not write.
    void ensureSearchTerms() const;

    // Status history (oldest first) and its new steps; call addStatusEvent inside a transaction.
    void addStatusEvent(HouseholdStatusEvent& event) const;
    std::vector<HouseholdStatusEvent> statusHistory(qint64 householdId) const;
    // The case file's journal (oldest first).
    void addNote(HouseholdNote& note) const;
    std::vector<HouseholdNote> notes(qint64 householdId) const;

  private:
    // A sealed database: the households matching query.text from the name index; none on a clear database.
    std::optional<std::vector<qint64>> sealedMatches(const HouseholdQuery& query) const;

    const Database& m_db;
    Sealed m_sealed;
};

class PersonRepository
{
    Q_DECLARE_TR_FUNCTIONS(PersonRepository)
  public:
    explicit PersonRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    void insert(Person& person);
    void update(Person& person);
    void insertMany(std::vector<Person>& persons);

    std::optional<Person> findById(qint64 id) const;
    std::optional<Person> findByCode(const QString& code) const;
    std::vector<Person> forHousehold(qint64 householdId) const;
    qint64 count() const;
    // Persons with this name (accents, case and spacing ignored) and birth date, with their household's code.
    // The highest number used after `prefix` in person codes (0 if none).
    int highestCodeNumber(const QString& prefix) const;
    std::vector<PossibleDuplicate> sameNameAndBirthDate(const QString& firstName, const QString& lastName,
                                                        const QDate& birthDate) const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

class CardRepository
{
    Q_DECLARE_TR_FUNCTIONS(CardRepository)
  public:
    explicit CardRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    void insert(Card& card);
    void setStatus(qint64 cardId, CardStatus status);
    void insertMany(std::vector<Card>& cards);

    std::optional<Card> findByToken(const QString& token) const;
    std::optional<Card> findById(qint64 id) const;
    std::vector<Card> forHousehold(qint64 householdId) const;
    qint64 count() const;
    // Card history (oldest first) and its new steps; call addEvent inside a transaction.
    void addEvent(CardEvent& event) const;
    std::vector<CardEvent> history(qint64 cardId) const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

class ConsentRepository
{
    Q_DECLARE_TR_FUNCTIONS(ConsentRepository)
  public:
    explicit ConsentRepository(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    void record(Consent& consent);
    void recordMany(std::vector<Consent>& consents);
    // Every event for the person, oldest first.
    std::vector<Consent> forPerson(qint64 personId) const;
    // Whether consent for `purpose` is given on `day` (the latest event effective on or before it).
    bool isGiven(qint64 personId, ConsentPurpose purpose, const QDate& day) const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

} // namespace cabas::store
