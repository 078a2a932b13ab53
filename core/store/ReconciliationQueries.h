#pragma once

#include "domain/Person.h"
#include "store/Database.h"
#include "store/Sealed.h"

#include <QDate>
#include <map>
#include <utility>
#include <vector>

namespace cabas::store {

// What the credit reconciliation (core/services/ReconciliationService, docs/reconciliation.md) reads: the
// households with their members and status history, and the ledger's allowance credits, sustainable purchases
// and bonuses per household and local month (Europe/Paris). Months are YYYYMM integers, as ledger_entry's
// local_month. Posted entries of the given currency only, linked to a household.
class ReconciliationQueries
{
  public:
    // `keys`: the session's key ring; on a sealed database the birth dates are decrypted with it (the clear
    // column has only the birth month, docs/encryption.md).
    explicit ReconciliationQueries(const Database& db, const security::KeyRing* keys = nullptr)
        : m_db(db), m_sealed(db, keys)
    {
    }

    struct Household
    {
        qint64 id = 0;
        QString code;
        QDate enrolledOn; // null: never enrolled (a candidate)
        QDate exitedOn;
        std::vector<Person> members;
        std::vector<std::pair<QDate, QString>> statusEvents; // (effective on, status code), oldest first
    };
    // Every household that was ever enrolled, by code.
    std::vector<Household> households() const;

    struct Credits
    {
        qint64 entries = 0;
        qint64 cents = 0;
    };
    using Key = std::pair<qint64, int>; // household id, YYYYMM

    // Posted allowance entries by household and local month.
    std::map<Key, Credits> allowanceCredits(int fromMonth, int toMonth, const QString& currency) const;

    struct Purchase
    {
        qint64 householdId = 0;
        QDate localDate;
        qint64 cents = 0; // positive
    };
    // Posted purchases at merchants whose effective flag (local override, else the operator's flag at the
    // time) is sustainable.
    std::vector<Purchase> sustainablePurchases(int fromMonth, int toMonth, const QString& currency) const;
    // Posted bonus entries by household and the local month of the purchase they refer to (their own month
    // when that purchase is unknown).
    std::map<Key, Credits> bonusCredits(int fromMonth, int toMonth, const QString& currency) const;

  private:
    const Database& m_db;
    Sealed m_sealed;
};

} // namespace cabas::store
