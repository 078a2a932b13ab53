#pragma once

#include "domain/Card.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas::store {

// Households. Writes validate first and throw cabas::Error; update() uses optimistic versioning.
class HouseholdRepository
{
    Q_DECLARE_TR_FUNCTIONS(HouseholdRepository)
  public:
    explicit HouseholdRepository(const Database& db) : m_db(db) {}

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

  private:
    const Database& m_db;
};

class PersonRepository
{
    Q_DECLARE_TR_FUNCTIONS(PersonRepository)
  public:
    explicit PersonRepository(const Database& db) : m_db(db) {}

    void insert(Person& person);
    void update(Person& person);
    void insertMany(std::vector<Person>& persons);

    std::optional<Person> findById(qint64 id) const;
    std::optional<Person> findByCode(const QString& code) const;
    std::vector<Person> forHousehold(qint64 householdId) const;
    qint64 count() const;

  private:
    const Database& m_db;
};

class CardRepository
{
    Q_DECLARE_TR_FUNCTIONS(CardRepository)
  public:
    explicit CardRepository(const Database& db) : m_db(db) {}

    void insert(Card& card);
    void setStatus(qint64 cardId, CardStatus status);
    void insertMany(std::vector<Card>& cards);

    std::optional<Card> findByToken(const QString& token) const;
    std::vector<Card> forHousehold(qint64 householdId) const;
    qint64 count() const;

  private:
    const Database& m_db;
};

class ConsentRepository
{
    Q_DECLARE_TR_FUNCTIONS(ConsentRepository)
  public:
    explicit ConsentRepository(const Database& db) : m_db(db) {}

    void record(Consent& consent);
    void recordMany(std::vector<Consent>& consents);
    // Every event for the person, oldest first.
    std::vector<Consent> forPerson(qint64 personId) const;
    // Whether consent for `purpose` is given on `day` (the latest event effective on or before it).
    bool isGiven(qint64 personId, ConsentPurpose purpose, const QDate& day) const;

  private:
    const Database& m_db;
};

} // namespace cabas::store
