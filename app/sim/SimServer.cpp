// The HTTP side of cabas-ledger-sim: a Poco HTTPServer on 127.0.0.1 in front of a SimFeed.
#include "sim/SimLedger.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <QThread>

namespace cabas::sim {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler
{
  public:
    explicit Handler(SimFeed& feed) : m_feed(feed) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const Poco::URI uri(request.getURI());
        QMap<QString, QString> query;
        for (const auto& [key, value] : uri.getQueryParameters())
            query.insert(QString::fromStdString(key), QString::fromStdString(value));
        const QString authorization =
            request.has("Authorization") ? QString::fromStdString(request.get("Authorization")) : QString();
        const SimResponse r = m_feed.handle(QString::fromStdString(request.getMethod()),
                                            QString::fromStdString(uri.getPath()), query, authorization);
        if (r.delayMs > 0)
            QThread::msleep(ulong(r.delayMs));
        response.setStatus(Poco::Net::HTTPResponse::HTTPStatus(r.status));
        response.setContentType("application/json; charset=utf-8");
        for (auto it = r.headers.begin(); it != r.headers.end(); ++it)
            response.set(it.key().toStdString(), it.value().toStdString());
        response.setContentLength64(r.body.size());
        if (r.cut) {
            // Promise the whole body, send half of it, and close the connection.
            response.setKeepAlive(false);
            std::ostream& out = response.send();
            out.write(r.body.constData(), r.body.size() / 2);
            out.flush();
            return;
        }
        std::ostream& out = response.send();
        out.write(r.body.constData(), r.body.size());
    }

  private:
    SimFeed& m_feed;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory
{
  public:
    explicit Factory(SimFeed& feed) : m_feed(feed) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(m_feed);
    }

  private:
    SimFeed& m_feed;
};

} // namespace

struct SimServer::Impl
{
    Poco::Net::ServerSocket socket;
    std::unique_ptr<Poco::Net::HTTPServer> server;
};

SimServer::SimServer(SimFeed& feed, quint16 port, int threads) : d(std::make_unique<Impl>())
{
    d->socket = Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", port));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setKeepAlive(true);
    d->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(feed), d->socket, params);
    d->server->start();
}

SimServer::~SimServer()
{
    d->server->stopAll(true);
}

quint16 SimServer::port() const
{
    return d->socket.address().port();
}

QString SimServer::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

} // namespace cabas::sim
