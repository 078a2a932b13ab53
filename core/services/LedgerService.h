#pragma once

#include "security/Session.h"
#include "store/Database.h"
#include "store/LedgerRepository.h"

#include <QJsonObject>
#include <optional>
#include <vector>

namespace cabas {

// The card ledger for the people who use it (docs/ledger.md). Access (DataKind::Ledger): social workers,
// nurses and administrators read entries and spending; coordinators get figures only (summary()); linking a
// card to a household by hand is a household write (social workers) and is audited; merchant overrides and
// imports are ledger writes (administrators), audited too.
class LedgerService
{
    Q_DECLARE_TR_FUNCTIONS(LedgerService)
  public:
    LedgerService(const store::Database& db, const Session& session) : m_db(db), m_session(session) {}

    // One household's spending over its linked entries (posted only, latest revisions).
    struct Spending
    {
        qint64 allowanceCents = 0;
        qint64 bonusCents = 0;
        qint64 spentCents = 0;
        qint64 sustainableSpentCents = 0;
        std::optional<double>
            sustainableSharePct; // 100 x sustainable / spent, one decimal; none when nothing spent
    };

    store::LedgerBalance balance(qint64 householdId) const;
    std::vector<store::LedgerMovement> movements(qint64 householdId,
                                                 const store::LedgerMovementFilter& filter = {}) const;
    std::vector<store::LedgerMonth> months(qint64 householdId) const;
    // Over the months [from, to] (any day of them; invalid: unbounded).
    Spending spending(qint64 householdId, const QDate& from = {}, const QDate& to = {}) const;
    static std::optional<double> sharePct(qint64 part, qint64 whole);

    std::vector<store::UnlinkedCard> unlinkedCards() const;
    // Links a card the ledger knows to the household with this code (social workers).
    void linkCard(const QString& cardToken, const QString& householdCode) const;

    // {"entries": N, "unlinked": N, "kinds": {KIND: {STATUS: {"count": N, "sum_cents": N}}}}: every entry
    // once, at its latest revision. Figures only, so coordinators may have it.
    QJsonObject summary() const;

    std::vector<store::LedgerMerchant> merchants() const;
    // The programme's local decision on a merchant's sustainable flag (nullopt: follow the operator).
    void setMerchantOverride(const QString& merchantId, std::optional<bool> sustainable) const;

    store::LedgerSyncState syncState(const QString& feed = store::kEntriesFeed) const;

  private:
    void requireRead() const;
    // Links entries of cards and households added in Cabas meanwhile, when this user may write them.
    void catchUpLinks() const;

    const store::Database& m_db;
    const Session m_session;
};

} // namespace cabas
