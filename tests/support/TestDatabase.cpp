#include "support/TestDatabase.h"

#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/UserService.h"
#include "setup/Setup.h"
#include "store/UserRepository.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <catch2/catch.hpp>

namespace cabas::test {

const char* const TempDatabase::kAdminPassword = "Admin-Password-2026";

namespace {
QAtomicInt databaseCounter;
} // namespace

QSqlDatabase addRawConnection(const store::DatabaseSpec& spec, const QString& name,
                              const QString& sqliteOptions)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(
        spec.backend == store::Backend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    if (spec.backend == store::Backend::Sqlite) {
        db.setDatabaseName(spec.path);
        db.setConnectOptions(sqliteOptions);
    } else {
        db.setHostName(spec.host);
        db.setPort(spec.port);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        db.setDatabaseName(spec.databaseName);
    }
    return db;
}

QVariant runRaw(const store::DatabaseSpec& spec, const QStringList& statements)
{
    QVariant result;
    const QString name = QStringLiteral("cabas-test-raw-%1").arg(databaseCounter.fetchAndAddRelaxed(1));
    QString failure;
    {
        QSqlDatabase db = addRawConnection(spec, name);
        if (!db.open()) {
            failure = db.lastError().text();
        } else {
            for (const QString& sql : statements) {
                QSqlQuery q(db);
                if (!q.exec(sql)) {
                    failure = sql + QStringLiteral(": ") + q.lastError().text();
                    break;
                }
                if (q.isSelect() && q.next())
                    result = q.value(0);
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (!failure.isEmpty())
        throw std::runtime_error("raw SQL failed: " + failure.toStdString());
    return result;
}

void rawExec(const store::DatabaseSpec& spec, const QString& sql)
{
    runRaw(spec, {sql});
}

std::vector<store::Backend> backendsUnderTest()
{
    std::vector<store::Backend> backends{store::Backend::Sqlite};
    if (!qEnvironmentVariableIsEmpty("CABAS_TEST_PG")) {
        backends.push_back(store::Backend::Postgres);
    } else if (qEnvironmentVariable("CABAS_REQUIRE_PG") == QLatin1String("1")) {
        FAIL("CABAS_REQUIRE_PG=1 but CABAS_TEST_PG is not set: no PostgreSQL server to test against");
    } else {
        static bool warned = false;
        if (!warned)
            WARN("CABAS_TEST_PG is not set: the PostgreSQL half of the storage tests is skipped "
                 "(packaging/run-tests.sh starts a server)");
        warned = true;
    }
    return backends;
}

const char* backendName(store::Backend backend)
{
    return backend == store::Backend::Sqlite ? "sqlite" : "postgresql";
}

TempDatabase::TempDatabase(store::Backend backend)
{
    if (backend == store::Backend::Sqlite) {
        m_spec.backend = store::Backend::Sqlite;
        m_spec.path = m_dir.filePath(QStringLiteral("test.cabas"));
        return;
    }
    m_adminSpec = store::DatabaseSpec::parse(qEnvironmentVariable("CABAS_TEST_PG"));
    m_spec = m_adminSpec;
    m_spec.databaseName = QStringLiteral("cabas_test_%1_%2")
                              .arg(QCoreApplication::applicationPid())
                              .arg(databaseCounter.fetchAndAddRelaxed(1));
    runRaw(m_adminSpec, {QStringLiteral("CREATE DATABASE %1").arg(m_spec.databaseName)});
}

TempDatabase::~TempDatabase()
{
    if (m_spec.backend == store::Backend::Postgres) {
        try {
            runRaw(m_adminSpec,
                   {QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_spec.databaseName)});
        } catch (const std::exception& e) {
            qWarning("could not drop test database: %s", e.what());
        }
    }
}

QString TempDatabase::url() const
{
    if (m_spec.backend == store::Backend::Sqlite)
        return m_spec.path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(m_spec.host);
    url.setPort(m_spec.port);
    url.setUserName(m_spec.user);
    if (!m_spec.password.isEmpty())
        url.setPassword(m_spec.password);
    url.setPath(QLatin1Char('/') + m_spec.databaseName);
    return url.toString();
}

std::unique_ptr<store::Database> TempDatabase::create() const
{
    return store::Database::create(m_spec);
}

std::unique_ptr<store::Database> TempDatabase::createInitialised(QString* recoveryKey) const
{
    InitRequest request;
    request.spec = m_spec;
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QString::fromLatin1(kAdminPassword);
    request.sealFields = false; // the tests' databases stay clear (new tests ask for createSealed())
    return Setup::initDatabase(request, recoveryKey);
}

std::unique_ptr<store::Database> TempDatabase::createSealed() const
{
    InitRequest request;
    request.spec = m_spec;
    request.adminLogin = QStringLiteral("admin");
    request.adminPassword = QString::fromLatin1(kAdminPassword);
    request.sealFields = true;
    return Setup::initDatabase(request);
}

std::unique_ptr<store::Database> TempDatabase::createWithoutKeyRing() const
{
    createInitialised().reset();
    runRaw(m_spec, {QStringLiteral("DELETE FROM key_slot"), QStringLiteral("DELETE FROM key_ring")});
    return open();
}

std::unique_ptr<store::Database> TempDatabase::open() const
{
    return store::Database::open(m_spec);
}

void TempDatabase::rawExec(const QString& sql) const
{
    runRaw(m_spec, {sql});
}

QVariant TempDatabase::rawValue(const QString& sql) const
{
    return runRaw(m_spec, {sql});
}

Session adminSession(const store::Database& db)
{
    return security::Authenticator(db).login(QStringLiteral("admin"),
                                             QString::fromLatin1(TempDatabase::kAdminPassword));
}

void settlePassword(const store::Database& db, const QString& login)
{
    db.exec(QStringLiteral("UPDATE app_user SET password_must_change = ? WHERE login = ?"), {false, login});
}

Session sessionFor(const store::Database& db, Role role, const QString& login)
{
    const QString name = login.isEmpty() ? toCode(role).replace(QLatin1Char('_'), QLatin1Char('.')) : login;
    const QString password = QStringLiteral("Password-of-%1").arg(name);
    if (role == Role::Admin && name == QLatin1String("admin"))
        return adminSession(db);
    if (!store::UserRepository(db).findByLogin(name)) {
        const Session admin = adminSession(db);
        security::UserService(db, admin).add(name, name, role, password);
        settlePassword(db, name);
    }
    return security::Authenticator(db).login(name, password);
}

} // namespace cabas::test
