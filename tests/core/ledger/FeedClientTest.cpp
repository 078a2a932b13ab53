// The feed client against the real reference feed (cabas_sim's SimFeed behind a Poco HTTP server on
// loopback).
#include "ledger/FeedClient.h"

#include "ledger/FeedParser.h"
#include "sim/SimLedger.h"
#include "support/TestUtil.h"

#include <QElapsedTimer>
#include <catch2/catch.hpp>
#include <thread>

using namespace cabas;
using namespace cabas::ledger;

namespace {

struct Server
{
    sim::SimFeed feed;
    sim::SimServer server;

    explicit Server(const sim::SimFaults& faults = {}, int households = 6)
        : feed(sim::SimLedger::generate(sim::SimInput::standalone(households, QDate(2025, 5, 31), 7)),
               QStringLiteral("secret-token"), faults, 11),
          server(feed)
    {
    }
};

// Options for a test: no real sleeping, recorded waits, a fixed jitter.
struct Recorder
{
    std::vector<int> waits;
    std::vector<QString> notices; // why each retry happened
    FeedClientOptions options(const QString& url)
    {
        FeedClientOptions o;
        o.baseUrl = url;
        o.token = QStringLiteral("secret-token");
        o.pageLimit = 50;
        o.timeoutMs = 30000; // a loaded test machine is slow, not broken
        o.random = [] { return 0.5; };
        o.notice = [this](const QString& n) { notices.push_back(n); };
        o.sleep = [this](int ms) { waits.push_back(ms); };
        return o;
    }
};

FeedError feedError(const std::function<void()>& f)
{
    try {
        f();
    } catch (const FeedError& e) {
        return e;
    }
    FAIL("no FeedError");
    throw 0;
}

} // namespace

TEST_CASE("feed client: pages through the cards and entries with cursor and limit", "[ledger][client]")
{
    Server s;
    Recorder r;
    FeedClient client(r.options(s.server.url()));
    const CardPage cards = client.cards(QString());
    CHECK(cards.cards.size() == s.feed.ledger().cards().size());
    CHECK_FALSE(cards.hasMore);

    std::size_t received = 0;
    int pages = 0;
    QString cursor;
    for (;;) {
        const EntryPage page = client.entries(cursor);
        CHECK(page.entries.size() <= 50);
        received += page.entries.size();
        ++pages;
        cursor = page.nextCursor;
        if (!page.hasMore)
            break;
    }
    CHECK(received == s.feed.ledger().changes().size());
    CHECK(pages == int((received + 49) / 50));
    CHECK(r.waits.empty());
    CHECK(client.retries() == 0);
    // Nothing new: an empty last page.
    CHECK(client.entries(cursor).entries.empty());
}

TEST_CASE("feed client: 429 is retried after Retry-After", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.fault429 = 1.0;
    faults.retryAfterSeconds = 7;
    Server s(faults);
    Recorder r;
    FeedClientOptions o = r.options(s.server.url());
    o.sleep = [&](int ms) {
        r.waits.push_back(ms);
        if (r.waits.size() == 2)
            s.feed.setFaults({}); // the operator lets us through after two refusals
    };
    FeedClient client(o);
    const CardPage page = client.cards(QString());
    CHECK_FALSE(page.cards.empty());
    CHECK(r.waits == std::vector<int>{7000, 7000});
    CHECK(client.retries() == 2);
}

TEST_CASE("feed client: 5xx is retried with capped exponential back-off and jitter", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.fault5xx = 1.0;
    Server s(faults);
    Recorder r;
    FeedClientOptions o = r.options(s.server.url());
    o.initialBackoffMs = 1000;
    o.maxBackoffMs = 5000;
    std::vector<double> jitter{0.0, 0.5, 1.0, 0.5, 0.5};
    o.random = [&] {
        const double v = jitter.front();
        jitter.erase(jitter.begin());
        return v;
    };
    o.sleep = [&](int ms) {
        r.waits.push_back(ms);
        if (r.waits.size() == 5)
            s.feed.setFaults({});
    };
    FeedClient client(o);
    CHECK_FALSE(client.entries(QString()).entries.empty());
    // Half of min(cap, 1000 * 2^(n-1)) plus the random share of the other half.
    CHECK(r.waits == std::vector<int>{500, 1500, 4000, 3750, 3750});
    CHECK(client.retries() == 5);
}

TEST_CASE("feed client: gives up after the last attempt with a clear error", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.fault5xx = 1.0;
    Server s(faults);
    Recorder r;
    FeedClientOptions o = r.options(s.server.url());
    o.maxAttempts = 3;
    FeedClient client(o);
    const FeedError e = feedError([&] { client.entries(QString()); });
    CHECK(e.reason() == FeedError::Reason::GaveUp);
    CHECK(e.message().contains(QStringLiteral("503")));
    CHECK(r.waits.size() == 2);
    CHECK(s.feed.requests() == 3);
}

TEST_CASE("feed client: a connection cut in the middle of a page is retried", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.cut = 1.0;
    Server s(faults);
    Recorder r;
    FeedClientOptions o = r.options(s.server.url());
    o.sleep = [&](int ms) {
        r.waits.push_back(ms);
        s.feed.setFaults({});
    };
    FeedClient client(o);
    const EntryPage page = client.entries(QString());
    CHECK(page.entries.size() == 50);
    CHECK(r.waits.size() == 1);
    CHECK(client.retries() == 1);
}

TEST_CASE("feed client: 400, 401 and 404 stop at once", "[ledger][client]")
{
    Server s;
    Recorder r;
    SECTION("401: wrong token")
    {
        FeedClientOptions o = r.options(s.server.url());
        o.token = QStringLiteral("wrong");
        const FeedError e = feedError([&] { FeedClient(o).cards(QString()); });
        CHECK(e.reason() == FeedError::Reason::Unauthorized);
        CHECK(e.httpStatus() == 401);
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    SECTION("404: wrong address")
    {
        const FeedError e = feedError(
            [&] { FeedClient(r.options(s.server.url() + QStringLiteral("/operator"))).cards(QString()); });
        CHECK(e.reason() == FeedError::Reason::NotFound);
        CHECK(e.kind() == Error::Kind::NotFound);
    }
    SECTION("400: a cursor the feed does not know")
    {
        const FeedError e =
            feedError([&] { FeedClient(r.options(s.server.url())).entries(QStringLiteral("garbage")); });
        CHECK(e.reason() == FeedError::Reason::BadRequest);
        CHECK(e.message().contains(QStringLiteral("bad_cursor")));
    }
    INFO("retries: " << QStringList(r.notices.begin(), r.notices.end()).join(QStringLiteral("; ")));
    CHECK(r.waits.empty());
    CHECK(s.feed.requests() == 1);
}

TEST_CASE("feed client: 410 says the cursor expired", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.expireCursorsAfterMs = 1000;
    Server s(faults);
    qint64 now = 1000000;
    s.feed.setNowMs([&] { return now; });
    Recorder r;
    FeedClient client(r.options(s.server.url()));
    const QString cursor = client.entries(QString()).nextCursor;
    CHECK_FALSE(client.entries(cursor).entries.empty());
    now += 5000;
    const FeedError e = feedError([&] { client.entries(cursor); });
    CHECK(e.reason() == FeedError::Reason::CursorExpired);
    CHECK(e.httpStatus() == 410);
}

TEST_CASE("feed client: plain HTTP only to this computer", "[ledger][client]")
{
    for (const char* url : {"http://ledger.example.org/", "http://192.168.1.20:8080", "http://10.0.0.1"}) {
        INFO(url);
        const FeedError e = feedError([&] { FeedClient::checkUrl(QString::fromLatin1(url)); });
        CHECK(e.reason() == FeedError::Reason::Refused);
        CHECK(e.message().contains(QStringLiteral("https://")));
        FeedClientOptions o;
        o.baseUrl = QString::fromLatin1(url);
        CHECK_THROWS_AS(FeedClient(o), FeedError);
    }
    for (const char* url : {"ftp://127.0.0.1/", "not an address", "https://"})
        CHECK_THROWS_AS(FeedClient::checkUrl(QString::fromLatin1(url)), FeedError);
    CHECK_NOTHROW(FeedClient::checkUrl(QStringLiteral("http://127.0.0.1:8089")));
    CHECK_NOTHROW(FeedClient::checkUrl(QStringLiteral("http://localhost:8089/feed")));
    CHECK_NOTHROW(FeedClient::checkUrl(QStringLiteral("http://[::1]:8089")));
    CHECK_NOTHROW(FeedClient::checkUrl(QStringLiteral("https://ledger.example.org/")));
}

TEST_CASE("feed client: HTTPS to a server that does not speak TLS stops with an error", "[ledger][client]")
{
    Server s;
    Recorder r;
    FeedClientOptions o =
        r.options(s.server.url().replace(QStringLiteral("http://"), QStringLiteral("https://")));
    const FeedError e = feedError([&] { FeedClient(o).cards(QString()); });
    CHECK(e.reason() == FeedError::Reason::Refused);
    CHECK(r.waits.empty());
}

TEST_CASE("feed client: cancelling during a back-off stops at once", "[ledger][client]")
{
    sim::SimFaults faults;
    faults.fault5xx = 1.0;
    Server s(faults);
    std::atomic_bool cancel{false};
    FeedClientOptions o;
    o.baseUrl = s.server.url();
    o.token = QStringLiteral("secret-token");
    o.initialBackoffMs = 20000; // a real, long wait
    o.maxBackoffMs = 20000;
    o.cancel = &cancel;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
    });
    QElapsedTimer timer;
    timer.start();
    const FeedError e = feedError([&] { FeedClient(o).entries(QString()); });
    canceller.join();
    CHECK(e.reason() == FeedError::Reason::Cancelled);
    CHECK(e.kind() == Error::Kind::Cancelled);
    CHECK(timer.elapsed() < 5000);
}
