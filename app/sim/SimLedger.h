#pragma once

// cabas-ledger-sim's ledger: a card operator's programme ledger generated from a Cabas database (households,
// members, cards, the programme's allowance and bonus rules) or standalone, deterministic by seed; and the
// feed (ledger-feed-v1) that serves it with switchable faults. A library, so that tests run it in-process.

#include "domain/LedgerEntry.h"
#include "domain/Person.h"
#include "domain/Programme.h"
#include "domain/ProgrammeRules.h"
#include "store/Database.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

namespace cabas::security {
class KeyRing;
}

namespace cabas::sim {

struct SimHousehold
{
    QString code;
    QDate enrolledOn; // allowances from this month on
    QDate exitedOn;   // null: still in the programme
    std::vector<Person> members;
    std::vector<FeedCard> cards;           // the first card, then its re-issues (`replaces` the previous one)
    std::vector<IncomeAssessment> incomes; // income-band programmes: the household's assessments
};

struct SimInput
{
    Programme programme;
    std::vector<SimHousehold> households;
    QDate until; // the ledger runs up to this day (today)
    quint64 seed = 1;

    // Reads the programme, households, members and cards of a Cabas database (the operator's view of the
    // programme: it knows the households' composition and cards). Read only. A sealed database
    // (store/Sealed.h) needs the keys of a login.
    static SimInput fromDatabase(const store::Database& db, const QDate& until, quint64 seed,
                                 const security::KeyRing* keys = nullptr);
    // A standalone programme of `households` households over the twelve months before `until`.
    static SimInput standalone(int households, const QDate& until, quint64 seed);
};

// The whole ledger: every revision of every entry in the order the operator recorded them.
class SimLedger
{
  public:
    static SimLedger generate(const SimInput& input);

    const std::vector<FeedCard>& cards() const { return m_cards; }
    const std::vector<LedgerEntry>& changes() const { return m_changes; }
    // The latest revision of each entry: what a client must end with.
    std::map<QString, LedgerEntry> finalState() const;

    static QJsonObject toJson(const LedgerEntry& entry);
    static QJsonObject toJson(const FeedCard& card);

  private:
    std::vector<FeedCard> m_cards;
    std::vector<LedgerEntry> m_changes;
};

struct SimFaults
{
    double fault5xx = 0;              // share of requests answered 503
    double fault429 = 0;              // share of requests answered 429 with Retry-After
    double cut = 0;                   // share of responses cut in the middle (the connection closed)
    bool overlap = false;             // pages start a few changes before the cursor (at-least-once delivery)
    int slowMs = 0;                   // every response waits this long first
    qint64 expireCursorsAfterMs = -1; // a cursor older than this gets 410 (-1: never)
    int retryAfterSeconds = 1;
};

struct SimResponse
{
    int status = 200;
    QByteArray body;
    QMap<QByteArray, QByteArray> headers;
    bool cut = false; // send the headers and half the body, then close the connection
    int delayMs = 0;
};

// The HTTP-independent part of the server: one request in, one response out. Thread-safe.
class SimFeed
{
  public:
    SimFeed(SimLedger ledger, QString token, SimFaults faults, quint64 seed);

    SimResponse handle(const QString& method, const QString& path, const QMap<QString, QString>& query,
                       const QString& authorization);
    const SimLedger& ledger() const { return m_ledger; }
    // The clock cursors are dated by (milliseconds); tests move it to expire cursors.
    void setNowMs(std::function<qint64()> nowMs) { m_nowMs = std::move(nowMs); }
    SimFaults faults() const;
    void setFaults(const SimFaults& faults);
    qint64 requests() const;

  private:
    SimResponse error(int status, const QString& code, const QString& message) const;
    QString cursorFor(qint64 position) const;

    SimLedger m_ledger;
    QString m_token;
    SimFaults m_faults;
    mutable std::mutex m_mutex;
    std::mt19937_64 m_random;
    std::function<qint64()> m_nowMs;
    qint64 m_requests = 0;
};

// A Poco HTTPServer serving a SimFeed on 127.0.0.1 (port 0: any free port).
class SimServer
{
  public:
    SimServer(SimFeed& feed, quint16 port = 0, int threads = 4);
    ~SimServer();
    quint16 port() const;
    QString url() const; // http://127.0.0.1:PORT

  private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace cabas::sim
