#pragma once

#include "security/Session.h"
#include "store/Database.h"
#include "store/MerchantRepository.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <optional>
#include <vector>

namespace cabas {

// The programme's committee decides which merchants count as sustainable, from which date (issue 11,
// docs/merchants.md). Access (docs/access.md): the merchant list is a ledger write, so only administrators
// approve, withdraw or refuse (DataKind::Ledger, Write); whoever reads the ledger (social workers, nurses,
// administrators) reads the list and its history; coordinators, who get ledger figures only, are refused.
// Every write is audited in its own transaction, with the recompute of the figures it changes; a refused
// action writes nothing but its audit record.
class MerchantService
{
    Q_DECLARE_TR_FUNCTIONS(MerchantService)
  public:
    MerchantService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // Every merchant seen in the ledger (or only those with no decision yet), with where they stand today
    // (Europe/Paris) and, when asked, their entries (one pass over the ledger).
    std::vector<store::MerchantStatus> list(bool undecidedOnly = false, bool withActivity = false) const;
    store::MerchantStatus status(const QString& merchantId) const; // NotFound when unknown
    std::vector<store::MerchantDecision> history(const QString& merchantId) const;
    // {"merchant": {...}, "state": ..., "decisions": [...]}: one merchant and its decisions, oldest first.
    QJsonObject showJson(const QString& merchantId) const;

    qint64 approve(const QString& merchantId, const QDate& from, const QString& note = {}) const;
    void withdraw(const QString& merchantId, const QDate& on, const QString& note = {}) const;
    qint64 refuse(const QString& merchantId, const QString& note = {}) const;

    static constexpr int kMaxNote = 500;

  private:
    void requireRead(const QString& merchantId = {}) const;
    void requireWrite(const QString& merchantId) const;
    void checkNote(const QString& note) const;

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
