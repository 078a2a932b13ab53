#pragma once

#include "common/Error.h"
#include "domain/LedgerEntry.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace cabas::ledger {

// Why talking to the ledger feed failed. The message (Error::message()) is translated and says what to do.
class FeedError : public Error
{
  public:
    enum class Reason
    {
        Refused,       // the address is not allowed (plain HTTP to another computer) or not an address
        BadRequest,    // 400: the operator refused the request
        Unauthorized,  // 401: the token is wrong or expired
        NotFound,      // 404: wrong address
        CursorExpired, // 410: the cursor is too old, start again from an empty cursor
        OtherStatus,   // any other HTTP status that is not retried
        GaveUp,        // 429, 5xx or cut connections every time, until the attempts ran out
        Cancelled,     // the user cancelled
    };
    FeedError(const QString& message, Reason reason, int httpStatus = 0, Kind kind = Kind::Invalid)
        : Error(message, kind), m_reason(reason), m_httpStatus(httpStatus)
    {
    }
    Reason reason() const { return m_reason; }
    int httpStatus() const { return m_httpStatus; }

  private:
    Reason m_reason;
    int m_httpStatus;
};

struct FeedClientOptions
{
    QString baseUrl;              // https://operator.example/ (plain http only for a loopback host)
    QString token;                // sent as "Authorization: Bearer <token>"
    int pageLimit = 500;          // 1 .. 1000
    int timeoutMs = 30000;        // connect, send and receive
    int maxAttempts = 8;          // per request, the first one included
    int initialBackoffMs = 500;   // doubled after each failure ...
    int maxBackoffMs = 30000;     // ... up to this, with jitter (half of it random)
    int maxRetryAfterMs = 300000; // a Retry-After longer than this is shortened to it
    // Waits that many milliseconds; null: really sleeps, in short slices, stopping early on cancel.
    std::function<void(int ms)> sleep;
    // A uniform random number in [0, 1) for the jitter; null: a real random source.
    std::function<double()> random;
    // Checked before each request and during back-off; when it becomes true the client throws Cancelled.
    const std::atomic_bool* cancel = nullptr;
    // Told about each retry (translated), e.g. to show it; may be null.
    std::function<void(const QString&)> notice;
};

// The HTTP side of ledger-feed-v1: GET /v1/entries and /v1/cards with cursor and limit, bearer token,
// timeouts; retries 429 (honouring Retry-After), 5xx and cut connections with capped exponential back-off and
// jitter; never retries 400, 401, 404; 410 is FeedError::CursorExpired for the caller to start again. HTTPS
// verifies the server's certificate against the system's CA store. Poco stays inside the implementation.
class FeedClient
{
    Q_DECLARE_TR_FUNCTIONS(FeedClient)
  public:
    // Throws FeedError(Refused) for an address that is not http(s), or plain http to a non-loopback host.
    explicit FeedClient(FeedClientOptions options);
    ~FeedClient();
    FeedClient(const FeedClient&) = delete;
    FeedClient& operator=(const FeedClient&) = delete;

    EntryPage entries(const QString& cursor);
    CardPage cards(const QString& cursor);
    // The body of a successful GET of `path` ("/v1/entries") after retries.
    QByteArray get(const QString& path, const QString& cursor);

    int retries() const; // retries made so far (all requests)
    static bool isLoopbackHost(const QString& host);
    // Throws FeedError(Refused) unless `url` is usable (see the constructor).
    static void checkUrl(const QString& url);

  private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace cabas::ledger
