#include "ledger/FeedClient.h"

#include "ledger/FeedParser.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUrl>
#include <algorithm>
#include <mutex>
#include <random>

namespace cabas::ledger {

namespace {

void initializeSslOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

// The operator's own words from {"error": {"code", "message"}}, when the body has them.
QString operatorMessage(const std::string& body)
{
    const QJsonObject error = QJsonDocument::fromJson(QByteArray::fromStdString(body))
                                  .object()
                                  .value(QStringLiteral("error"))
                                  .toObject();
    const QString code = error.value(QStringLiteral("code")).toString();
    const QString message = error.value(QStringLiteral("message")).toString();
    if (code.isEmpty() && message.isEmpty())
        return QString();
    return message.isEmpty() ? code : (code.isEmpty() ? message : code + QStringLiteral(": ") + message);
}

struct Transient
{
    QString problem;
    int retryAfterMs = -1; // from Retry-After, -1 when none
};

} // namespace

struct FeedClient::Impl
{
    FeedClientOptions options;
    QString scheme;
    std::string host;
    quint16 port = 0;
    std::string basePath;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    Poco::Net::Context::Ptr tls;
    std::mt19937_64 engine{std::random_device{}()};
    int retries = 0;

    bool cancelled() const { return options.cancel && options.cancel->load(); }

    [[noreturn]] void throwCancelled() const
    {
        throw FeedError(FeedClient::tr("The sync was cancelled."), FeedError::Reason::Cancelled, 0,
                        Error::Kind::Cancelled);
    }

    void wait(int ms)
    {
        if (options.sleep) {
            options.sleep(ms);
        } else {
            for (int left = ms; left > 0 && !cancelled(); left -= 50)
                QThread::msleep(ulong(std::min(left, 50)));
        }
        if (cancelled())
            throwCancelled();
    }

    double random()
    {
        if (options.random)
            return options.random();
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    }

    // Capped exponential back-off with jitter: after failure n (1, 2 ...), half of min(cap, initial *
    // 2^(n-1)) plus a random part of the other half.
    int backoffMs(int failure)
    {
        const qint64 full = std::min<qint64>(options.maxBackoffMs, qint64(options.initialBackoffMs)
                                                                       << std::min(failure - 1, 30));
        return int(full / 2 + qint64(random() * double(full - full / 2)));
    }

    Poco::Net::HTTPClientSession& connection()
    {
        if (!session) {
            if (scheme == QLatin1String("https")) {
                initializeSslOnce();
                if (!tls) {
                    // Verify the server against the system's CA store (and its name: Poco checks the host).
                    tls = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                                 Poco::Net::Context::VERIFY_RELAXED, 9, true);
                    tls->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
                }
                session = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, tls);
            } else {
                session = std::make_unique<Poco::Net::HTTPClientSession>(host, port);
            }
            session->setTimeout(Poco::Timespan(Poco::Timespan::TimeDiff(options.timeoutMs) * 1000));
            session->setKeepAlive(true);
        }
        return *session;
    }

    // One request. Returns the body on 200; throws Transient for what may be retried, FeedError otherwise.
    QByteArray attempt(const std::string& target)
    {
        std::string body;
        Poco::Net::HTTPResponse response;
        try {
            auto& s = connection();
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.set("Authorization", "Bearer " + options.token.toStdString());
            request.set("Accept", "application/json");
            request.setKeepAlive(true);
            s.sendRequest(request);
            std::istream& in = s.receiveResponse(response);
            Poco::StreamCopier::copyToString(in, body);
            if (response.hasContentLength() &&
                std::streamsize(body.size()) != response.getContentLength64()) {
                session.reset();
                throw Transient{FeedClient::tr("the connection was cut after %1 of %2 bytes")
                                    .arg(body.size())
                                    .arg(response.getContentLength64())};
            }
            if (!response.getKeepAlive())
                session.reset();
        } catch (const Poco::Net::SSLException& e) {
            session.reset();
            // A certificate that does not verify is not a passing problem: stop.
            throw FeedError(FeedClient::tr("The secure connection to the ledger feed %1 failed: %2")
                                .arg(options.baseUrl, QString::fromStdString(e.displayText())),
                            FeedError::Reason::Refused, 0, Error::Kind::AccessDenied);
        } catch (const Poco::Exception& e) {
            session.reset();
            throw Transient{QString::fromStdString(e.displayText())};
        } catch (const std::ios_base::failure& e) {
            session.reset();
            throw Transient{QString::fromLocal8Bit(e.what())};
        }

        const int status = int(response.getStatus());
        if (status == 200)
            return QByteArray::fromStdString(body);
        const QString said = operatorMessage(body);
        const QString detail = said.isEmpty() ? QString::fromStdString(response.getReason()) : said;
        if (status == 429 || status >= 500) {
            Transient t{FeedClient::tr("HTTP %1 (%2)").arg(status).arg(detail)};
            if (status == 429 && response.has("Retry-After")) {
                bool ok = false;
                const double seconds =
                    QString::fromStdString(response.get("Retry-After")).trimmed().toDouble(&ok);
                if (ok && seconds >= 0)
                    t.retryAfterMs = int(std::min<double>(seconds * 1000.0, options.maxRetryAfterMs));
            }
            throw t;
        }
        switch (status) {
        case 400:
            throw FeedError(FeedClient::tr("The ledger feed refused the request (HTTP 400: %1).").arg(detail),
                            FeedError::Reason::BadRequest, status, Error::Kind::Invalid);
        case 401:
            throw FeedError(
                FeedClient::tr("The ledger feed refused the token (HTTP 401: %1): check the token "
                               "file given by the card operator.")
                    .arg(detail),
                FeedError::Reason::Unauthorized, status, Error::Kind::AccessDenied);
        case 404:
            throw FeedError(FeedClient::tr("The ledger feed has no %1 (HTTP 404): check the address %2.")
                                .arg(QString::fromStdString(target), options.baseUrl),
                            FeedError::Reason::NotFound, status, Error::Kind::NotFound);
        case 410:
            throw FeedError(
                FeedClient::tr("The ledger feed no longer knows the sync position (HTTP 410: %1).")
                    .arg(detail),
                FeedError::Reason::CursorExpired, status, Error::Kind::Conflict);
        default:
            throw FeedError(FeedClient::tr("The ledger feed answered HTTP %1 (%2).").arg(status).arg(detail),
                            FeedError::Reason::OtherStatus, status, Error::Kind::Invalid);
        }
    }
};

bool FeedClient::isLoopbackHost(const QString& host)
{
    const QString h = host.toLower();
    return h == QLatin1String("localhost") || h.startsWith(QLatin1String("127.")) ||
           h == QLatin1String("::1") || h == QLatin1String("[::1]");
}

void FeedClient::checkUrl(const QString& url)
{
    const QUrl u(url, QUrl::StrictMode);
    const QString scheme = u.scheme().toLower();
    if (!u.isValid() || u.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        throw FeedError(tr("\"%1\" is not a ledger feed address (https://...).").arg(url),
                        FeedError::Reason::Refused);
    if (scheme == QLatin1String("http") && !isLoopbackHost(u.host()))
        throw FeedError(
            tr("The ledger feed address %1 uses plain HTTP: the ledger and the token would cross the "
               "network unencrypted. Use https:// (plain http is only allowed to this computer, for "
               "tests).")
                .arg(url),
            FeedError::Reason::Refused, 0, Error::Kind::AccessDenied);
}

FeedClient::FeedClient(FeedClientOptions options) : d(std::make_unique<Impl>())
{
    checkUrl(options.baseUrl);
    if (options.pageLimit < 1 || options.pageLimit > 1000)
        throw Error(tr("The page size must be between 1 and 1000, not %1.").arg(options.pageLimit));
    options.maxAttempts = std::max(1, options.maxAttempts);
    const QUrl u(options.baseUrl);
    d->scheme = u.scheme().toLower();
    d->host = u.host().toStdString();
    d->port = quint16(u.port(d->scheme == QLatin1String("https") ? 443 : 80));
    QString path = u.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    d->basePath = path.toStdString();
    d->options = std::move(options);
}

FeedClient::~FeedClient() = default;

int FeedClient::retries() const
{
    return d->retries;
}

QByteArray FeedClient::get(const QString& path, const QString& cursor)
{
    Poco::URI target(d->basePath + path.toStdString());
    target.addQueryParameter("cursor", cursor.toStdString());
    target.addQueryParameter("limit", std::to_string(d->options.pageLimit));
    const std::string pathAndQuery = target.getPathAndQuery();
    for (int failure = 1;; ++failure) {
        if (d->cancelled())
            d->throwCancelled();
        try {
            return d->attempt(pathAndQuery);
        } catch (const Transient& t) {
            if (failure >= d->options.maxAttempts)
                throw FeedError(
                    tr("The ledger feed %1 did not answer after %2 attempts (last: %3). Nothing was "
                       "lost: the next sync resumes where this one stopped.")
                        .arg(d->options.baseUrl)
                        .arg(failure)
                        .arg(t.problem),
                    FeedError::Reason::GaveUp, 0, Error::Kind::Storage);
            const int ms = t.retryAfterMs >= 0 ? t.retryAfterMs : d->backoffMs(failure);
            ++d->retries;
            if (d->options.notice)
                d->options.notice(
                    tr("%1; trying again in %2 s").arg(t.problem).arg(double(ms) / 1000.0, 0, 'f', 1));
            d->wait(ms);
        }
    }
}

EntryPage FeedClient::entries(const QString& cursor)
{
    return FeedParser::parseEntries(get(QStringLiteral("/v1/entries"), cursor));
}

CardPage FeedClient::cards(const QString& cursor)
{
    return FeedParser::parseCards(get(QStringLiteral("/v1/cards"), cursor));
}

} // namespace cabas::ledger
