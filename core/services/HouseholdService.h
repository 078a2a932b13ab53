#pragma once

#include "domain/Card.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "security/Session.h"
#include "store/Database.h"

#include <optional>
#include <vector>

namespace cabas {

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
    void setCardStatus(const QString& token, CardStatus status) const;
    // Records a consent given or withdrawn by a person; recorded by the session's user, now.
    void recordConsent(Consent& consent) const;

  private:
    void requireRead(const QString& table) const;
    void requireWrite(const QString& table, const QString& ref) const;
    Household masked(Household h) const;
    Person masked(Person p) const;

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
