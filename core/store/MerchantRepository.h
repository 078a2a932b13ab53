#pragma once

#include "store/Database.h"
#include "store/LedgerRepository.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace cabas::store {

// One decision of the programme's committee on a merchant (migration 0013, docs/merchants.md).
struct MerchantDecision
{
    qint64 id = 0;
    QString merchantId;
    QString decision;   // "approved" or "refused"
    QDate approvedFrom; // approved: the first day it counts as sustainable
    QDate withdrawnOn;  // approved: the first day it no longer does (null: still approved)
    QString note;
    QString decidedBy; // the user's login ("" when the user is unknown)
    QDateTime decidedAt;
    QString withdrawalNote;
    QString withdrawnBy;
    QDateTime withdrawnAt;
};

// Where a merchant stands on a given day.
enum class MerchantState
{
    Undecided, // no decision yet
    Approved,  // an approval period is open (perhaps from a later date) or ends after that day
    Withdrawn, // the last approval was withdrawn on or before that day
    Refused,
};
QString merchantStateCode(MerchantState state); // "undecided", "approved", "withdrawn", "refused"

// A merchant seen in the ledger, with its latest decision and, when asked, its entries.
struct MerchantStatus
{
    LedgerMerchant merchant;
    MerchantState state = MerchantState::Undecided;
    QDate approvedFrom; // of the latest approval period
    QDate withdrawnOn;
    // Activity (only when asked for): entries of any kind and status, purchases minus refunds (posted), and
    // the local dates of the first and last entries.
    qint64 entries = 0;
    qint64 spentCents = 0;
    QDate firstSeen;
    QDate lastSeen;
};

// The committee's decisions on merchants. Every write runs in one transaction (the caller's when one is
// open), checks its input first (nothing is written when it throws) and recomputes the figures per household
// and month of the dates its decision changes (LedgerRepository::refreshMerchants).
class MerchantRepository
{
    Q_DECLARE_TR_FUNCTIONS(MerchantRepository)
  public:
    explicit MerchantRepository(const Database& db) : m_db(db) {}

    // Every merchant (or the undecided ones), by name; `today` is the day the state is given for.
    std::vector<MerchantStatus> statuses(const QDate& today, bool undecidedOnly, bool withActivity) const;
    std::optional<MerchantStatus> status(const QString& merchantId, const QDate& today) const;
    // One merchant's decisions, oldest first.
    std::vector<MerchantDecision> history(const QString& merchantId) const;

    // Approves from `from` on (inclusive). Conflict when a period of this merchant is open or ends after
    // `from` (periods never overlap); NotFound for a merchant the ledger has not seen. Returns the new id.
    qint64 approve(const QString& merchantId, const QDate& from, const QString& note, qint64 userId,
                   const QDateTime& now);
    // Ends the open approval period: from `on` (inclusive) the merchant no longer counts. Invalid when no
    // period is open or `on` is not after its first day.
    void withdraw(const QString& merchantId, const QDate& on, const QString& note, qint64 userId,
                  const QDateTime& now);
    // Records a refusal: on the days no approval covers, the merchant does not count. Conflict when an
    // approval period is open (withdraw it instead) or the latest decision is already a refusal.
    qint64 refuse(const QString& merchantId, const QString& note, qint64 userId, const QDateTime& now);

    // Records a merchant as the operator describes it when the ledger does not know it yet (the demo, before
    // its first sync); a known merchant is left as it is.
    void recordSeen(const QString& id, const QString& name, const QString& category, bool sustainable,
                    const QDateTime& at) const;

  private:
    LedgerMerchant requireMerchant(const QString& merchantId) const;

    const Database& m_db;
};

} // namespace cabas::store
